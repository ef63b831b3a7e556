"""Duplicates measured (重复上报评测): the labelled groups of `data/eval/duplicate_groups.csv` (see the README
next to it) run through the real `duplicate_candidates` on real report rows.

Each group is one new report and the reports already there at the same place: the same problem written
again with other words (`duplicate` = 1, a few to a hundred metres away, hours to days earlier) and different
problems at the same place (`duplicate` = 0). The new report carries no category of its own, as when the
citizen leaves it to the office: its suggested category comes from the current classifier (`classifier.suggest`
— the same as at submission). Existing reports carry their labelled category. Groups are placed 2 km apart so
they never see each other.

Shown candidates = the top 3 of `duplicate_candidates` whose score ≥ `threshold`.
    precision = true duplicates shown / candidates shown
    recall    = true duplicates shown / true duplicates
Worked example: a group with one duplicate and two other problems, top 3 = [duplicate 0.82, other 0.55,
other 0.41] at threshold 0.6 → 1 shown, 1 correct: precision 1/1, recall 1/1; at threshold 0.5 → 2 shown,
precision 1/2. Totals are summed over all groups before dividing.
The threshold is `PARTICIPATION_DUPLICATE_THRESHOLD` (default 0.70, chosen on the `dev` groups by a rule fixed
beforehand: the smallest threshold on a 0.05 grid whose dev precision is ≥ 0.8; figures in
docs/participation-classifier.md).
"""

from __future__ import annotations

import csv
import datetime
import math
from pathlib import Path

from django.utils import timezone

from wenming.participation.duplicates import TOP_CANDIDATES as TOP
from wenming.participation.duplicates import duplicate_threshold

GROUPS_PATH = Path(__file__).resolve().parent / "data" / "eval" / "duplicate_groups.csv"
BASE_LAT, BASE_LON = 30.00, 100.00  # far from any real district; groups step north 0.02° (≈ 2.2 km) apart


def groups(split: str | None = None) -> dict[str, list[dict]]:
    with GROUPS_PATH.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if split is None or r["split"] == split]
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["group"], []).append(row)
    return out


def _place(index: int, metres: float) -> tuple[float, float]:
    lat = BASE_LAT + 0.02 * index
    return lat, BASE_LON + metres / (111_320 * math.cos(math.radians(lat)))


def build(split: str, *, now=None) -> list[tuple[object, set[int]]]:
    """Create the split's reports; [(new report, ids of its true duplicates)]. Call inside a transaction
    that is rolled back (tests, the bench's throwaway database); build each split once per database."""
    from wenming.participation import classifier
    from wenming.participation.choices import Channel, ReportState
    from wenming.participation.models import Report
    from wenming.standards.models import ProblemCategory

    now = now or timezone.now()
    categories = {c.code: c for c in ProblemCategory.objects.leaves()}
    built = []
    for group, rows in sorted(groups(split).items(), key=lambda kv: int(kv[0])):
        index = int(group)  # the group's own place: splits built in one database never meet
        duplicates: set[int] = set()
        new = None
        for row in rows:
            if row["role"] == "new":
                lat, lon = _place(index, 0)
                _model, ranked = classifier.suggest(row["text"], limit=1)
                suggested = (
                    ProblemCategory.objects.filter(pk=ranked[0].category_id).first() if ranked else None
                )
                new = Report.objects.create(
                    channel=Channel.WEB, state=ReportState.PENDING, description=row["text"], lat=lat, lon=lon,
                    submitted_at=now, suggested_category=suggested,
                    suggestion_confidence=ranked[0].confidence if ranked else None,
                )  # fmt: skip
            else:
                lat, lon = _place(index, float(row["metres"]))
                old = Report.objects.create(
                    channel=Channel.WEB, state=ReportState.PENDING, description=row["text"], lat=lat, lon=lon,
                    submitted_at=now - datetime.timedelta(hours=float(row["hours_before"])),
                    category=categories.get(row["code"]),
                )  # fmt: skip
                if row["duplicate"] == "1":
                    duplicates.add(old.pk)
        built.append((new, duplicates))
    return built


def measure(built, *, threshold: float | None = None) -> dict:
    """Precision and recall of the shown top-3 candidates over the built groups (see the module doc)."""
    from wenming.participation.duplicates import duplicate_candidates

    threshold = duplicate_threshold() if threshold is None else threshold
    shown = correct = expected = 0
    for new, duplicates in built:
        top = [c for c in duplicate_candidates(new, limit=TOP) if c.score >= threshold]
        shown += len(top)
        correct += sum(1 for c in top if c.kind == "report" and c.obj.pk in duplicates)
        expected += len(duplicates)
    return {
        "threshold": threshold,
        "groups": len(built),
        "duplicates": expected,
        "shown": shown,
        "correct": correct,
        "precision": round(correct / shown, 4) if shown else None,
        "recall": round(correct / expected, 4) if expected else None,
    }


def scores(built) -> list[tuple[float, bool]]:
    """(score, is a true duplicate) of every top-3 candidate — to choose the threshold on the dev split."""
    from wenming.participation.duplicates import duplicate_candidates

    return [
        (c.score, c.kind == "report" and c.obj.pk in duplicates)
        for new, duplicates in built
        for c in duplicate_candidates(new, limit=TOP)
    ]


class _RolledBack(Exception):
    pass


def measure_rolled_back() -> dict:
    """{split: figures} for both splits, built and measured inside a transaction that is then rolled back —
    nothing stays in the database. Stored with every activated classifier (its suggestions are part of it)."""
    from django.db import transaction

    out: dict = {}
    try:
        with transaction.atomic():
            for split in ("dev", "test"):
                out[split] = measure(build(split))
            raise _RolledBack
    except _RolledBack:
        pass
    return out
