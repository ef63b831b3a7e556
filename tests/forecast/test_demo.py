"""The forecast on the Huli demo's records (foundation, inspections, cases): the demo step computes a forecast
the leader view shows, its fix-first list names real points and cases, and the backtest replays the closed
rounds. Loaded once for the module inside a transaction rolled back at the end."""

import io

import pytest
from django.db import transaction
from django.urls import reverse

from wenming.demo.cases import load_cases
from wenming.demo.forecast import load_forecast
from wenming.demo.inspections import load_inspections
from wenming.demo.runner import run as run_steps
from wenming.demo.steps import FOUNDATION_STEPS
from wenming.forecast import backtest, services
from wenming.forecast.api import point_risk
from wenming.forecast.models import ForecastRun


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            run_steps(
                steps=[*FOUNDATION_STEPS, load_inspections, load_cases, load_forecast], stdout=io.StringIO()
            )
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def db_demo(demo, db):
    return demo


def test_demo_forecast_is_shown_on_the_leader_view(db_demo, client):
    from wenming.accounts.models import User

    run = services.latest_run()
    r = run.result
    assert r["simulations"] == 10_000 and r["plan_source"].startswith("round:")
    assert r["engine_checked"] == services.ENGINE_CHECK_DRAWS * r["drawn"]
    assert r["observations"] > 1000 and r["open_case_items"] > 0
    s = r["score"]
    assert 50 < s["low95"] < s["low80"] < s["mean"] < s["high80"] < s["high95"] <= 100
    assert abs(s["mean"] - r["analytic_mean"]) < 0.5
    lines = r["fix_first"]
    assert lines and lines[0]["case_url"] or lines[0]["p_fail"] >= 0.2
    assert any(line["case_code"] for line in lines[:20])  # open problems are among the first to fix
    risks = point_risk()
    assert len(risks) == r["points"]
    client.force_login(User.objects.get(username="leader"))
    html = client.get(reverse("dashboard:leader")).content.decode()
    assert 'id="forecast-block"' in html and f"{s['mean']:.1f}" in html
    assert ForecastRun.objects.current().count() == 1
    report = backtest.report()
    assert report["rounds"] >= 3 and report["mae"] is not None
    print(
        "demo forecast",
        s,
        r["pass_rate"]["mean"],
        "seconds",
        run.seconds,
        "backtest",
        report["mae"],
        report["hit80"],
        [(x["round"], x["forecast"]["mean"], x["mean_score"]) for x in report["lines"]],
    )
