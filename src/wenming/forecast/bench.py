"""Benchmark of the forecast: 50,000 points × 30 criteria (26 point types, all five grading rules, three
observations per item on average) estimated, then 10,000 simulated tests of 5 points per type graded by the
engine's tables; baseline: the same number of Bernoulli and Poisson draws in one vectorised NumPy pass.

Pure NumPy on synthetic arrays (the database loading is not timed: it is the scoring benchmark's business).
Registered in `wenming.bench.registry.BENCHMARK_MODULES`.
"""

from __future__ import annotations

import numpy as np

from wenming.bench.registry import benchmark, result, timed
from wenming.forecast import model, simulate, synthetic

POINTS = 50_000
CRITERIA = 30
TYPES = 26
SIMULATIONS = 10_000
PER_TYPE = 5
OBSERVATIONS_PER_ITEM = 3


def build(ctx):
    rng = np.random.default_rng(ctx.seed)
    points = ctx.scaled(POINTS, TYPES * PER_TYPE * 2)
    point_type = np.sort(rng.integers(0, TYPES, points))
    specs = synthetic.make_specs(1, CRITERIA)[0]
    table = simulate.pad_tables([simulate.engine_table(s) for s in specs])
    items = points * CRITERIA
    n_obs = items * OBSERVATIONS_PER_ITEM
    true_p = rng.beta(1.2, 10.0, items)
    obs_item = rng.integers(0, items, n_obs)
    failed = rng.random(n_obs) < true_p[obs_item]
    history = model.History(
        obs_item=obs_item,
        obs_age_days=rng.uniform(0, 90, n_obs),
        obs_failed=failed,
        obs_problems=np.where(failed, 1 + rng.poisson(0.6, n_obs), 0),
        item_pool=(point_type[:, None] * CRITERIA + np.arange(CRITERIA)).ravel(),
        item_open_case=rng.random(items) < 0.02,
        item_recurrences=(rng.random(items) < 0.01).astype(int),
        item_closed_since=rng.random(items) < 0.02,
    )
    return point_type, specs, table, history


def forecast(point_type, specs, table, history, sims, seed):
    est = model.estimate(history, model.Params())
    shape = (len(point_type), CRITERIA)
    p, lam = est.p_fail.reshape(shape), est.excess.reshape(shape)
    counted = np.array([simulate.counts_problems(s) for s in specs])
    blocks = []
    for t in range(TYPES):
        rows = np.nonzero(point_type == t)[0]
        block = simulate.TypeBlock(t, rows, specs, p[rows], lam[rows], table, counted, PER_TYPE)
        block.pool_coef = est.pool_coef.reshape(shape)[rows]
        block.pool_rate = est.pool_rate[t * CRITERIA : (t + 1) * CRITERIA]
        block.pool_sigma = est.pool_sigma[t * CRITERIA : (t + 1) * CRITERIA]
        blocks.append(block)
    district = simulate.District(blocks=blocks, points=len(point_type))
    return simulate.simulate(district, sims, seed)


def baseline_draws(draws_bernoulli: int, sims: int, seed: int, counted_share: float):
    """The same number of Bernoulli draws, and Poisson draws for the failures of counting rules, in one pass."""
    rng = np.random.default_rng(seed)
    per_sim = draws_bernoulli // sims
    p = np.random.default_rng(seed + 1).beta(1.2, 10.0, per_sim)
    lam = np.full(per_sim, 0.6)
    counted = np.arange(per_sim) % CRITERIA < round(counted_share * CRITERIA)
    fail = rng.random((sims, per_sim)) < p
    extra = rng.poisson(np.broadcast_to(lam, fail.shape)[fail & counted])
    return fail.sum() + extra.sum()


@benchmark(
    "forecast.simulate",
    "forecast at 50,000 points × 30 criteria × 10,000 simulated tests vs the same draws in one NumPy pass",
)
def forecast_simulation(ctx) -> dict:
    point_type, specs, table, history = ctx.once("forecast.data", lambda: build(ctx))
    sims = ctx.scaled(SIMULATIONS, 1000)
    repeat = max(1, min(ctx.repeat, 3))
    probe = forecast(point_type, specs, table, history, sims, ctx.seed)
    counted_share = sum(simulate.counts_problems(s) for s in specs) / CRITERIA
    bernoulli = sims * TYPES * PER_TYPE * CRITERIA
    value, _runs = timed(lambda: forecast(point_type, specs, table, history, sims, ctx.seed), repeat)
    base, _runs = timed(lambda: baseline_draws(bernoulli, sims, ctx.seed, counted_share), repeat)
    return result(
        name="forecast.simulate",
        value=value,
        baseline=base,
        unit="s",
        params={
            "points": len(point_type),
            "criteria": CRITERIA,
            "point_types": TYPES,
            "simulations": sims,
            "drawn_per_test": TYPES * PER_TYPE,
            "observations": len(history.obs_item),
            "draws": probe.draws,
            "bernoulli_draws": bernoulli,
            "expected_score": round(float(probe.scores.mean()), 3),
            "repeat": repeat,
            "includes": "estimation of every item + simulation; baseline: Bernoulli + Poisson draws only",
        },
    )
