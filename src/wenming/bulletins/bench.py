"""Benchmarks of bulletins and appraisal (registered in `wenming.bench.registry.BENCHMARK_MODULES`; they run only
inside the bench child process, on its throwaway database and data directory). Sizes scale with `--scale`.

* `bulletins.monthly_files` — a monthly bulletin of 5,000 problems with 2,000 photos: collect the snapshot and
  write the DOCX and the XLSX (the generation job's work). Baseline: the floor — the same table rows as CSV
  and the same photo files in one ZIP (python-docx's own `row.cells` API is quadratic in the rows: at 5,000
  rows it takes many minutes, which is why the renderer appends raw table rows).
* `bulletins.monthly_pdf` — the PDF (WeasyPrint) of a monthly bulletin of 10,000 problems (1,000 at
  `--scale 0.1`), each with a before and an after photo at the size uploads are stored (2,048 × 1,536 JPEG,
  every file distinct). The value is the PDF job as it runs after the draft generation (DOCX + XLSX) made the
  photos' print copies (`render.photos`); `cold_s` is the first PDF with no print copy stored yet (the copies
  made within it). Baseline: WeasyPrint on the bare problem table (same rows, no photos, no layout): what any
  PDF of these rows costs. The month is twelve months before the files bench's, its cases closed or fixed
  (none overdue), so neither bulletin reports the other's problems — except that this one lists the files
  month's overdue cases, which it always builds first, whatever the order.
* `appraisal.units_cases` — the appraisal of 200 units over 1,000,000 cases (unit handling template: every
  variable computed, formula evaluated, ranked, stored). Baseline: the same KPI counts as one raw SQL GROUP BY.
  `agreement` is the share of units whose due / handled / on-time / overdue counts match the SQL exactly.
"""

from __future__ import annotations

import datetime
import html
import io
import random
import time

from wenming.bench import data
from wenming.bench.registry import benchmark, result, timed

PROBLEMS = 5_000
PHOTOS = 2_000
PDF_PROBLEMS = 10_000  # each with a before and an after photo
CAMERA = (2048, 1536)  # settings.PHOTO_MAX_SIDE: the size an uploaded camera photo is stored at
CASES = 1_000_000
UNITS = 200


def _month(today: datetime.date) -> str:
    from wenming.bulletins.periods import default_code

    return default_code("monthly", today)


def _categories():
    from wenming.standards.models import ProblemCategory

    top = ProblemCategory.objects.filter(code="BENV").first()
    if top is None:
        top = ProblemCategory.objects.create(code="BENV", name="基准环境卫生")
        for i in range(1, 6):
            ProblemCategory.objects.create(
                code=f"BENV-{i:02d}",
                name=f"基准问题类别{i}",
                parent=top,
                deadline_value=1,
                deadline_unit="days",
            )
    return top, list(ProblemCategory.objects.filter(parent=top).order_by("code"))


