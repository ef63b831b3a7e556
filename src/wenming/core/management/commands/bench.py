"""`wenming bench`: benchmarks in a throwaway database, printed as a JSON report (see wenming.bench)."""

import argparse
import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run the benchmarks on synthetic data in a throwaway database (a temporary SQLite file under the data "
        "dir, or a new database on the PostgreSQL server of --database-url) and print a JSON report: each "
        "figure with its value, a baseline measured in the same run, and their ratio."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Data size factor: 1.0 = 1,000,000 positions / 10,000 grid cells / 100,000 points.",
        )
        parser.add_argument(
            "--repeat", type=int, default=5, help="Timings per figure (the median is reported)."
        )
        parser.add_argument("--seed", type=int, default=20260101, help="Seed of the synthetic data.")
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="NAME",
            help="Run only this benchmark (repeatable). See --list.",
        )
        parser.add_argument("--list", action="store_true", help="List the benchmarks and exit.")
        parser.add_argument(
            "--database-url",
            default="",
            help="A PostgreSQL server to run on: postgres://user@host:port/db. A new database "
            "wenming_bench_* is created there and dropped afterwards.",
        )
        parser.add_argument("--output", default="", help="Also write the JSON report to this file.")
        parser.add_argument("--keep", action="store_true", help="Keep the temporary SQLite database.")
        parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        from wenming.bench import runner
        from wenming.bench.registry import load

        if options["scale"] <= 0 or options["repeat"] < 1:
            raise CommandError("--scale must be > 0 and --repeat ≥ 1")
        if options["list"]:
            for name, bench in sorted(load().items()):
                self.stdout.write(f"{name}\t{bench.description}")
            return
        try:
            if options["child"]:
                report = runner.run_child(
                    names=options["only"],
                    scale=options["scale"],
                    repeat=options["repeat"],
                    seed=options["seed"],
                    log=lambda message: print(message, file=sys.stderr, flush=True),
                )
            else:
                unknown = [n for n in options["only"] if n not in load()]
                if unknown:
                    raise CommandError(f"unknown benchmark(s): {', '.join(unknown)} (see --list)")
                report = runner.run(
                    data_dir=settings.DATA_DIR,
                    names=options["only"],
                    scale=options["scale"],
                    repeat=options["repeat"],
                    seed=options["seed"],
                    database_url=options["database_url"],
                    keep=options["keep"],
                    stderr=sys.stderr,
                )
        except runner.BenchError as exc:
            raise CommandError(str(exc))
        text = json.dumps(report, ensure_ascii=False, indent=2)
        self.stdout.write(text)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        failed = [b["name"] for b in report["benchmarks"] if "error" in b]
        if failed and not options["child"]:
            raise CommandError(f"benchmarks failed: {', '.join(failed)}")
