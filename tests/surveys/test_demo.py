"""The demo step `load_surveys`: a completed wave of ≥ 1,000 responses over the five streets with its frozen
estimates, an earlier wave to compare with, training with attendance, examples; a second run changes nothing."""

import io

import pytest
from django.db import transaction
from django.test import override_settings

from wenming.demo.runner import run
from wenming.demo.steps import STEPS
from wenming.demo.surveys import load_surveys
from wenming.surveys.estimates import compare_waves, wave_estimates
from wenming.surveys.models import Answer, Attendance, Example, Response, TrainingSession, Wave


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    steps = [s for s in STEPS if s is not load_surveys] + [load_surveys]
    with django_db_blocker.unblock(), override_settings(DEMO_ACCOUNTS_ALLOWED=True):
        with transaction.atomic():
            run(seed=2026, stdout=io.StringIO(), steps=steps)
            yield steps
            transaction.set_rollback(True)


def counts() -> dict:
    return {
        m.__name__: m.objects.count() for m in (Wave, Response, Answer, TrainingSession, Attendance, Example)
    }


@pytest.mark.django_db
def test_a_completed_wave_over_the_five_streets(demo):
    latest = Wave.objects.get(name="2025 年第四季度市民文明创建问卷调查")
    assert latest.state == "closed"
    strata = list(latest.strata.select_related("area").order_by("order"))
    assert [s.area.name for s in strata] == ["湖里街道", "殿前街道", "禾山街道", "江头街道", "金山街道"]
    assert latest.responses.count() >= 1000
    assert all(s.responses.count() == s.target for s in strata)
    assert set(latest.responses.values_list("channel", flat=True)) == {"interview", "public"}
    data = wave_estimates(latest)
    assert data["frozen"] is True
    for key in ("awareness", "support", "participation", "satisfaction"):
        ind = data["indicators"][key]
        assert 0 < ind["ci_low"] < ind["estimate"] < ind["ci_high"] < 1
        assert ind["ci_high"] - ind["ci_low"] < 0.07  # about ±3 %
    # the later wave was drawn with higher rates than the earlier one
    earlier = Wave.objects.get(name="2025 年第二季度市民文明创建问卷调查")
    sat = next(r for r in compare_waves([earlier, latest]) if r["key"] == "satisfaction")
    assert sat["cells"][1]["change"]["diff"] > 0


@pytest.mark.django_db
def test_training_and_examples(demo):
    lecture = TrainingSession.objects.get(kind="lecture")
    assert lecture.attendances.filter(status="present").count() > 10
    assert lecture.quizzes.get().questions.count() == 3
    assert TrainingSession.objects.get(kind="site_visit").point_types.count() == 2
    assert Example.objects.count() == 5 and all(e.photos.count() == 1 for e in Example.objects.all())


@pytest.mark.django_db
def test_a_second_run_changes_nothing(demo):
    before = counts()
    stamp = Wave.objects.order_by("pk").values_list("updated_at", flat=True)
    stamps = list(stamp)
    with override_settings(DEMO_ACCOUNTS_ALLOWED=True):
        run(seed=2026, stdout=io.StringIO(), steps=[load_surveys])
    assert counts() == before
    assert list(Wave.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
