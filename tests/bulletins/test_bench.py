"""The bulletin and appraisal benchmarks at a tiny scale, in-process: report shape, sizes, and the appraisal
agreeing with its raw-SQL baseline (not timings)."""

import pytest

from wenming.bench.registry import RESULT_KEYS, BenchContext, load
from wenming.bulletins import bench


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT, settings.GENERATED_ROOT = tmp_path / "media", tmp_path / "generated"


@pytest.mark.django_db
def test_bulletin_benchmarks_render_the_scaled_month(media):
    assert {"bulletins.monthly_files", "bulletins.monthly_pdf", "appraisal.units_cases"} <= set(load())
    ctx = BenchContext(scale=0.01, repeat=1, seed=3)
    files = bench.monthly_files(ctx)
    assert tuple(files) == RESULT_KEYS and files["value"] > 0 and files["baseline"] > 0
    assert (files["params"]["problems"], files["params"]["photos"]) == (50, 20)
    assert files["params"]["docx_bytes"] > 10_000
    pdf = bench.monthly_pdf(ctx)
    params = pdf["params"]
    assert tuple(pdf) == RESULT_KEYS and pdf["value"] > 0 and pdf["baseline"] > 0
    # 100 problems of their own month, a before and an after photo each, printed from 437 px copies
    assert (params["problems"], params["photos"], params["print_width_px"]) == (100, 200, 437)
    assert params["print_copies_deleted_before_cold"] >= 200 and params["cold_s"] > 0 and params["cpu_s"] > 0
    assert params["font_subsetter"] == "harfbuzz" and params["pdf_bytes"] > 100_000


@pytest.mark.django_db
def test_appraisal_benchmark_agrees_with_raw_sql(media):
    report = bench.units_cases(BenchContext(scale=0.002, repeat=1, seed=5))
    assert tuple(report) == RESULT_KEYS
    params = report["params"]
    assert (params["cases"], params["units"]) == (2000, 10)
    assert params["units_scored"] == 10 and params["agreement"] == 1.0
