"""Benchmarks of the cases capability (scaled by `--scale`).

* `cases.create_dispatch` — 100,000 cases created and dispatched through the real services, as the office
  does it: `services.create_case` (numbering, recurrence check, timeline event, history row, notification)
  then `services.dispatch` without a unit, so routing decides (the office's routing rules, then the point's
  responsible unit …). Baseline, same run: `Case.objects.bulk_create` of the same rows (the very field values
  the services wrote, new codes) — storing them with no workflow at all. Both in milliseconds per case
  (= seconds per 1,000 cases).
* `cases.kpi_table` — the KPI table by unit and month (the KPI page, dimension 责任单位, one month at a
  time, twelve months) over 1,000,000 cases spread across 200 units and twelve months, with realistic
  states, deadlines, fix reports, extensions, reworks and follow-ups: `kpis.compute` for each month.
  Baseline, same run: the same counts as ONE raw SQL GROUP BY (month × unit) with the month bounds computed
  in Python (portable SQL: no date functions). `agree` says whether every count of every cell is equal.

Registered in `wenming.bench.registry.BENCHMARK_MODULES`; runs only inside the bench child process, on its
throwaway database (the tests call the functions in-process on the test database).
"""

import datetime
import time
from zoneinfo import ZoneInfo

import numpy as np

from wenming.bench import data
from wenming.bench.registry import benchmark, result, timed

CREATE_CASES = 100_000
KPI_CASES = 1_000_000
KPI_UNITS = 200
MONTHS = 12
ROUTING_RULES = 3  # office rules by top category; the other cases are routed by their point's unit


def _leaves():
    from wenming.standards.models import ProblemCategory
    from wenming.standards.services import load_default_standard

    load_default_standard()
    leaves = list(ProblemCategory.objects.leaves().select_related("parent").order_by("code"))
    if not leaves:
        raise RuntimeError("the default standard has no problem subcategories")
    return leaves


# --- cases.create_dispatch ---------------------------------------------------------------------------


def _create_setup(ctx) -> dict:
    from django.utils import timezone

    from wenming.bench.foundation import API_POINTS, SPATIAL_CELLS
    from wenming.cases import services
    from wenming.core.services import seed_calendar
    from wenming.geo.models import Point
    from wenming.org.choices import UnitLevel
    from wenming.org.models import Unit

    grid = ctx.once("grid", lambda: data.build_grid(ctx.scaled(SPATIAL_CELLS, 4)))
    ctx.once("points", lambda: data.create_points(ctx.rng, grid, ctx.scaled(API_POINTS, 100)))
    leaves = ctx.once("cases.leaves", _leaves)
    year = timezone.localdate().year
    seed_calendar(
        years=range(year - 1, year + 2)
    )  # the office's working calendar (deadlines in working time)
    user = data.bench_user()
    tops = sorted({c.parent for c in leaves}, key=lambda c: c.code)
    for i, top in enumerate(tops[:ROUTING_RULES], start=1):
        unit = Unit.objects.create(code=f"BR{i:03d}", name=f"基准派遣单位{i}", level=UnitLevel.DISTRICT)
        services.create_routing_rule(
            actor=user, name=f"基准规则{i}", priority=10 * i, top_category=top, unit=unit
        )
    points = list(Point.objects.filter(responsible_unit__isnull=False).select_related("area").order_by("pk"))
    return {"user": user, "leaves": leaves, "points": points}


def _inputs(ctx, setup, k: int) -> list[tuple]:
    from wenming.cases.choices import CaseSource, Severity

    leaves, points = setup["leaves"], setup["points"]
    cats = ctx.rng.integers(0, len(leaves), k)
    pts = ctx.rng.integers(0, len(points), k)
    severity = ctx.rng.choice([Severity.NORMAL, Severity.SERIOUS, Severity.URGENT], k, p=[0.8, 0.15, 0.05])
    return [
        (leaves[int(c)], points[int(p)], str(s), CaseSource.INSPECTION)
        for c, p, s in zip(cats, pts, severity, strict=True)
    ]


