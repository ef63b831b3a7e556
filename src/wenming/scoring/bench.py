"""Benchmark of the scoring engine: score a round of 10,000 inspections × 30 criteria (all five grading rules)
and roll it up by street, point type and unit; baseline: the same roll-up as one SQL aggregate.

Registered in `wenming.bench.registry.BENCHMARK_MODULES`; runs only inside the bench child process, on its
throwaway database.
"""

from decimal import Decimal

from wenming.bench import data
from wenming.bench.registry import benchmark, result, timed

INSPECTIONS = 10_000
CRITERIA = 30
# (rule, params, how many): the parameters the SQL baseline below inlines.
RULE_MIX = [
    ("compliance", {}, 10),
    ("deduction", {"per_problem": 0.5}, 8),
    ("abc", {}, 6),
    ("quota", {"required": 2, "per_missing": 0.5}, 3),
    ("sampled", {"sample_size": 5, "grades": {"A": 5, "B": 4}, "rates": {"A": 1, "B": 0.66, "C": 0.33}}, 3),
]
DIMENSIONS = ("street", "type", "unit")


def _standard():
    from wenming.standards.models import Criterion, Indicator, StandardSet
    from wenming.standards.rules import validate_rule

    standard = StandardSet.objects.create(
        code="BENCH-STD", name="基准测评体系", version="bench", scope="district"
    )
    indicator = Indicator.objects.create(standard_set=standard, level=1, code="BI1", name="基准测评项目")
    criteria, i = [], 0
    for rule, params, count in RULE_MIX:
        for _ in range(count):
            i += 1
            weight = Decimal(1 + i % 4)
            criteria.append(
                Criterion(
                    standard_set=standard,
                    indicator=indicator,
                    code=f"BK{i:02d}",
                    text=f"基准测评标准{i}",
                    weight=weight,
                    rule=rule,
                    rule_params=validate_rule(rule, dict(params), weight),
                    order=i,
                )
            )
    Criterion.objects.bulk_create(criteria)
    return standard, list(Criterion.objects.filter(standard_set=standard).order_by("order"))


def build_round(ctx, inspections: int):
    """A published round with one inspection per point and one observation per criterion."""
    import datetime

    from django.utils import timezone

    from wenming.bench.foundation import API_POINTS, SPATIAL_CELLS
    from wenming.geo.models import Point
    from wenming.inspections.models import Inspection, Observation, Round

    grid = ctx.once("grid", lambda: data.build_grid(ctx.scaled(SPATIAL_CELLS, 4)))  # shared with foundation
    ctx.once("points", lambda: data.create_points(ctx.rng, grid, ctx.scaled(API_POINTS, 100)))
    standard, criteria = _standard()
    user = data.bench_user()
    today = timezone.localdate()
    rnd = Round.objects.create(
        kind="daily",
        name="基准测评轮次",
        period_start=today - datetime.timedelta(days=30),
        period_end=today,
        standard_set=standard,
        state="published",
        seed=ctx.seed,
    )
    point_ids = list(Point.objects.order_by("pk").values_list("pk", flat=True)[:inspections])
    now = timezone.now()
    Inspection.objects.bulk_create(
        [Inspection(round=rnd, point_id=p, inspector=user, submitted_at=now) for p in point_ids],
        batch_size=2000,
    )
    ids = list(Inspection.objects.filter(round=rnd).order_by("pk").values_list("pk", flat=True))
    rng = ctx.rng
    draws = rng.random((len(ids), len(criteria)))
    problems = rng.integers(1, 4, (len(ids), len(criteria)))
    counts = rng.integers(0, 4, (len(ids), len(criteria)))
    batch = []
    for row, inspection_id in enumerate(ids):
        for col, criterion in enumerate(criteria):
            x = draws[row, col]
            result_ = "na" if x < 0.05 else "noncompliant" if x < 0.2 else "compliant"
            bad = result_ == "noncompliant"
            batch.append(
                Observation(
                    inspection_id=inspection_id,
                    criterion=criterion,
                    result=result_,
                    problems=int(problems[row, col]) if bad else 0,
                    count=(int(counts[row, col]) if bad else 2) if criterion.rule == "quota" else None,
                )
            )
        if len(batch) >= 20_000:
            Observation.objects.bulk_create(batch)
            batch = []
    if batch:
        Observation.objects.bulk_create(batch)
    return rnd, len(ids), len(criteria)


def engine_rollup(round_id: int) -> dict:
    """The product path: load the round, score every inspection with the engine, roll up and rank."""
    from wenming.scoring import live
    from wenming.scoring.figures import ranking_rows

    scored = live.score_round(round_id)
    return {
        d: {r.key_id: (r.points, r.mean_score, r.pass_rate) for r in ranking_rows(scored, d)}
        for d in DIMENSIONS
    }


