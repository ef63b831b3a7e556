"""Simulating the evaluators (pure NumPy, no Django): many draws of the test as the evaluators run it.

In each simulated test, for every point type the plan's number of points is drawn at random without
replacement from the type's active points (as `inspections.sampling` does); every applicable criterion of a
drawn point fails with its probability, and a failing one has ``1 + Poisson(λ)`` problems where its rule
counts problems. The criterion is graded from that number by a table the real scoring engine filled
(`engine_table`: one observation with k problems, k = 0..K), so the grading is the engine's by
construction; `check_against_engine` re-scores traced draws with `engine.score_point` to prove it. Point
scores are earned ÷ possible × 100 and the district score is their mean over the drawn points, the engine's
`roll_up` mean point score; the pass rate (过关率) is the share of drawn points with every criterion compliant.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from wenming.scoring.engine import (
    COMPLIANT,
    NONCOMPLIANT,
    CriterionSpec,
    ObservationValue,
    grade,
    score_point,
)

MAX_PROBLEMS = 200
QUANTILES = (0.025, 0.1, 0.5, 0.9, 0.975)


def observation_for(spec: CriterionSpec, problems: int) -> ObservationValue:
    """The single observation of `spec` with `problems` problems, as an inspector would record it."""
    if problems <= 0:
        return ObservationValue(spec.id, COMPLIANT, problems=0)
    return ObservationValue(spec.id, NONCOMPLIANT, problems=int(problems))


def engine_table(spec: CriterionSpec, limit: int = MAX_PROBLEMS) -> np.ndarray:
    """Earned marks with 0, 1, 2 … problems, graded by the engine, cut where the grade stops changing."""
    values = [grade(spec, [observation_for(spec, k)]).earned for k in range(limit + 1)]
    last = len(values) - 1
    while last > 1 and values[last - 1] == values[last]:
        last -= 1
    return np.asarray(values[: last + 1], dtype=float)


def counts_problems(spec: CriterionSpec) -> bool:
    """Whether the rule grades by the number of problems (abc, deduction, quota, sampled)."""
    return spec.rule != "compliance"


@dataclass
class TypeBlock:
    """The points of one type with their criteria: probabilities (N, C), λ (N, C), engine tables (C, K+1)."""

    key: Hashable
    points: np.ndarray  # (N,) indices into the district's point arrays
    specs: Sequence[CriterionSpec]
    p_fail: np.ndarray
    excess: np.ndarray
    table: np.ndarray
    counted: np.ndarray  # (C,) bool
    n_draw: int
    # Pool uncertainty (a pool is a column): p moves by pool_coef × (drawn pool rate − pool rate).
    pool_coef: np.ndarray | None = None  # (N, C)
    pool_rate: np.ndarray | None = None  # (C,)
    pool_sigma: np.ndarray | None = None  # (C,)

    @property
    def possible(self) -> float:
        return float(self.table[:, 0].sum())


def attach_pool(block: TypeBlock, est, first: int) -> None:
    """Give a block (its items numbered from `first`, point by point, criterion by criterion) its pools'
    uncertainty from `est` (a `model.Estimate`)."""
    n, c = len(block.points), len(block.specs)
    pools = est.item_pool[first : first + c]  # the pools of the block's first point = of every point
    block.pool_coef = est.pool_coef[first : first + n * c].reshape(n, c)
    block.pool_rate = est.pool_rate[pools]
    block.pool_sigma = est.pool_sigma[pools]


def pad_tables(tables: Sequence[np.ndarray]) -> np.ndarray:
    """Stack per-criterion tables into one (C, K+1) array, each extended with its last value."""
    width = max((len(t) for t in tables), default=1)
    out = np.zeros((len(tables), width))
    for i, t in enumerate(tables):
        out[i, : len(t)] = t
        out[i, len(t) :] = t[-1]
    return out


@dataclass
class District:
    blocks: list[TypeBlock]
    points: int
    groups: dict[str, np.ndarray] = field(default_factory=dict)  # dimension → (P,) group index, −1 none
    group_keys: dict[str, list] = field(default_factory=dict)  # dimension → the key of each group index

    @property
    def drawn(self) -> int:
        return sum(min(b.n_draw, len(b.points)) for b in self.blocks)


@dataclass
class Trace:
    block: int
    drawn: np.ndarray  # (T, n) point rows of the block
    problems: np.ndarray  # (T, n, C)
    scores: np.ndarray  # (T, n)


@dataclass
class Simulation:
    scores: np.ndarray  # (S,) district mean point score
    pass_rates: np.ndarray  # (S,)
    group_sum: dict[str, np.ndarray]  # (S, G) sums of point scores
    group_count: dict[str, np.ndarray]  # (S, G)
    group_passed: dict[str, np.ndarray]  # (S, G)
    traces: list[Trace]
    draws: int  # Bernoulli + Poisson draws made


def draw_without_replacement(rng: np.random.Generator, pool: int, n: int, sims: int) -> np.ndarray:
    """(sims, n) distinct indices in range(pool) per row, uniformly."""
    if n >= pool:
        return np.broadcast_to(np.arange(pool), (sims, pool)).copy()
    if n * 4 > pool:  # dense: a random permutation prefix per row
        return np.argpartition(rng.random((sims, pool)), n - 1, axis=1)[:, :n]
    idx = rng.integers(0, pool, (sims, n))
    while n > 1:  # rejection: redraw the rows with a repeated index (rare when n ≪ pool)
        ordered = np.sort(idx, axis=1)
        dup = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        if not dup.any():
            break
        idx[dup] = rng.integers(0, pool, (int(dup.sum()), n))
    return idx


def simulate(district: District, sims: int, seed: int, trace: int = 0) -> Simulation:
    rng = np.random.default_rng(seed)
    total = np.zeros(sims)
    passed_total = np.zeros(sims)
    drawn_total = 0
    dims = list(district.groups)
    g_sum = {d: np.zeros(sims * len(district.group_keys[d])) for d in dims}
    g_cnt = {d: np.zeros(sims * len(district.group_keys[d])) for d in dims}
    g_pass = {d: np.zeros(sims * len(district.group_keys[d])) for d in dims}
    traces: list[Trace] = []
    draws = 0
    sim_row = np.arange(sims)[:, None]
    for b, block in enumerate(district.blocks):
        n = min(block.n_draw, len(block.points))
        if n <= 0 or not len(block.specs):
            continue
        idx = draw_without_replacement(rng, len(block.points), n, sims)  # (S, n)
        c_count = len(block.specs)
        p = block.p_fail[idx]  # (S, n, C)
        if block.pool_coef is not None:  # each simulated test draws each pool's rate again (mean kept)
            sigma = block.pool_sigma
            drawn_rate = block.pool_rate * np.exp(
                sigma * rng.standard_normal((sims, 1, c_count)) - sigma**2 / 2
            )
            p += (drawn_rate - block.pool_rate) * block.pool_coef[
                idx
            ]  # ≥ 0 by construction; u < p clips at 1
        fail = rng.random(p.shape) < p
        draws += p.size
        # Failures are few: grade them sparsely. Cell (s, j, c) → its problems k and the marks it loses.
        s_i, j_i, c_i = np.nonzero(fail)
        problems = np.ones(len(s_i), dtype=np.int64)
        kmax = block.table.shape[1] - 1
        if block.counted.any():
            counting = block.counted[c_i]
            extra = rng.poisson(block.excess[idx[s_i[counting], j_i[counting]], c_i[counting]])
            draws += len(extra)
            problems[counting] += extra
            np.minimum(problems, kmax, out=problems)
        lost_cells = block.table[c_i, 0] - block.table[c_i, problems]
        cell_point = s_i * n + j_i
        lost = np.bincount(cell_point, weights=lost_cells, minlength=sims * n).reshape(sims, n)
        failures = np.bincount(cell_point, minlength=sims * n).reshape(sims, n)
        possible = block.possible
        scores = (possible - lost) / possible * 100.0 if possible > 0 else np.full(lost.shape, 100.0)
        point_passed = failures == 0
        total += scores.sum(axis=1)
        passed_total += point_passed.sum(axis=1)
        drawn_total += n
        rows = block.points[idx]  # (S, n) district point rows
        for d in dims:
            groups = district.groups[d][rows]
            keep = groups >= 0
            flat = (sim_row * len(district.group_keys[d]) + groups)[keep]
            size = len(g_sum[d])
            g_sum[d] += np.bincount(flat, weights=scores[keep], minlength=size)
            g_cnt[d] += np.bincount(flat, minlength=size)
            g_pass[d] += np.bincount(flat, weights=point_passed[keep], minlength=size)
        if trace:
            keep = s_i < trace
            dense = np.zeros((min(trace, sims), n, c_count), dtype=np.int64)
            dense[s_i[keep], j_i[keep], c_i[keep]] = problems[keep]
            traces.append(Trace(b, idx[:trace].copy(), dense, scores[:trace].copy()))
    denominator = max(drawn_total, 1)

    def shaped(arrays):
        return {d: a.reshape(sims, len(district.group_keys[d])) for d, a in arrays.items()}

    return Simulation(
        scores=total / denominator,
        pass_rates=passed_total / denominator,
        group_sum=shaped(g_sum),
        group_count=shaped(g_cnt),
        group_passed=shaped(g_pass),
        traces=traces,
        draws=draws,
    )


def check_against_engine(district: District, simulation: Simulation, tolerance: float = 1e-9) -> int:
    """Re-score every traced simulated point with `engine.score_point`; raise on any difference.

    Returns the number of point scores compared."""
    compared = 0
    for tr in simulation.traces:
        block = district.blocks[tr.block]
        specs = list(block.specs)
        for t in range(tr.drawn.shape[0]):
            for j in range(tr.drawn.shape[1]):
                obs = [observation_for(s, int(k)) for s, k in zip(specs, tr.problems[t, j], strict=True)]
                score = score_point(specs, obs)
                expected = score.score_0_100 if score.score_0_100 is not None else 100.0
                if abs(expected - float(tr.scores[t, j])) > tolerance:
                    raise AssertionError(
                        f"simulation and engine disagree: {tr.scores[t, j]} ≠ {expected} (type {block.key})"
                    )
                compared += 1
    return compared


# --- summaries ---------------------------------------------------------------------------------------------


def summary(values: np.ndarray, target: float | None = None) -> dict:
    """Mean, 80 % and 95 % intervals (equal-tailed quantiles) and P(value ≥ target) of simulated values."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if not len(values):
        return {"mean": None, "low80": None, "high80": None, "low95": None, "high95": None, "p_target": None}
    q = np.quantile(values, QUANTILES)
    out = {
        "mean": float(values.mean()),
        "low95": float(q[0]),
        "low80": float(q[1]),
        "median": float(q[2]),
        "high80": float(q[3]),
        "high95": float(q[4]),
        "p_target": None,
    }
    if target is not None:
        out["p_target"] = float((values >= target - 1e-9).mean())
    return out


def group_summaries(district: District, simulation: Simulation, dim: str) -> list[dict]:
    """Per group of a dimension: expected mean point score with intervals, expected pass rate, and the
    probability that the test draws at least one of its points (the figures are over the tests that do)."""
    out = []
    counts = simulation.group_count[dim]
    for g, key in enumerate(district.group_keys[dim]):
        n = counts[:, g]
        drawn = n > 0
        if not drawn.any():
            out.append({"key": key, "p_drawn": 0.0, "score": summary(np.array([])), "pass_rate": None})
            continue
        scores = simulation.group_sum[dim][drawn, g] / n[drawn]
        rate = simulation.group_passed[dim][drawn, g] / n[drawn]
        out.append(
            {
                "key": key,
                "p_drawn": float(drawn.mean()),
                "mean_drawn": float(n.mean()),
                "score": summary(scores),
                "pass_rate": float(rate.mean()),
            }
        )
    return out