# Fields the bulk baseline copies from the rows the services wrote (not the keys, codes or timestamps).
_NOT_COPIED = {"id", "public_id", "code", "idempotency_key", "created_at", "updated_at"}


@benchmark(
    "cases.create_dispatch",
    "create + dispatch 100,000 cases through the services (routing on) vs a bulk insert of the same rows",
)
def create_dispatch(ctx) -> dict:
    from django.db.models import Count

    from wenming.cases import services
    from wenming.cases.choices import CaseState
    from wenming.cases.models import Case, CaseEvent

    setup = ctx.once("cases.create", lambda: _create_setup(ctx))
    user = setup["user"]
    n = ctx.scaled(CREATE_CASES, 10)
    batches = max(1, min(ctx.repeat, n))
    size = n // batches
    pending = iter([_inputs(ctx, setup, size) for _ in range(batches)])
    created: list[int] = []

    def create_and_dispatch(rows):
        for i, (category, point, severity, source) in enumerate(rows):
            case = services.create_case(
                actor=user,
                source=source,
                category=category,
                point=point,
                severity=severity,
                description=f"基准问题{len(created) + i + 1}：{category.name}",
            )
            case = services.dispatch(case, actor=user)
            created.append(case.pk)

    # Warm up (translations, the working calendar, the routing rules) outside the timings.
    create_and_dispatch(_inputs(ctx, setup, 2))
    created.clear()
    events_before = CaseEvent.objects.count()
    start = time.perf_counter()
    value, runs = timed(lambda: create_and_dispatch(next(pending)), batches)
    total = time.perf_counter() - start
    events = CaseEvent.objects.count() - events_before
    done = Case.objects.filter(pk__in=created)
    dispatched = done.filter(state=CaseState.DISPATCHED, unit__isnull=False).count()
    steps = dict(
        done.order_by().values_list("routing_step").annotate(n=Count("pk")).values_list("routing_step", "n")
    )

    fields = [f.attname for f in Case._meta.concrete_fields if f.attname not in _NOT_COPIED]
    rows = list(done.order_by("pk").values(*fields))
    copies = iter([rows[b * size : (b + 1) * size] for b in range(batches)])
    serial = iter(range(1, len(rows) + 1))

    def bulk_insert(chunk):
        Case.objects.bulk_create([Case(code=f"BK-BULK-{next(serial):07d}", **row) for row in chunk])

    before = Case.objects.count()
    baseline, base_runs = timed(lambda: bulk_insert(next(copies)), batches)
    inserted = Case.objects.count() - before
    return result(
        name="cases.create_dispatch",
        value=value / size * 1000,
        baseline=baseline / size * 1000,
        unit="ms",
        params={
            "per": "case (ms per case = seconds per 1,000 cases)",
            "cases": size * batches,
            "batches": batches,
            "batch_size": size,
            "created": len(created),
            "dispatched": dispatched,
            "bulk_inserted": inserted,
            "events_per_case": round(events / len(created), 3) if created else None,
            "routing_steps": steps,
            "routing_rules": ROUTING_RULES,
            "points": len(setup["points"]),
            "total_seconds": round(total, 3),
            "baseline_total_seconds": round(sum(base_runs), 3),
            "cases_per_second": round(len(created) / total, 1) if total else None,
        },
    )


# --- cases.kpi_table ---------------------------------------------------------------------------------


def kpi_year(now: datetime.datetime | None = None) -> int:
    """The table covers last calendar year (twelve closed months), so it never meets cases made today."""
    from django.utils import timezone

    return timezone.localtime(now or timezone.now()).year - 1


def _tz():
    from django.conf import settings

    return ZoneInfo(settings.TIME_ZONE)


