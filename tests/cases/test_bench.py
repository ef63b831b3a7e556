"""The cases benchmarks at a tiny scale, in-process: report shape, the services really creating and dispatching,
and the KPI table agreeing with its SQL baseline (not timings)."""

import pytest

from wenming.bench import data
from wenming.bench.registry import RESULT_KEYS, BenchContext, load
from wenming.cases import bench
from wenming.cases.choices import CaseState, RoutingStep
from wenming.cases.models import Case


@pytest.mark.django_db
def test_create_dispatch_benchmark_creates_dispatches_and_bulk_inserts_the_same_rows():
    # given the registry knows the benchmark
    assert "cases.create_dispatch" in load()

    # when it runs for 30 cases in 3 batches
    report = bench.create_dispatch(BenchContext(scale=0.0003, repeat=3, seed=7))

    # then the report has the registry's shape, per-case milliseconds
    assert tuple(report) == RESULT_KEYS
    assert report["name"] == "cases.create_dispatch"
    assert report["unit"] == "ms" and report["value"] > 0 and report["baseline"] > 0
    assert report["ratio"] == round(report["value"] / report["baseline"], 4)
    params = report["params"]
    assert (params["cases"], params["batches"], params["batch_size"]) == (30, 3, 10)
    # and every case went through create_case + dispatch, routed (by rule or by its point's unit)
    assert (params["created"], params["dispatched"], params["bulk_inserted"]) == (30, 30, 30)
    assert sum(params["routing_steps"].values()) == 30
    assert set(params["routing_steps"]) <= {RoutingStep.RULE, RoutingStep.POINT}
    assert params["events_per_case"] == 2.0  # 上报 + 派遣
    # and the bulk copies carry the field values of the 30 timed rows the services wrote (2 warm-up cases first)
    fields = ("category_id", "point_id", "unit_id", "state", "fix_deadline", "dispatched_at", "routing_step")
    service_rows = Case.objects.exclude(code__startswith="BK-BULK-").order_by("pk")
    assert service_rows.count() == 32
    assert set(service_rows.values_list("state", flat=True)) == {CaseState.DISPATCHED}
    bulk_rows = Case.objects.filter(code__startswith="BK-BULK-").order_by("pk")
    assert list(bulk_rows.values_list(*fields)) == list(service_rows.values_list(*fields))[2:]


@pytest.mark.django_db
def test_kpi_table_benchmark_agrees_with_its_sql_baseline():
    # given the registry knows the benchmark
    assert "cases.kpi_table" in load()

    # when it runs over 2,000 generated cases
    report = bench.kpi_table(BenchContext(scale=0.002, repeat=1, seed=11))

    # then the report has the registry's shape
    assert tuple(report) == RESULT_KEYS
    assert report["name"] == "cases.kpi_table"
    assert report["unit"] == "s" and report["value"] > 0 and report["baseline"] > 0
    params = report["params"]
    assert (params["cases"], params["units"], params["months"], params["formulas"]) == (2000, 200, 12, 2)
    assert sum(params["states"].values()) == 2000
    # and kpis.compute and the one SQL GROUP BY give the same counts in every (month, unit) cell
    assert params["agree"] is True
    assert params["differing_cells"] == 0
    assert params["avg_hours_max_difference"] <= 0.01
    assert params["cells"] > 100
    # and the data exercise every count (none of the compared figures is trivially zero)
    assert all(params["totals"][code] > 0 for code in bench.COUNT_CODES), params["totals"]


@pytest.mark.django_db
def test_the_agreement_check_notices_a_single_differing_count():
    # given a KPI table and its SQL twin that agree
    ctx = BenchContext(scale=0.0002, repeat=1, seed=3)
    built = bench.build_kpi_cases(ctx, 200, 2025)
    periods = bench.month_periods(2025)
    engine = bench.engine_table(periods, built["now"], data.bench_user(), [])
    sql = bench.sql_table(periods, built["now"])
    assert bench.compare(engine, sql)["differing"] == 0

    # when one count of one cell is off by one on the SQL side
    key = next(iter(sql))
    counts, hours = sql[key]
    sql[key] = ({**counts, "due": counts["due"] + 1}, hours)

    # then the comparison reports exactly that cell
    assert bench.compare(engine, sql)["differing"] == 1
