"""The planning benchmarks at a small scale: the report's figures and their relations (not timings)."""

import json

import pytest
from django.core.management import call_command

NAMES = ["planning.day_plan_marks", "planning.day_plan_solve", "planning.route_length"]


@pytest.mark.slow
@pytest.mark.django_db
def test_day_plan_benchmarks_report_benefit_and_route_length(tmp_path):
    output = tmp_path / "report.json"
    call_command("bench", only=NAMES, scale=0.04, repeat=1, output=str(output))
    report = json.loads(output.read_text(encoding="utf-8"))
    by_name = {b["name"]: b for b in report["benchmarks"]}
    assert set(by_name) == set(NAMES)
    marks = by_name["planning.day_plan_marks"]
    params = marks["params"]
    assert (params["points"], params["teams"]) == (200, 2)  # 5,000 × 0.04 and 20 × 0.04 (at least 2)
    assert marks["unit"] == "marks" and marks["ratio"] > 1.5  # risk-based routes find more than random draws
    assert marks["value"] == pytest.approx(params["marks_found"], rel=1e-5)
    assert params["marks_found"] > params["marks_found_greedy"]
    assert params["problem_points_found"] > params["problem_points_found_random"]
    length = by_name["planning.route_length"]
    assert length["unit"] == "km" and length["ratio"] <= 1.0
    assert length["value"] == pytest.approx(params["km"], rel=1e-5)
    assert length["params"]["planned_routes_feasible"] == params["teams"]
    solve = by_name["planning.day_plan_solve"]
    assert solve["unit"] == "s" and solve["value"] > 0 and solve["baseline"] > 0