def build_kpi_cases(ctx, m: int, year: int) -> dict:
    """m cases reported across `year` in 200 units, bulk-inserted with states and milestones consistent with
    the KPI 'now' (10 January of the next year): closed, fix reported, still open (some overdue), parked,
    rejected, in coordination or not yet dispatched; extensions, reworks and follow-ups on some."""
    from wenming.cases.choices import CaseSource, CaseState, Satisfaction
    from wenming.cases.models import Case
    from wenming.org.choices import UnitLevel
    from wenming.org.models import Unit

    S = CaseState
    tz = _tz()
    leaves = ctx.once("cases.leaves", _leaves)
    Unit.objects.bulk_create(
        [
            Unit(code=f"BKU{i:03d}", name=f"基准考核单位{i}", level=UnitLevel.DISTRICT)
            for i in range(1, KPI_UNITS + 1)
        ]
    )
    unit_ids = np.array(
        Unit.objects.filter(code__startswith="BKU").order_by("code").values_list("pk", flat=True)
    )
    rng = ctx.rng
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=tz)
    now = datetime.datetime(year + 1, 1, 10, 12, tzinfo=tz)
    hour, day = 3600.0, 86400.0

    reported = rng.uniform(0, (end - start).total_seconds(), m)
    weights = rng.uniform(0.2, 1.0, len(unit_ids))
    units = unit_ids[rng.choice(len(unit_ids), m, p=weights / weights.sum())]
    cats = rng.integers(0, len(leaves), m)
    sources = rng.choice(CaseSource.values, m, p=[0.45, 0.3, 0.1, 0.05, 0.05, 0.05])
    kind = rng.choice(
        ["dispatched", "rejected", "merged", "coordinating", "registered", "parked"],
        m,
        p=[0.88, 0.04, 0.02, 0.02, 0.01, 0.03],
    )
    registered = reported + rng.uniform(0.2, 6, m) * hour
    dispatched = registered + rng.uniform(0.1, 18, m) * hour
    span = rng.choice([1, 2, 3, 5, 7, 15], m, p=[0.15, 0.2, 0.3, 0.2, 0.1, 0.05]) * day
    extended = rng.random(m) < 0.06
    deadline = dispatched + span + np.where(extended, rng.uniform(3, 7, m) * day, 0)
    stuck = rng.random(m) < 0.04  # never handled: overdue and open until now
    fix_reported = dispatched + (deadline - dispatched) * rng.uniform(0.1, 1.3, m)
    closed = fix_reported + rng.uniform(2, 72, m) * hour
    reworks = (rng.random(m) < 0.07).astype(int)
    surveyed = rng.random(m) < 0.4
    satisfaction = rng.choice(Satisfaction.values, m, p=[0.6, 0.3, 0.1])
    open_state = rng.choice([S.DISPATCHED, S.ACKNOWLEDGED, S.FIXING], m, p=[0.2, 0.3, 0.5])
    now_s = (now - start).total_seconds()

    def at(seconds):
        return start + datetime.timedelta(seconds=float(seconds))

    states: dict[str, int] = {}
    batch = []
    for i in range(m):
        category = leaves[int(cats[i])]
        row = {
            "code": f"BK{year}-{i + 1:07d}",
            "source": str(sources[i]),
            "category_id": category.pk,
            "top_category_id": category.parent_id,
            "description": f"基准考核案件{i + 1}",
            "reported_at": at(reported[i]),
            "dispatch_deadline": at(reported[i] + day),
            "unit_id": int(units[i]),
        }
        k = kind[i]
        if k == "rejected":
            row.update(state=S.REJECTED, rejected_at=at(registered[i]), unit_id=None)
        elif k == "registered":
            row.update(state=S.REGISTERED, registered_at=at(registered[i]), unit_id=None)
        elif k in ("merged", "coordinating"):
            row.update(state=S.MERGED if k == "merged" else S.COORDINATING, registered_at=at(registered[i]))
            if k == "merged":
                row.update(closed_at=at(registered[i]), unit_id=None)
        else:
            row.update(
                registered_at=at(registered[i]),
                dispatched_at=at(dispatched[i]),
                acknowledged_at=at(dispatched[i] + hour),
                clock_started_at=at(dispatched[i]),
                cycle_started_at=at(dispatched[i]),
                clock_cycle=1,
                fix_deadline=at(deadline[i]),
                extensions=int(extended[i]),
                routing_step="point",
            )
            if k == "parked":
                row.update(state=S.PARKED, parked_at=at(dispatched[i] + 2 * day), parked_from=S.FIXING)
            elif stuck[i] or fix_reported[i] > now_s:
                row["state"] = str(open_state[i])
                if row["state"] == S.DISPATCHED:
                    row["acknowledged_at"] = None
            else:
                row.update(
                    fix_reported_at=at(fix_reported[i]),
                    fix_started_at=at(dispatched[i] + 2 * hour),
                    handling_seconds=int(fix_reported[i] - dispatched[i]),
                    reworks=int(reworks[i]),
                    state=S.FIX_REPORTED,
                )
                if closed[i] <= now_s:
                    row.update(state=S.CLOSED, closed_at=at(closed[i]), verified_at=at(closed[i]))
                    if surveyed[i]:
                        row.update(satisfaction=str(satisfaction[i]), satisfaction_at=at(closed[i] + day))
        states[str(row["state"])] = states.get(str(row["state"]), 0) + 1
        batch.append(Case(**row))
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    if batch:
        Case.objects.bulk_create(batch)
    # merged duplicates point at the case before them (any case of the year will do)
    merged = list(
        Case.objects.filter(code__startswith=f"BK{year}-", state=S.MERGED).values_list("pk", flat=True)
    )
    survivor = (
        Case.objects.filter(code__startswith=f"BK{year}-").exclude(state=S.MERGED).order_by("pk").first()
    )
    if merged and survivor is not None:
        Case.objects.filter(pk__in=merged).update(merged_into=survivor)
    return {
        "cases": m,
        "year": year,
        "now": now,
        "units": len(unit_ids),
        "states": dict(sorted(states.items())),
    }