# Effective problems: a non-compliant verdict is at least one (as the engine reads it).
_EFF = "CASE WHEN o.result = 'noncompliant' AND o.problems < 1 THEN 1 ELSE o.problems END"
SQL = f"""
WITH obs AS (
    SELECT o.inspection_id, c.rule, c.weight * 1.0 AS w, {_EFF} AS eff, o.count AS cnt
    FROM inspections_observation o
    JOIN inspections_inspection i ON i.id = o.inspection_id
    JOIN standards_criterion c ON c.id = o.criterion_id
    WHERE i.round_id = %s AND o.result <> 'na'
), obs2 AS (
    SELECT inspection_id, rule, w, eff,
           CASE WHEN cnt IS NOT NULL AND 2 - cnt > eff THEN 2 - cnt ELSE eff END AS missing
    FROM obs
), graded AS (
    SELECT inspection_id, w,
        CASE rule
            WHEN 'compliance' THEN CASE WHEN eff = 0 THEN w ELSE 0 END
            WHEN 'abc' THEN w * CASE WHEN eff = 0 THEN 1 WHEN eff = 1 THEN 0.66 WHEN eff = 2 THEN 0.33 ELSE 0 END
            WHEN 'deduction' THEN CASE WHEN 0.5 * eff > w THEN 0 ELSE w - 0.5 * eff END
            WHEN 'quota' THEN CASE WHEN 0.5 * missing > w THEN 0 ELSE w - 0.5 * missing END
            WHEN 'sampled' THEN w * CASE WHEN eff = 0 THEN 1 WHEN eff = 1 THEN 0.66 ELSE 0.33 END
        END AS earned,
        CASE WHEN (rule = 'quota' AND missing > 0) OR (rule <> 'quota' AND eff > 0) THEN 1 ELSE 0 END AS bad
    FROM obs2
), per_inspection AS (
    SELECT inspection_id, SUM(earned) AS earned, SUM(w) AS possible, SUM(bad) AS bad
    FROM graded GROUP BY inspection_id
), scored AS (
    SELECT 100.0 * p.earned / p.possible AS score, CASE WHEN p.bad = 0 THEN 1.0 ELSE 0.0 END AS passed,
           pt.point_type_id AS type_id, pt.responsible_unit_id AS unit_id, community.parent_id AS street_id
    FROM per_inspection p
    JOIN inspections_inspection i ON i.id = p.inspection_id
    JOIN geo_point pt ON pt.id = i.point_id
    JOIN geo_area cell ON cell.id = pt.area_id
    JOIN geo_area community ON community.id = cell.parent_id
)
SELECT 'street', street_id, COUNT(*), AVG(score), AVG(passed) FROM scored GROUP BY street_id
UNION ALL SELECT 'type', type_id, COUNT(*), AVG(score), AVG(passed) FROM scored GROUP BY type_id
UNION ALL SELECT 'unit', unit_id, COUNT(*), AVG(score), AVG(passed) FROM scored GROUP BY unit_id
"""


def sql_rollup(round_id: int) -> dict:
    from django.db import connection

    out: dict = {d: {} for d in DIMENSIONS}
    with connection.cursor() as cursor:
        cursor.execute(SQL, [round_id])
        for dimension, key, points, mean, pass_rate in cursor.fetchall():
            out[dimension][key] = (points, float(mean), float(pass_rate))
    return out


def agreement(engine: dict, sql: dict) -> float:
    """The largest difference between the engine's and the SQL's mean score or pass rate (0 = identical)."""
    worst = 0.0
    for d in DIMENSIONS:
        if engine[d].keys() != sql[d].keys():
            return float("inf")
        for key, (points, mean, rate) in engine[d].items():
            other = sql[d][key]
            if points != other[0]:
                return float("inf")
            worst = max(worst, abs(mean - other[1]), abs(rate - other[2]) * 100)
    return worst


@benchmark(
    "scoring.round_rollup",
    "score a round of 10,000 inspections × 30 criteria (five rules) and roll up by street, type and unit",
)
def round_rollup(ctx) -> dict:
    """Value: `live.score_round` (load rows, `engine.score_point` per inspection) + roll-up and competition
    ranking by street, point type and unit. Baseline: the same figures as one SQL aggregate with the five
    rules' parameters inlined as CASE expressions. `max_difference` compares the two (score points)."""
    rnd, inspections, criteria = ctx.once(
        "scoring.round", lambda: build_round(ctx, ctx.scaled(INSPECTIONS, 10))
    )
    engine = engine_rollup(rnd.pk)
    sql = sql_rollup(rnd.pk)
    value, _ = timed(lambda: engine_rollup(rnd.pk), ctx.repeat)
    baseline, _ = timed(lambda: sql_rollup(rnd.pk), ctx.repeat)
    return result(
        name="scoring.round_rollup",
        value=value,
        baseline=baseline,
        unit="s",
        params={
            "inspections": inspections,
            "criteria": criteria,
            "observations": inspections * criteria,
            "repeat": ctx.repeat,
            "groups": {d: len(engine[d]) for d in DIMENSIONS},
            "max_difference": round(agreement(engine, sql), 9),
            "inspections_per_second": round(inspections / value) if value else None,
        },
    )
