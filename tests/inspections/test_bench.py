"""The sampling-plan benchmark at a tiny scale: the report's figures and checks (not timings)."""

import json

import pytest
from django.core.management import call_command


@pytest.mark.slow
@pytest.mark.django_db
def test_sampling_plan_benchmark_reports_exact_reproducible_draws(tmp_path, capsys):
    output = tmp_path / "report.json"
    call_command("bench", only=["inspections.sampling_plan"], scale=0.002, repeat=1, output=str(output))
    report = json.loads(output.read_text(encoding="utf-8"))
    (bench,) = report["benchmarks"]
    assert bench["name"] == "inspections.sampling_plan"
    assert bench["unit"] == "ms"
    assert bench["value"] > 0 and bench["baseline"] > 0
    params = bench["params"]
    assert params["points"] == 100  # 50,000 × 0.002
    assert params["exact_counts"] is True
    assert params["reproducible"] is True
    assert params["drawn"] == sum(min(5, n) for n in params["per_type_available"].values())
