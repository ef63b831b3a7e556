"""The Open311 POST benchmark at a tiny scale: the report's figures and checks (not timings)."""

import json

import pytest
from django.core.management import call_command


@pytest.mark.slow
@pytest.mark.django_db
def test_open311_post_benchmark_reports_a_full_post_against_a_bare_insert(tmp_path):
    output = tmp_path / "report.json"
    call_command("bench", only=["participation.open311_post"], scale=0.002, repeat=1, output=str(output))
    (bench,) = json.loads(output.read_text(encoding="utf-8"))["benchmarks"]
    assert (bench["name"], bench["unit"]) == ("participation.open311_post", "ms")
    assert bench["value"] > 0 and bench["baseline"] > 0
    params = bench["params"]
    assert params["existing_reports"] == 200  # 100,000 × 0.002
    assert (params["posts_per_batch"], params["created"], params["all_200"]) == (10, 10, True)
    assert params["with_suggestion"] == 12  # the classifier answered every post (2 warm-up posts included)
    # The classifier's figures on the independent evaluation set sit beside the throughput.
    assert params["classifier_test_n"] >= 400 and params["classifier_dev_n"] >= 100
    assert params["classifier_test_leaf_top1"] >= 0.86 and params["classifier_test_top_level_top1"] >= 0.91
    assert params["duplicates_test_threshold"] == 0.7 and params["duplicates_test_recall"] >= 0.9