def month_periods(year: int) -> list:
    from wenming.cases import kpis

    return [kpis.parse_period(f"{year:04d}-{month:02d}") for month in range(1, MONTHS + 1)]


def engine_table(periods, now, user, formulas) -> dict:
    """The product path: `kpis.compute` by unit for each month over the user's cases (as the KPI page)."""
    from wenming.cases import kpis
    from wenming.cases.models import Case

    table = {}
    for period in periods:
        rows = kpis.compute(
            "unit", period, queryset=Case.objects.restrict(user, "view"), now=now, formulas=formulas
        )
        for row in rows:  # the counts the SQL baseline computes (not the per-event and coordination ones)
            table[(period.code, row.key)] = ({c: row.counts[c] for c in COUNT_CODES}, row.avg_handling_hours)
    return table


COUNT_CODES = (
    "due", "handled", "handled_on_time", "closed", "closed_on_time", "closed_late", "reworked", "extended",
    "overdue_open", "surveyed", "satisfied", "dispatched",
)  # fmt: skip


def _sql(months: int) -> str:
    """One GROUP BY (month × unit) computing every KPI count of `kpis.COUNTS` and the mean handling time.
    Month bounds (s, e) and the overdue cutoff (k = min(e, now)) come in as parameters."""
    months_rows = " UNION ALL ".join(f"SELECT {i} AS m, %s AS s, %s AS e, %s AS k" for i in range(months))
    pop = "c.dispatched_at IS NOT NULL AND c.state NOT IN ('merged', 'rejected', 'parked')"
    due = (
        f"({pop} AND c.fix_deadline < p.e AND (c.fix_deadline >= p.s OR c.fix_reported_at IS NULL "
        "OR c.fix_reported_at >= p.s))"
    )
    handled = f"({due} AND c.fix_reported_at IS NOT NULL AND c.fix_reported_at < p.e)"
    closed = f"({due} AND c.state = 'closed' AND c.closed_at < p.e)"
    dispatched = f"({pop} AND c.dispatched_at >= p.s AND c.dispatched_at < p.e)"
    overdue = (
        f"({due} AND c.fix_deadline < p.k AND ((c.fix_reported_at IS NULL AND c.state IN "
        "('dispatched', 'acknowledged', 'fixing')) OR c.fix_reported_at >= p.e))"
    )
    measures = {
        "due": due,
        "handled": handled,
        "handled_on_time": f"({handled} AND c.fix_reported_at <= c.fix_deadline)",
        "closed": closed,
        "closed_on_time": f"({closed} AND c.fix_reported_at <= c.fix_deadline)",
        "closed_late": f"({closed} AND c.fix_reported_at > c.fix_deadline)",
        "reworked": f"({due} AND c.reworks > 0)",
        "extended": f"({due} AND c.extensions > 0)",
        "overdue_open": overdue,
        "surveyed": f"({due} AND c.satisfaction <> '')",
        "satisfied": f"({due} AND c.satisfaction IN ('satisfied', 'basic'))",
        "dispatched": dispatched,
    }
    sums = ",\n    ".join(f"SUM(CASE WHEN {measures[code]} THEN 1 ELSE 0 END)" for code in COUNT_CODES)
    return f"""
WITH p AS ({months_rows})
SELECT p.m, c.unit_id, u.name,
    {sums},
    AVG(CASE WHEN {handled} THEN c.handling_seconds END)
FROM p JOIN cases_case c ON ({due} OR {dispatched})
LEFT JOIN org_unit u ON u.id = c.unit_id
GROUP BY p.m, c.unit_id, u.name
"""


