"""Benchmark of the leader's case figures (scaled by `--scale`).

* `dashboard.leader_cases` — the case figures of the leadership page over the 1,000,000 cases of the KPI
  benchmark (`cases.bench.build_kpi_cases`, shared when both run): the open and overdue counts, overdue by
  unit (`leader.overdue_by_unit`), the twelve-week trend (`leader.case_trend`) and the street × category heat
  matrix (`leader.heat_matrix`), as `leader.overview` computes them, with "today" the KPI data's "now".
  Baseline, same run: the same figures as raw SQL, one statement each (counts, overdue by unit, trend, heat).
  `agree` says whether every figure is equal.

Registered in `wenming.bench.registry.BENCHMARK_MODULES`; runs only inside the bench child process, on its
throwaway database (the tests call the functions in-process on the test database).
"""

import datetime

from wenming.bench import data
from wenming.bench.registry import benchmark, result, timed

WEEKS = 12
HEAT_DAYS = 90
OVERDUE_LIMIT = 15


def engine_figures(cases_qs, now: datetime.datetime) -> dict:
    """The product path: the leader module's own functions (as `leader.overview` calls them)."""
    from django.utils import timezone

    from wenming.dashboard import leader

    open_cases = cases_qs.open().exclude(state__in=leader.EXCLUDED)
    return {
        "counts": (open_cases.count(), cases_qs.overdue(now).count()),
        "overdue_units": [
            (r["count"], r["oldest_days"]) for r in leader.overdue_by_unit(cases_qs, now, OVERDUE_LIMIT)
        ],
        "trend": [
            (r["week"], r["open"], r["overdue"], r["new"])
            for r in leader.case_trend(cases_qs, WEEKS, timezone.localdate(now))
        ],
        "heat": _heat_cells(leader.heat_matrix(cases_qs, now - datetime.timedelta(days=HEAT_DAYS))),
    }


def _heat_cells(matrix: dict) -> set:
    return {(matrix["categories"][c], matrix["streets"][s], n) for c, s, n in matrix["cells"]}


def sql_figures(now: datetime.datetime) -> dict:
    """The same figures in raw SQL (portable: bounds computed in Python), one statement per figure."""
    from django.db import connection
    from django.utils import timezone

    from wenming.cases.choices import OPEN_STATES, UNIT_CLOCK_STATES
    from wenming.dashboard import leader

    adapt = connection.ops.adapt_datetimefield_value
    clock = "(" + ", ".join(f"'{s}'" for s in sorted(UNIT_CLOCK_STATES)) + ")"
    open_states = "(" + ", ".join(f"'{s}'" for s in sorted(OPEN_STATES)) + ")"
    out: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT SUM(CASE WHEN state IN {open_states} THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN state IN {clock} AND fix_deadline < %s THEN 1 ELSE 0 END) FROM cases_case",
            [adapt(now)],
        )
        opened, overdue = cursor.fetchone()
        out["counts"] = (int(opened or 0), int(overdue or 0))
        cursor.execute(
            f"SELECT COUNT(*) AS n, MIN(fix_deadline) AS oldest FROM cases_case WHERE state IN {clock} "
            "AND fix_deadline < %s GROUP BY unit_id ORDER BY n DESC, oldest ASC LIMIT %s",
            [adapt(now), OVERDUE_LIMIT],
        )
        rows = []
        for n, oldest in cursor.fetchall():
            oldest = _as_datetime(oldest)
            rows.append((n, max(0, (now - oldest).days) if oldest else 0))
        out["overdue_units"] = rows
        ends = leader.week_ends(WEEKS, timezone.localdate(now))
        parts, params = [], []
        for end in ends:
            cut = adapt(min(end, timezone.now()))
            week_ago = adapt(min(end, timezone.now()) - datetime.timedelta(days=7))
            parts.append(
                "SUM(CASE WHEN reported_at < %s AND (closed_at IS NULL OR closed_at >= %s) THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN dispatched_at < %s AND fix_deadline < %s AND (fix_reported_at IS NULL "
                "OR fix_reported_at >= %s) AND state <> 'parked' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN reported_at >= %s AND reported_at < %s THEN 1 ELSE 0 END)"
            )
            params += [cut, cut, cut, cut, cut, week_ago, cut]
        cursor.execute(
            f"SELECT {', '.join(parts)} FROM cases_case WHERE state NOT IN ('merged', 'rejected')", params
        )
        values = [int(v or 0) for v in cursor.fetchone()]
        trend = []
        for i, end in enumerate(ends):
            monday = (end - datetime.timedelta(days=7)).date()
            y, w, _d = monday.isocalendar()
            trend.append((f"{y}-W{w:02d}", *values[3 * i : 3 * i + 3]))
        out["trend"] = trend
        cursor.execute(
            "SELECT COALESCE(s.name, '—'), COALESCE(t.name, '—'), COUNT(*) FROM cases_case c "
            "LEFT JOIN geo_area s ON s.id = c.street_id LEFT JOIN standards_problemcategory t "
            "ON t.id = c.top_category_id WHERE c.state NOT IN ('merged', 'rejected') AND c.reported_at >= %s "
            "GROUP BY s.name, t.name",
            [adapt(now - datetime.timedelta(days=HEAT_DAYS))],
        )
        out["heat"] = {(cat, street, n) for street, cat, n in cursor.fetchall()}
    return out


def _as_datetime(value):
    """SQLite returns the MIN of a datetime column as text; PostgreSQL as an aware datetime."""
    from django.utils.dateparse import parse_datetime

    if value is None or isinstance(value, datetime.datetime):
        return value
    parsed = parse_datetime(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


@benchmark(
    "dashboard.leader_cases",
    "the leader's case figures (counts, overdue by unit, 12-week trend, heat) over 1,000,000 cases vs raw SQL",
)
def leader_cases(ctx) -> dict:
    from wenming.cases import bench as cases_bench
    from wenming.cases.models import Case

    year = cases_bench.kpi_year()
    built = ctx.once(
        "cases.kpi", lambda: cases_bench.build_kpi_cases(ctx, ctx.scaled(cases_bench.KPI_CASES, 100), year)
    )
    now = built["now"]
    user = data.bench_user()
    cases = Case.objects.restrict(user, "view")
    engine = engine_figures(cases, now)
    sql = sql_figures(now)
    value, _runs = timed(lambda: engine_figures(Case.objects.restrict(user, "view"), now), ctx.repeat)
    baseline, _runs = timed(lambda: sql_figures(now), ctx.repeat)
    differing = sorted(k for k in engine if engine[k] != sql[k])
    return result(
        name="dashboard.leader_cases",
        value=value,
        baseline=baseline,
        unit="s",
        params={
            "cases": built["cases"],
            "now": now.isoformat(),
            "repeat": ctx.repeat,
            "open": engine["counts"][0],
            "overdue": engine["counts"][1],
            "trend_weeks": len(engine["trend"]),
            "heat_cells": len(engine["heat"]),
            "differing": differing,
            "agree": not differing,
        },
    )
