"""Benchmark: an Open311 POST with classification, duplicate search and routing on, vs. a bare insert of the
same row, at 100,000 existing reports (scaled by `--scale`).

Value: milliseconds per `POST /open311/v2/requests.json` through the whole stack (Django test client: API
key check, DB rate-limit counters, position → area lookup, classifier prediction, duplicate candidates among
the existing reports and open cases within 300 m and 30 days, routing preview, the report row, its event).
Baseline, same run, same data: `Report.objects.create(...)` of the same row with the same values — what
storing a report costs with none of the checks. The ratio is the price of doing it properly.
Beside it, the classifier's accuracy on the independent evaluation set (leaf and top-level top-1/top-3 and
the calibration error, test and dev splits) of the model the POSTs use.
Registered in `wenming.bench.registry.BENCHMARK_MODULES`; runs on the bench's throwaway database only.
"""

import datetime
import time

from wenming.bench import data
from wenming.bench.registry import benchmark, result, timed

EXISTING = 100_000
POSTS = 50  # per timed batch (10 at tiny scales)


def _setup(ctx):
    from django.utils import timezone

    from wenming.bench.foundation import SPATIAL_CELLS
    from wenming.geo.choices import AreaLevel
    from wenming.geo.models import Area
    from wenming.org.choices import UnitLevel
    from wenming.org.models import Unit
    from wenming.participation import classifier, services
    from wenming.participation.cells import cell
    from wenming.participation.choices import Channel, ReportState
    from wenming.participation.models import Report
    from wenming.standards.models import ProblemCategory
    from wenming.standards.services import load_default_standard

    ctx.once("grid", lambda: data.build_grid(ctx.scaled(SPATIAL_CELLS, 4)))
    load_default_standard()
    for street in Area.objects.filter(level=AreaLevel.STREET, unit__isnull=True):  # 属地兜底 for routing
        street.unit = Unit.objects.create(
            code=f"BS{street.pk}", name=f"{street.name}办事处", level=UnitLevel.STREET
        )
        street.save(update_fields=["unit"])
    model = classifier.train()
    leaves = list(ProblemCategory.objects.public().order_by("code"))
    examples = [(c, e) for c in leaves for e in c.example_list()]
    n = ctx.scaled(EXISTING, 200)
    lats, lons = data.random_positions(ctx.rng, n)
    picks = ctx.rng.integers(0, len(examples), n)
    ages = ctx.rng.uniform(0, 120 * 24 * 3600, n)
    states = ctx.rng.choice(
        [ReportState.PENDING, ReportState.ACCEPTED, ReportState.REJECTED], n, p=[0.2, 0.7, 0.1]
    )
    now = timezone.now()
    batch = []
    for i in range(n):
        category, text = examples[int(picks[i])]
        batch.append(Report(
            channel=Channel.WEB, state=str(states[i]), category=category, description=text, lat=float(lats[i]),
            lon=float(lons[i]), submitted_at=now - datetime.timedelta(seconds=float(ages[i])),
            geo_cell=cell(float(lats[i]), float(lons[i])),
        ))  # fmt: skip
        if len(batch) == 5000:
            Report.objects.bulk_create(batch)
            batch = []
    if batch:
        Report.objects.bulk_create(batch)
    _client, key = services.issue_client(actor=None, name="bench", hourly_limit=100_000)
    return {"key": key, "examples": examples, "existing": n, "model": model}


def classifier_figures(model) -> dict:
    """The stored model's figures on the independent evaluation set (test and dev splits), for the bench
    report beside the POST throughput (rules: participation/classifier.py, docs/participation-classifier.md)."""
    out = {}
    for split in ("test", "dev"):
        figures = (model.metrics.get("eval") or {}).get(split) or {}
        for key in ("n", "leaf_top1", "leaf_top3", "top_level_top1", "top_level_top3", "ece"):
            out[f"classifier_{split}_{key}"] = figures.get(key)
    duplicates = (model.metrics.get("duplicates") or {}).get("test") or {}
    for key in ("threshold", "precision", "recall"):
        out[f"duplicates_test_{key}"] = duplicates.get(key)
    return out


@benchmark(
    "participation.open311_post",
    "Open311 POST (classification, duplicate search, routing) vs a bare insert, at 100,000 existing reports",
)
def open311_post(ctx) -> dict:
    from django.test import Client

    from wenming.participation.choices import Channel
    from wenming.participation.models import Report

    setup = ctx.once("participation", lambda: _setup(ctx))
    client = Client()
    examples = setup["examples"]
    posts = max(10, min(POSTS, ctx.scaled(10 * POSTS, 10)))
    statuses: list[int] = []

    def rows(k):
        lats, lons = data.random_positions(ctx.rng, k)
        picks = ctx.rng.integers(0, len(examples), k)
        return [(examples[int(p)], float(a), float(o)) for p, a, o in zip(picks, lats, lons, strict=True)]

    def post_batch():
        for (category, text), lat, lon in rows(posts):
            response = client.post(
                f"/open311/v2/requests.json?api_key={setup['key']}",
                {"service_code": category.code, "lat": lat, "long": lon, "description": text},
            )
            statuses.append(response.status_code)

    def insert_batch():
        for (category, text), lat, lon in rows(posts):
            Report.objects.create(
                channel=Channel.OPEN311, category=category, description=text, lat=lat, lon=lon
            )

    # Warm up (URL resolver, the classifier loaded from its blob, the area index) outside the timings.
    for (category, text), lat, lon in rows(2):
        client.post(f"/open311/v2/requests.json?api_key={setup['key']}",
                    {"service_code": category.code, "lat": lat, "long": lon, "description": text})  # fmt: skip
        Report.objects.create(channel=Channel.OPEN311, category=category, description=text, lat=lat, lon=lon)
    before = Report.objects.count()
    start = time.perf_counter()
    value, _runs = timed(post_batch, ctx.repeat)
    total = time.perf_counter() - start
    created = Report.objects.count() - before
    baseline, _runs = timed(insert_batch, ctx.repeat)
    with_suggestion = Report.objects.filter(channel=Channel.OPEN311, suggested_category__isnull=False).count()
    return result(
        name="participation.open311_post",
        value=value / posts * 1000,
        baseline=baseline / posts * 1000,
        unit="ms",
        params={
            "existing_reports": setup["existing"],
            "posts_per_batch": posts,
            "repeat": ctx.repeat,
            "created": created,
            "all_200": set(statuses) == {200},
            "with_suggestion": with_suggestion,
            "posts_per_second": round(posts * ctx.repeat / total, 1) if total else None,
            "classifier_accuracy": setup["model"].accuracy,
            **classifier_figures(setup["model"]),
        },
    )