def sql_table(periods, now) -> dict:
    from django.db import connection

    adapt = connection.ops.adapt_datetimefield_value
    params = []
    for p in periods:
        params += [adapt(p.start), adapt(p.end), adapt(min(p.end, now))]
    table = {}
    with connection.cursor() as cursor:
        cursor.execute(_sql(len(periods)), params)
        for row in cursor.fetchall():
            month, unit_id, _name, *counts, avg = row
            hours = round(float(avg) / 3600, 2) if avg is not None else None
            table[(periods[month].code, unit_id)] = (
                dict(zip(COUNT_CODES, map(int, counts), strict=True)),
                hours,
            )
    return table


def compare(engine: dict, sql: dict) -> dict:
    """Cells whose counts differ (all must be equal) and the largest mean-handling difference (hours)."""
    cells = engine.keys() | sql.keys()
    differing = [c for c in cells if c not in engine or c not in sql or engine[c][0] != sql[c][0]]
    worst = 0.0
    for c in engine.keys() & sql.keys():
        a, b = engine[c][1], sql[c][1]
        if (a is None) != (b is None):
            worst = float("inf")
        elif a is not None:
            worst = max(worst, abs(a - b))
    return {"cells": len(cells), "differing": len(differing), "avg_hours_max_difference": worst}


@benchmark(
    "cases.kpi_table",
    "KPI table by unit × 12 months over 1,000,000 cases in 200 units (kpis.compute) vs one SQL GROUP BY",
)
def kpi_table(ctx) -> dict:
    from wenming.cases import services
    from wenming.cases.models import KpiFormula

    year = kpi_year()
    built = ctx.once("cases.kpi", lambda: build_kpi_cases(ctx, ctx.scaled(KPI_CASES, 100), year))
    services.ensure_template_formulas()
    formulas = list(KpiFormula.objects.active())
    user = data.bench_user()
    periods = month_periods(built["year"])
    now = built["now"]
    engine = engine_table(periods, now, user, formulas)
    sql = sql_table(periods, now)
    check = compare(engine, sql)
    value, _runs = timed(lambda: engine_table(periods, now, user, formulas), ctx.repeat)
    baseline, _runs = timed(lambda: sql_table(periods, now), ctx.repeat)
    totals = {code: sum(counts[code] for counts, _h in engine.values()) for code in COUNT_CODES}
    return result(
        name="cases.kpi_table",
        value=value,
        baseline=baseline,
        unit="s",
        params={
            "cases": built["cases"],
            "units": built["units"],
            "months": len(periods),
            "year": built["year"],
            "now": now.isoformat(),
            "repeat": ctx.repeat,
            "formulas": len(formulas),
            "states": built["states"],
            "cells": check["cells"],
            "differing_cells": check["differing"],
            "avg_hours_max_difference": check["avg_hours_max_difference"],
            "agree": check["differing"] == 0 and check["avg_hours_max_difference"] <= 0.01,
            "totals": totals,
        },
    )
