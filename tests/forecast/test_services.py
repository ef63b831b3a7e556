"""The forecast end to end on a real database: records → cached run → pages, point_risk, staleness, backtest."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from tests.scoring.factories import make_inspection, make_world
from wenming.forecast import backtest, services
from wenming.forecast.api import PointRisk, point_risk
from wenming.forecast.models import ForecastRun

pytestmark = pytest.mark.django_db


def _world():
    at = timezone.now() - datetime.timedelta(days=10)
    world = make_world(state="closed", kind="mock", at=at)
    for k in (world.k1, world.k2, world.k3):
        k.point_types.add(world.point_type)
    world.round.sampling_plan = {"mode": "random", "per_type": {world.point_type.code: 2}}
    world.round.period_start = (at - datetime.timedelta(days=1)).date()
    world.round.save()
    return world


def test_forecast_run_is_cached_engine_checked_and_feeds_point_risk():
    world = _world()
    services.update_parameters(actor=make_user("office"), simulations=2000)
    run = services.compute_run()
    r = run.result
    assert r["simulations"] == 2000 and r["drawn"] == 2 and r["points"] == 3 and r["items"] == 9
    assert r["plan"] == {world.point_type.code: 2} and r["plan_source"].startswith("round:")
    assert r["engine_checked"] == services.ENGINE_CHECK_DRAWS * 2
    s = r["score"]
    assert 0 < s["low95"] <= s["low80"] <= s["mean"] <= s["high80"] <= s["high95"] <= 100
    assert abs(s["mean"] - r["analytic_mean"]) < 1.5  # simulation agrees with the exact expectation
    # The list is ordered by gain; where a criterion failed it ranks above the same criterion elsewhere.
    lines = r["fix_first"]
    assert lines == sorted(lines, key=lambda x: -x["gain"])
    gain = {(line["point_id"], line["criterion_id"]): line for line in lines}
    assert gain[world.p2.pk, world.k2.pk]["gain"] > gain[world.p1.pk, world.k2.pk]["gain"]
    assert (
        gain[world.p3.pk, world.k1.pk]["p_fail"]
        > gain.get((world.p1.pk, world.k1.pk), {"p_fail": 0})["p_fail"]
    )
    assert lines[0]["marks"] == 4.0 and lines[0]["p_drawn"] == pytest.approx(2 / 3, abs=1e-4)
    # point_risk reads the cached run (same data) and matches it.
    risks = point_risk()
    assert set(risks) == {world.p1.pk, world.p2.pk, world.p3.pk}
    assert risks[world.p3.pk] == PointRisk(world.p3.pk, *run.risks[str(world.p3.pk)])
    assert risks[world.p3.pk].p_fail > risks[world.p1.pk].p_fail
    assert 0 < risks[world.p2.pk].expected_marks_lost < risks[world.p2.pk].possible_marks == 9.0
    assert set(point_risk(point_ids=[world.p1.pk])) == {world.p1.pk}
    # Nothing changed: the job keeps the cache.
    assert services.refresh() is None


def test_new_observation_marks_the_run_stale_and_the_job_recomputes(django_capture_on_commit_callbacks):
    world = _world()
    services.update_parameters(actor=make_user("office"), simulations=1000)
    run = services.compute_run()
    with django_capture_on_commit_callbacks(execute=True):
        make_inspection(world.round, world.p1, [(world.k1, "noncompliant")])
    run.refresh_from_db()
    assert run.stale
    new = services.refresh()
    assert new is not None and not new.stale and new.pk != run.pk
    # p1 × K1 just failed: its risk went up.
    assert new.risks[str(world.p1.pk)][0] > run.risks[str(world.p1.pk)][0]


def test_bad_parameters_are_refused_in_chinese_and_nothing_changes():
    from django.core.exceptions import PermissionDenied, ValidationError

    office = make_user("office")
    before = services.parameters().half_life_days
    with pytest.raises(ValidationError) as exc:
        services.update_parameters(actor=office, half_life_days=0, closure_odds=2)
    assert "半衰期" in str(exc.value) and "核查结案" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.update_parameters(actor=make_user("leader"), half_life_days=10)
    assert services.parameters().half_life_days == before


def test_backtest_replays_the_closed_round():
    from tests.scoring.factories import make_round

    world = _world()
    assert backtest.run_backtest(simulations=1000) == []  # nothing recorded before the round: skipped
    earlier = make_round(world.standard, kind="daily")
    make_inspection(
        earlier, world.p3, [(world.k1, "noncompliant")], at=timezone.now() - datetime.timedelta(days=40)
    )
    runs = backtest.run_backtest(simulations=1000)
    assert len(runs) == 1
    report = backtest.report()
    line = report["lines"][0]
    assert line["round_id"] == world.round.pk
    assert line["mean_score"] == pytest.approx((100 + 200 / 3 + 200 / 3) / 3, abs=1e-3)
    assert report["mae"] == pytest.approx(abs(line["error"]))
    assert line["in80"] in (True, False) and report["hit80"] in (0.0, 1.0)


def test_pages_permissions_and_open_case(client, django_capture_on_commit_callbacks):
    world = _world()
    services.update_parameters(actor=make_user("office"), simulations=1000)
    services.compute_run()
    assert client.get(reverse("forecast:forecast")).status_code == 302  # anonymous → login
    client.force_login(make_user("inspector"))
    assert client.get(reverse("forecast:forecast")).status_code == 403
    client.force_login(make_user("leader"))
    page = client.get(reverse("forecast:forecast"))
    assert page.status_code == 200 and "预估测评得分" in page.content.decode()
    assert world.p3.name in page.content.decode()
    assert client.get(reverse("forecast:forecast") + "?by=unit").status_code == 200
    by_group = client.get(reverse("forecast:forecast") + "?by=group").content.decode()
    assert world.group.name in by_group  # K-ENV's category belongs to the group
    by_unit = client.get(reverse("forecast:forecast") + f"?unit={world.u2.pk}").content.decode()
    assert world.p3.name in by_unit and world.p1.name not in by_unit
    by_street = client.get(reverse("forecast:forecast") + f"?street={world.s2.name}").content.decode()
    assert world.p3.name in by_street and world.p2.name not in by_street
    params_page = client.get(reverse("forecast:parameters")).content.decode()
    assert (
        "近期权重半衰期" in params_page and 'name="half_life_days"' not in params_page
    )  # shown, not editable
    assert client.get(reverse("forecast:backtest")).status_code == 200
    assert client.post(reverse("forecast:recompute")).status_code == 403
    office = make_user("office")
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("forecast:open_case"), {"point": world.p3.pk, "criterion": world.k1.pk}
        )
    assert response.status_code == 302
    from wenming.cases.models import Case

    case = Case.objects.get(point=world.p3, criterion=world.k1)
    assert response["Location"] == case.get_absolute_url()
    assert ForecastRun.objects.current().get().stale  # the case event marks the cache stale
    assert 'name="half_life_days"' in client.get(reverse("forecast:parameters")).content.decode()
    bad = client.post(reverse("forecast:parameters"), {"half_life_days": "0"})
    assert bad.status_code == 400


def test_leader_view_big_screen_and_weekly_bulletin_show_the_cached_forecast(client):
    from wenming.bulletins.render.document import forecast_section

    _world()
    services.update_parameters(actor=make_user("office"), simulations=1000)
    run = services.compute_run()
    mean = f"{run.result['score']['mean']:.1f}"
    client.force_login(make_user("leader"))
    for name in ("dashboard:leader", "dashboard:big_screen"):
        html = client.get(reverse(name)).content.decode()
        assert 'id="forecast-block"' in html and mean in html
        assert f"{run.result['score']['low80']:.1f}–{run.result['score']['high80']:.1f}" in html
    assert ForecastRun.objects.count() == 1  # the pages read the cache, they did not compute
    snap = services.bulletin_snapshot()
    section = forecast_section(snap)
    assert mean in section.paragraphs[0] and "80% 区间" in section.paragraphs[0]
    assert len(section.tables[0].rows) == min(10, len(run.result["fix_first"]))


def test_an_empty_district_has_no_score_rather_than_a_made_up_one(client):
    run = services.compute_run(simulations=1000)
    assert run.result["score"]["mean"] is None and run.result["drawn"] == 0 and run.result["fix_first"] == []
    assert point_risk() == {}
    client.force_login(make_user("office"))
    page = client.get(reverse("forecast:forecast"))
    assert page.status_code == 200 and "—" in page.content.decode()


def test_the_scheduled_job_is_registered_and_recomputes_only_when_needed():
    from wenming.core.schedule import autodiscover, registered_jobs
    from wenming.forecast import tasks

    autodiscover()
    job = {j.name: j for j in registered_jobs()}["forecast.refresh_forecast"]
    assert job.every == datetime.timedelta(minutes=30)
    _world()
    services.update_parameters(actor=make_user("office"), simulations=1000)
    first = tasks.refresh_forecast.call()
    assert ForecastRun.objects.get(pk=first).stale is False
    assert tasks.refresh_forecast.call() is None  # same data: the cache is kept
    ForecastRun.objects.filter(pk=first).update(stale=True)
    assert tasks.refresh_forecast.call() not in (None, first)
