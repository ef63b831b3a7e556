"""The leader's case-figures benchmark at a tiny scale, in-process: report shape and the leader module's
figures agreeing with their raw-SQL baseline (not timings)."""

import pytest

from wenming.bench import data
from wenming.bench.registry import RESULT_KEYS, BenchContext, load
from wenming.cases import bench as cases_bench
from wenming.cases.models import Case
from wenming.dashboard import bench


@pytest.mark.django_db
def test_leader_cases_benchmark_agrees_with_its_sql_baseline():
    # given the registry knows the benchmark
    assert "dashboard.leader_cases" in load()

    # when it runs over 2,000 generated cases
    report = bench.leader_cases(BenchContext(scale=0.002, repeat=1, seed=5))

    # then the report has the registry's shape
    assert tuple(report) == RESULT_KEYS
    assert report["name"] == "dashboard.leader_cases"
    assert report["unit"] == "s" and report["value"] > 0 and report["baseline"] > 0
    params = report["params"]
    assert params["cases"] == 2000
    # and every figure equals its raw SQL twin, none of them trivially empty
    assert params["agree"] is True and params["differing"] == []
    assert params["open"] > 0 and params["overdue"] > 0
    assert params["trend_weeks"] == 12 and params["heat_cells"] > 0


@pytest.mark.django_db
def test_both_sides_follow_a_reopened_overdue_case():
    # given generated cases whose figures agree
    ctx = BenchContext(scale=0.0002, repeat=1, seed=3)
    built = cases_bench.build_kpi_cases(ctx, 300, 2025)
    now = built["now"]
    cases = Case.objects.restrict(data.bench_user(), "view")
    before = bench.engine_figures(cases, now)
    assert before == bench.sql_figures(now)

    # when a closed case is back in the unit's hands, its deadline long past
    case = Case.objects.filter(state="closed").order_by("pk").first()
    Case.objects.filter(pk=case.pk).update(state="fixing", fix_reported_at=None, closed_at=None)

    # then both sides count it once more as open and as overdue, and still agree on every figure
    after = bench.engine_figures(cases, now)
    assert after == bench.sql_figures(now)
    assert after["counts"] == (before["counts"][0] + 1, before["counts"][1] + 1)
