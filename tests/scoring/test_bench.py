"""The scoring benchmark at a tiny scale, in-process: report shape and the engine agreeing with the SQL
baseline (not timings)."""

import pytest

from wenming.bench.registry import RESULT_KEYS, BenchContext, load
from wenming.scoring import bench


@pytest.mark.django_db
def test_round_rollup_benchmark_agrees_with_its_sql_baseline():
    assert "scoring.round_rollup" in load()
    report = bench.round_rollup(BenchContext(scale=0.004, repeat=1, seed=7))
    assert tuple(report) == RESULT_KEYS
    assert report["unit"] == "s" and report["value"] > 0 and report["baseline"] > 0
    params = report["params"]
    assert (params["inspections"], params["criteria"], params["observations"]) == (40, 30, 1200)
    assert params["max_difference"] < 1e-6
    assert params["groups"]["street"] >= 1 and params["groups"]["type"] >= 1 and params["groups"]["unit"] >= 1
