"""Benchmark: generate a sampling plan over 50,000 points (stratified by street, reproducible from the seed).

Value: `sampling.draw` of a plan of 5 points for each of the 26 point types, stratified by street, over
50,000 candidate points read from the inventory with `sampling.load_candidates` (their street strata
included). Baseline, same run, same candidates: the simplest draw there is — numpy's `choice` per type,
unstratified and not reproducible per type. The ratio is the price of stratification and reproducibility.
Registered in `wenming.bench.registry.BENCHMARK_MODULES`; runs on the bench's throwaway database.
"""

import time

import numpy as np

from wenming.bench import data
from wenming.bench.registry import benchmark, result, timed

POINTS = 50_000
PER_TYPE = 5


@benchmark(
    "inspections.sampling_plan", "a stratified, seeded sampling plan (26 types × 5) over 50,000 points"
)
def sampling_plan(ctx) -> dict:
    from wenming.bench.foundation import API_POINTS, SPATIAL_CELLS
    from wenming.inspections import sampling

    grid = ctx.once("grid", lambda: data.build_grid(ctx.scaled(SPATIAL_CELLS, 4)))
    ctx.once("points", lambda: data.create_points(ctx.rng, grid, ctx.scaled(API_POINTS, 100)))
    start = time.perf_counter()
    inventory = sampling.load_candidates()
    load_seconds = time.perf_counter() - start
    n = ctx.scaled(POINTS, 100)
    candidates = sorted(inventory, key=lambda c: c.code)[:n]
    types = sorted({c.point_type for c in candidates})
    plan = sampling.Plan(mode="stratified", per_type={t: PER_TYPE for t in types})

    value, _runs = timed(lambda: sampling.draw(candidates, plan, ctx.seed), ctx.repeat)
    drawn = sampling.draw(candidates, plan, ctx.seed)
    again = sampling.draw(list(reversed(candidates)), plan, ctx.seed)

    by_type: dict[str, list[int]] = {}
    for c in candidates:
        by_type.setdefault(c.point_type, []).append(c.id)
    arrays = {t: np.array(ids) for t, ids in by_type.items()}
    rng = np.random.default_rng(ctx.seed)

    def naive():
        return {t: rng.choice(ids, size=min(PER_TYPE, len(ids)), replace=False) for t, ids in arrays.items()}

    baseline, _runs = timed(naive, ctx.repeat)
    counts = {t: len(d.drawn) for t, d in drawn.by_type.items()}
    return result(
        name="inspections.sampling_plan",
        value=value * 1000,
        baseline=baseline * 1000,
        unit="ms",
        params={
            "points": len(candidates),
            "point_types": len(types),
            "per_type": PER_TYPE,
            "drawn": len(drawn.point_ids),
            "repeat": ctx.repeat,
            "exact_counts": all(v == min(PER_TYPE, len(by_type[t])) for t, v in counts.items()),
            "reproducible": drawn.point_ids == again.point_ids,
            "strata": len({c.stratum for c in candidates}),
            "load_candidates_seconds": round(load_seconds, 4),
            "inventory": len(inventory),
            "per_type_available": {t: len(ids) for t, ids in sorted(by_type.items())},
        },
    )
