"""`wenming bench` at a tiny scale: the report's shape and the throwaway-database guarantees (not timings)."""

import json
import os

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.factories import make_point
from wenming.bench import runner
from wenming.bench.registry import RESULT_KEYS, load, result
from wenming.geo.models import Point

SCALE = 0.0005  # 500 positions, 5 → 9 grid cells, 100 points behind the API


@pytest.mark.slow
@pytest.mark.django_db
def test_bench_report_shape_at_tiny_scale(tmp_path, capsys):
    # given a row in the database the tests use, which the bench must never see or touch
    make_point(code="KEEP-ME")
    output = tmp_path / "report.json"
    bench_dir = settings.DATA_DIR / "bench"
    before = set(bench_dir.iterdir()) if bench_dir.exists() else set()

    # when
    call_command("bench", scale=SCALE, repeat=1, output=str(output))

    # then the file and stdout carry the same report
    report = json.loads(output.read_text(encoding="utf-8"))
    assert json.loads(capsys.readouterr().out) == report
    assert {"wenming", "started_at", "database", "scale", "repeat", "seed", "benchmarks"} <= set(report)
    assert (report["database"], report["scale"], report["repeat"]) == ("sqlite", SCALE, 1)
    by_name = {b["name"]: b for b in report["benchmarks"]}
    assert sorted(by_name) == sorted(load())
    for bench in report["benchmarks"]:
        assert tuple(bench) == RESULT_KEYS, bench
        assert bench["value"] > 0 and bench["baseline"] > 0
        assert bench["ratio"] == round(bench["value"] / bench["baseline"], 4)
    spatial = by_name["spatial.locate_many"]
    assert (spatial["unit"], spatial["params"]["points"], spatial["params"]["grid_cells"]) == ("s", 500, 9)
    assert spatial["params"]["agreement"] == 1.0
    api = by_name["api.point_list"]
    assert (api["unit"], api["params"]["points"], api["params"]["page_size"]) == ("ms", 100, 100)
    # and the throwaway database is gone, the test database untouched
    assert list(Point.objects.values_list("code", flat=True)) == ["KEEP-ME"]
    left = (
        set(bench_dir.iterdir()) - before
    )  # this run's throwaway directory is gone (other runs' are not ours)
    assert not left, sorted(str(p) for p in left)


def test_only_unknown_benchmark_is_refused():
    with pytest.raises(CommandError, match="unknown benchmark"):
        call_command("bench", only=["no.such.figure"])


def test_list_names_every_benchmark(capsys):
    call_command("bench", list=True)
    listed = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == sorted(load())


@pytest.mark.django_db
def test_the_child_refuses_a_database_that_is_not_a_throwaway_one(monkeypatch):
    monkeypatch.setenv("WENMING_BENCH_CHILD", "1")
    with pytest.raises(runner.BenchError, match="refusing to benchmark"):
        runner.run_child(names=[], scale=SCALE, repeat=1, seed=1)
    monkeypatch.delenv("WENMING_BENCH_CHILD")
    with pytest.raises(runner.BenchError, match="only when started by"):
        runner.run_child(names=[], scale=SCALE, repeat=1, seed=1)
    assert "WENMING_BENCH_CHILD" not in os.environ


def test_result_ratio():
    assert result(name="x", value=3.0, baseline=1.5, unit="s") == {
        "name": "x",
        "value": 3.0,
        "baseline": 1.5,
        "ratio": 2.0,
        "unit": "s",
        "params": {},
    }
    assert result(name="x", value=1.0, baseline=0.0, unit="s")["ratio"] is None