def _jpeg(rng: random.Random) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), tuple(rng.randrange(256) for _ in range(3)))
    ImageDraw.Draw(image).rectangle([rng.randrange(200), rng.randrange(150), 300, 220], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _street_of_points() -> dict[int, tuple[int | None, int | None]]:
    """point id → (street area id, responsible unit id)."""
    from wenming.geo.choices import AreaLevel
    from wenming.geo.models import Area, Point

    streets = set(Area.objects.filter(level=AreaLevel.STREET).values_list("pk", flat=True))
    out = {}
    for pk, path, unit in Point.objects.values_list("pk", "area__path", "responsible_unit_id"):
        street = next((int(x) for x in (path or "").strip("/").split("/") if x and int(x) in streets), None)
        out[pk] = (street, unit)
    return out


def build_month(ctx, problems: int, photos: int):
    """`problems` cases reported last month over the shared bench points, `photos` of them with a photo file,
    and a draft monthly bulletin of that month."""
    from django.conf import settings
    from django.utils import timezone

    from wenming.bench.foundation import API_POINTS, SPATIAL_CELLS
    from wenming.bulletins import services
    from wenming.bulletins.periods import window_of
    from wenming.cases.models import CasePhoto

    grid = ctx.once("grid", lambda: data.build_grid(ctx.scaled(SPATIAL_CELLS, 4)))
    ctx.once("points", lambda: data.create_points(ctx.rng, grid, ctx.scaled(API_POINTS, 100)))
    user = data.bench_user()
    top, leaves = _categories()
    window = window_of(_month(timezone.localdate()))
    rng = random.Random(ctx.seed)
    ids = _month_of_cases(window, problems, rng, prefix="BM", open_state="dispatched", user=user, top=top, leaves=leaves)  # fmt: skip
    folder = settings.MEDIA_ROOT / "photos" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(photos):
        name = f"photos/bench/p{i:05d}.jpg"
        content = _jpeg(rng)
        (settings.MEDIA_ROOT / name).write_bytes(content)
        # first the before-photo of a problem, then its after-photo
        rows.append(CasePhoto(case_id=ids[i // 2], stage="before" if i % 2 == 0 else "after", image=name,
                              width=320, height=240))  # fmt: skip
    CasePhoto.objects.bulk_create(rows, batch_size=2000)
    bulletin = services.create_bulletin(actor=user, kind="monthly", period_code=window.code)
    return bulletin, user


def _floor_files(outline) -> bytes:
    """The floor the baseline measures: the same table rows as CSV and the same photo files, read and stored
    in one ZIP archive — the irreducible I/O of these documents, without any layout."""
    import csv
    import zipfile

    from django.conf import settings

    from wenming.bulletins.render.excel import all_tables

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i, table in enumerate(all_tables(outline.sections)):
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(table.header)
            writer.writerows(table.rows)
            archive.writestr(f"t{i}.csv", text.getvalue(), compress_type=zipfile.ZIP_DEFLATED)
        for _heading, entries in outline.photos:
            for e in entries:
                archive.writestr(e.path, (settings.MEDIA_ROOT / e.path).read_bytes())
    return out.getvalue()


def _bulletin(ctx):
    return ctx.once(
        "bulletins.month", lambda: build_month(ctx, ctx.scaled(PROBLEMS, 20), ctx.scaled(PHOTOS, 8))
    )


@benchmark(
    "bulletins.monthly_files", "monthly bulletin of 5,000 problems and 2,000 photos: snapshot + DOCX + XLSX"
)
def monthly_files(ctx) -> dict:
    from wenming.bulletins import services
    from wenming.bulletins.render import document

    bulletin, user = _bulletin(ctx)
    repeat = max(1, min(ctx.repeat, 3))
    value, _ = timed(lambda: services.generate_now(actor=user, bulletin=bulletin), repeat)
    bulletin.refresh_from_db()
    outline = document.outline(bulletin)
    baseline, _ = timed(lambda: _floor_files(outline), repeat)
    return result(
        name="bulletins.monthly_files",
        value=value,
        baseline=baseline,
        unit="s",
        params={
            "problems": len(bulletin.data["problems"]),
            "photos": bulletin.data["photos"],
            "repeat": repeat,
            "docx_bytes": bulletin.docx.size,
            "xlsx_bytes": bulletin.xlsx.size,
        },
    )


def _camera_jpegs(rng: random.Random, n: int = 6) -> list[bytes]:
    """A few photo-like JPEGs at the stored upload size (shapes over a gradient, light noise; 0.3–0.6 MB)."""
    from PIL import Image, ImageDraw, ImageFilter

    out = []
    for _ in range(n):
        base = Image.linear_gradient("L").resize(CAMERA).convert("RGB")
        tint = Image.new("RGB", CAMERA, tuple(rng.randrange(256) for _ in range(3)))
        image = Image.blend(base, tint, 0.6)
        draw = ImageDraw.Draw(image)
        for _ in range(40):
            x, y = rng.randrange(CAMERA[0]), rng.randrange(CAMERA[1])
            box = [x, y, x + rng.randrange(50, 600), y + rng.randrange(50, 400)]
            colour = tuple(rng.randrange(256) for _ in range(3))
            (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
        noise = Image.effect_noise(CAMERA, 40).convert("RGB")
        image = Image.blend(image.filter(ImageFilter.GaussianBlur(2)), noise, 0.12)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        out.append(buffer.getvalue())
    return out


def _distinct(jpeg: bytes, i: int) -> bytes:
    """The same picture with a comment segment naming photo `i`: a distinct file (and SHA-256) that decodes the
    same, so the print copies cannot be shared between photos."""
    comment = f"bench photo {i}".encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def build_pdf_month(ctx, problems: int):
    """`problems` cases twelve months before the files bench's month, closed or fix-reported, each with a
    before and an after photo at camera size stored through the default storage; a draft monthly bulletin."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from wenming.bulletins import services
    from wenming.bulletins.periods import window_of
    from wenming.cases.models import CasePhoto

    _bulletin(ctx)  # the files month first (its overdue cases are listed here too), whichever runs first
    user = data.bench_user()
    top, leaves = _categories()
    code = _month(timezone.localdate())
    year, month = (int(x) for x in code.split("-"))
    window = window_of(f"{year - 1:04d}-{month:02d}")
    rng = random.Random(ctx.seed + 7)
    ids = _month_of_cases(window, problems, rng, prefix="BP", open_state="fix_reported", user=user, top=top, leaves=leaves)  # fmt: skip
    pictures = _camera_jpegs(rng)
    rows = []
    for i in range(2 * problems):
        content = _distinct(pictures[i % len(pictures)], i)
        name = default_storage.save(f"photos/bench-pdf/p{i:06d}.jpg", ContentFile(content))
        rows.append(CasePhoto(case_id=ids[i // 2], stage="before" if i % 2 == 0 else "after", image=name,
                              width=CAMERA[0], height=CAMERA[1], sha256=hashlib.sha256(content).hexdigest()))  # fmt: skip
    CasePhoto.objects.bulk_create(rows, batch_size=2000)
    bulletin = services.create_bulletin(actor=user, kind="monthly", period_code=window.code)
    services.generate_now(actor=user, bulletin=bulletin)  # snapshot + DOCX + XLSX (makes the print copies)
    bulletin.refresh_from_db()
    return bulletin


@benchmark(
    "bulletins.monthly_pdf",
    "the PDF (WeasyPrint, CJK font) of a monthly bulletin of 10,000 problems with a before and an after photo each",
)
def monthly_pdf(ctx) -> dict:
    import weasyprint

    from wenming.bulletins.render import document, pdf, photos
    from wenming.bulletins.render.excel import all_tables

    bulletin = ctx.once("bulletins.pdf_month", lambda: build_pdf_month(ctx, ctx.scaled(PDF_PROBLEMS, 20)))
    outline = document.outline(bulletin)
    problems = next(t for t in all_tables(outline.sections) if t.key == "problems")
    cells = ("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in problems.rows)
    bare = "<table>" + "".join(cells) + "</table>"
    font = pdf.font_path().resolve().as_uri()
    bare = f'<style>@font-face{{font-family:C;src:url("{font}")}} body{{font-family:C;font-size:9pt}}</style>{bare}'
    repeat = max(1, min(ctx.repeat, 2))
    produced = {}

    def render():
        produced["pdf"] = pdf.write_pdf(outline)

    deleted = photos.delete_copies()
    cpu = time.process_time()
    cold, _ = timed(render, 1)
    cold_cpu, cpu = time.process_time() - cpu, time.process_time()
    value, _ = timed(render, repeat)
    value_cpu, cpu = (time.process_time() - cpu) / repeat, time.process_time()
    baseline, _ = timed(lambda: weasyprint.HTML(string=bare).write_pdf(), repeat)
    baseline_cpu = (time.process_time() - cpu) / repeat
    return result(
        name="bulletins.monthly_pdf",
        value=value,
        baseline=baseline,
        unit="s",
        params={
            "problems": len(problems.rows),
            "photos": bulletin.data["photos"],
            "photo_size": list(CAMERA),
            "print_width_px": photos.print_width(),
            "print_copies_deleted_before_cold": deleted,
            "cold_s": round(cold, 3),
            # CPU seconds of this process: on a machine shared with other work, wall time says little
            "cpu_s": round(value_cpu, 3),
            "cold_cpu_s": round(cold_cpu, 3),
            "baseline_cpu_s": round(baseline_cpu, 3),
            "font_subsetter": pdf.font_subsetter(),
            "repeat": repeat,
            "pdf_bytes": len(produced["pdf"]),
        },  # fmt: skip
    )


# --- appraisal ----------------------------------------------------------------------------------------------------


def build_cases(ctx, n_cases: int, n_units: int) -> tuple[list[int], str]:
    """`n_units` units and `n_cases` dispatched cases over the three months around last month."""
    from django.db import reset_queries
    from django.utils import timezone

    from wenming.bulletins.periods import window_of
    from wenming.cases.models import Case
    from wenming.org.models import Unit

    units = Unit.objects.bulk_create(
        [Unit(code=f"BAU{i:04d}", name=f"基准考核单位{i}", level="district") for i in range(1, n_units + 1)]
    )
    unit_ids = [u.pk for u in units] or list(
        Unit.objects.filter(code__startswith="BAU").values_list("pk", flat=True)
    )
    top, leaves = _categories()
    code = _month(timezone.localdate())
    window = window_of(code)
    start = window.start - datetime.timedelta(days=30)
    span = (window.end - start).total_seconds() + 30 * 86400
    rng = random.Random(ctx.seed + 1)
    batch = []
    for i in range(n_cases):
        reported = start + datetime.timedelta(seconds=rng.random() * span)
        deadline = reported + datetime.timedelta(days=rng.choice((1, 2, 5, 15)))
        r = rng.random()
        fixed = reported + datetime.timedelta(days=rng.random() * 6) if r < 0.7 else None
        state = (
            "closed"
            if fixed and r < 0.6
            else ("fix_reported" if fixed else rng.choice(("dispatched", "fixing")))
        )
        batch.append(
            Case(
                code=f"BA-{i + 1:08d}", source="citizen", category=leaves[i % len(leaves)], top_category=top,
                unit_id=unit_ids[rng.randrange(len(unit_ids))], description="基准", reported_at=reported,
                dispatched_at=reported, fix_deadline=deadline, fix_reported_at=fixed,
                closed_at=fixed + datetime.timedelta(hours=4) if state == "closed" else None, state=state,
                reworks=1 if rng.random() < 0.05 else 0, extensions=1 if rng.random() < 0.04 else 0,
            )
        )  # fmt: skip
        if len(batch) == 20_000:
            Case.objects.bulk_create(batch)
            batch = []
            reset_queries()  # the bench child runs with DEBUG on: do not keep a million rows of SQL text
    if batch:
        Case.objects.bulk_create(batch)
    return unit_ids, code


def sql_counts(code: str, now) -> dict[int, tuple[int, int, int, int]]:
    """unit → (due, handled, handled on time, overdue open), the KPI definitions of cases/kpis.py in raw SQL."""
    from django.db import connection

    from wenming.bulletins.periods import window_of

    w = window_of(code)
    ops = connection.ops
    start, end, cut = (ops.adapt_datetimefield_value(x) for x in (w.start, w.end, min(w.end, now)))
    due = (
        "c.dispatched_at IS NOT NULL AND c.state NOT IN ('merged','rejected','parked') AND c.fix_deadline < %s "
        "AND (c.fix_deadline >= %s OR c.fix_reported_at IS NULL OR c.fix_reported_at >= %s)"
    )
    handled = f"{due} AND c.fix_reported_at IS NOT NULL AND c.fix_reported_at < %s"
    on_time = f"{handled} AND c.fix_reported_at <= c.fix_deadline"
    overdue = (
        f"{due} AND c.fix_deadline < %s AND ((c.fix_reported_at IS NULL AND c.state IN "
        "('dispatched','acknowledged','fixing')) OR c.fix_reported_at >= %s)"
    )
    sql = (
        f"SELECT c.unit_id, SUM(CASE WHEN {due} THEN 1 ELSE 0 END), SUM(CASE WHEN {handled} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {on_time} THEN 1 ELSE 0 END), SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END) "
        "FROM cases_case c WHERE c.unit_id IS NOT NULL GROUP BY c.unit_id"
    )
    params = (
        [end, start, start]
        + [end, start, start, end]
        + [end, start, start, end]
        + [end, start, start, cut, end]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: tuple(int(x or 0) for x in row[1:]) for row in cursor.fetchall()}


@benchmark("appraisal.units_cases", "appraisal of 200 units over 1,000,000 cases (unit handling template)")
def units_cases(ctx) -> dict:
    from django.utils import timezone

    from wenming.bulletins import appraisal
    from wenming.bulletins.models import AppraisalScheme

    unit_ids, code = ctx.once(
        "appraisal.cases", lambda: build_cases(ctx, ctx.scaled(CASES, 1000), ctx.scaled(UNITS, 10))
    )
    appraisal.ensure_template_schemes()
    scheme = AppraisalScheme.objects.get(template_key="unit_handling")
    user = data.bench_user()
    now = timezone.now()
    runs = []
    value, _ = timed(lambda: runs.append(appraisal.run_appraisal(actor=user, scheme=scheme, period_code=code, now=now)),
                     max(1, min(ctx.repeat, 3)))  # fmt: skip
    baseline, _ = timed(lambda: sql_counts(code, now), max(1, min(ctx.repeat, 3)))
    sql = sql_counts(code, now)
    results = list(runs[-1].results.filter(unit_id__in=unit_ids))
    same = sum(
        1
        for r in results
        if sql.get(r.unit_id)
        == tuple(int(r.value(c) or 0) for c in ("due", "handled", "handled_on_time", "overdue_open"))
    )
    return result(
        name="appraisal.units_cases",
        value=value,
        baseline=baseline,
        unit="s",
        params={
            "cases": ctx.scaled(CASES, 1000),
            "units": len(unit_ids),
            "units_scored": len(results),
            "repeat": max(1, min(ctx.repeat, 3)),
            "agreement": round(same / len(results), 6) if results else None,
        },
    )


def _month_of_cases(
    window, problems: int, rng, *, prefix: str, open_state: str, user, top, leaves
) -> list[int]:
    """`problems` inspection cases reported in `window` at random points, 60 % closed, the others in
    `open_state`; their ids in order."""
    from wenming.cases.models import Case

    places = list(_street_of_points().items())
    span = (window.end - window.start).total_seconds()
    fixed_when_open = open_state == "fix_reported"
    cases = []
    for i in range(problems):
        point_id, (street, unit) = places[rng.randrange(len(places))]
        reported = window.start + datetime.timedelta(seconds=rng.random() * span * 0.9)
        closed = rng.random() < 0.6
        cases.append(
            Case(
                code=f"{prefix}-{i + 1:07d}", source="inspection", category=leaves[i % len(leaves)], top_category=top,
                point_id=point_id, street_id=street, unit_id=unit, description=f"基准问题{i + 1}",
                reported_at=reported, registered_at=reported, dispatched_at=reported,
                fix_deadline=reported + datetime.timedelta(days=1),
                fix_reported_at=reported + datetime.timedelta(hours=5) if closed or fixed_when_open else None,
                closed_at=reported + datetime.timedelta(hours=8) if closed else None,
                state="closed" if closed else open_state, created_by=user, reported_by=user,
            )
        )  # fmt: skip
    Case.objects.bulk_create(cases, batch_size=2000)
    return list(
        Case.objects.filter(code__startswith=f"{prefix}-").order_by("pk").values_list("pk", flat=True)
    )
