"""The forecast benchmark at a tiny scale, in-process: report shape and what it simulated (not timings)."""

from wenming.bench.registry import RESULT_KEYS, BenchContext, load
from wenming.forecast import bench


def test_forecast_benchmark_reports_value_beside_its_numpy_baseline():
    assert "forecast.simulate" in load()
    report = bench.forecast_simulation(BenchContext(scale=0.01, repeat=1, seed=7))
    assert tuple(report) == RESULT_KEYS
    assert report["unit"] == "s" and report["value"] > 0 and report["baseline"] > 0
    params = report["params"]
    assert params["points"] == 500 and params["criteria"] == 30 and params["simulations"] == 1000
    assert params["bernoulli_draws"] == 1000 * 26 * 5 * 30
    assert params["draws"] > params["bernoulli_draws"]  # plus the Poisson draws of counted failures
    assert 0 < params["expected_score"] < 100
