"""The demo step `load_cases` on top of the base demo (units … accounts): every source and state, photos,
events, notifications; idempotent."""

import datetime
import io

import pytest
from django.db.models import Count, Sum
from django.test import override_settings

from wenming.cases.models import Case, CaseEvent, CasePhoto
from wenming.core.models import Notification
from wenming.demo import cases as demo_cases
from wenming.demo.context import DemoContext

pytestmark = pytest.mark.slow


@pytest.fixture
def base_demo(db, settings, tmp_path):
    from wenming.demo.steps import STEPS

    settings.MEDIA_ROOT = tmp_path / "media"
    ctx = DemoContext(seed=2026, stdout=io.StringIO())
    with override_settings(DEMO_ACCOUNTS_ALLOWED=True):
        for step in STEPS:
            if step.__name__ in ("load_units", "load_groups", "load_standard", "load_areas", "load_points",
                                 "load_duties", "load_accounts"):  # fmt: skip
                ctx.reseed(step.__name__)
                step(ctx)
    return ctx


def test_load_cases_covers_sources_states_and_side_paths(base_demo, monkeypatch):
    monkeypatch.setattr(demo_cases, "N_CASES", 120)
    monkeypatch.setattr(demo_cases, "DUPLICATES", 5)
    monkeypatch.setattr(demo_cases, "REPEATS", 5)
    ctx = base_demo
    ctx.reseed("load_cases")
    now = datetime.datetime(2026, 11, 25, 7, 0, tzinfo=datetime.UTC)  # Wednesday 15:00 in Xiamen
    ctx.extra["cases_now"] = now

    with override_settings(DEMO_ACCOUNTS_ALLOWED=True):
        demo_cases.load_cases(ctx)

    demo = Case.objects.filter(source_ref__startswith=demo_cases.REF_PREFIX)
    assert demo.count() >= 120
    assert set(demo.values_list("source", flat=True)) == {
        "inspection",
        "citizen",
        "hotline",
        "leadership",
        "bulletin",
        "manual",
    }
    states = set(demo.values_list("state", flat=True))
    assert {"closed", "fixing", "merged", "registered", "returned", "rejected", "reported"} <= states
    totals = demo.aggregate(t=Sum("transfers"), e=Sum("extensions"), r=Sum("reworks"), m=Sum("reminders"))
    assert all(v > 0 for v in totals.values()), totals
    assert demo.filter(escalation_level__gt=0).exists()
    assert demo.filter(merged_into__isnull=False).count() >= 1
    assert demo.values("street").distinct().count() == 5
    assert CasePhoto.objects.filter(case__in=demo, stage="before").count() >= demo.count()
    assert CasePhoto.objects.filter(case__in=demo, stage="after").exists()
    kinds = set(CaseEvent.objects.filter(case__in=demo).values_list("kind", flat=True))
    assert {
        "created",
        "dispatched",
        "verified",
        "rework",
        "transfer_requested",
        "escalated",
        "reminded",
    } <= kinds
    assert "refusal" not in ctx.stdout.getvalue()
    # every case's times run forward and none is in the future
    assert not CaseEvent.objects.filter(case__in=demo, at__gt=now).exists()
    assert demo.filter(reported_at__lt=now - datetime.timedelta(days=85)).exists()
    # a second run changes nothing
    counts = (
        Case.objects.count(),
        CaseEvent.objects.count(),
        CasePhoto.objects.count(),
        Notification.objects.count(),
    )
    with override_settings(DEMO_ACCOUNTS_ALLOWED=True):
        demo_cases.load_cases(ctx)
    assert (Case.objects.count(), CaseEvent.objects.count(), CasePhoto.objects.count(),
            Notification.objects.count()) == counts  # fmt: skip
    assert dict(demo.values_list("source").annotate(n=Count("id")).order_by())
