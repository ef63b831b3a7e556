"""The risk model (pure NumPy, no Django): per point and criterion, the probability of failing tomorrow and
the distribution of the number of problems when it fails. Plain words in docs/forecast.md.

Items are (point, criterion) pairs, numbered 0..I-1; each belongs to a *pool* (point type × criterion).

1. **Recency**: an observation made `age` days ago weighs ``0.5 ** (age / half_life_days)``.
2. **Pool rate**: the weighted failure rate of the pool, itself pulled slightly towards the district's overall
   rate (strength `POOL_PRIOR`), so a pool seen rarely is not 0 % or 100 % either.
3. **Shrinkage (empirical Bayes, beta-binomial)**: an item's rate is
   ``(weighted failures + κ × pool rate) / (weighted observations + κ)``; κ (the prior strength, in
   "observations") is estimated from the data by the method of moments unless the office fixes it.
4. **Cases**: the odds ``p / (1 − p)`` are multiplied by `open_case_odds` when a case is open on the item, by
   `recurrence_odds` per recurrence or rebound (at most `MAX_RECURRENCES`) and by `closure_odds` when a
   verified closure came after the latest failure.
5. **Uncertainty**: the pool rate is an estimate too; each simulated test draws every pool's rate again
   (lognormal with the same mean and the pool rate's standard error) and moves each item of the pool in the
   share κ / (n + κ) it borrows from it (scaled by the case adjustment), never below zero.
6. **Problem counts** (graded, per-occurrence, quota and sampled rules): when the item fails, the number of
   problems is ``1 + Poisson(λ)``, λ the item's weighted mean of (problems − 1) over its failures, shrunk to
   the pool's with strength `EXCESS_PRIOR`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

POOL_PRIOR = 2.0  # pseudo-observations pulling a pool's rate towards the district rate
EXCESS_PRIOR = 2.0  # pseudo-failures pulling an item's λ towards its pool's
MAX_RECURRENCES = 3
KAPPA_RANGE = (0.5, 100.0)
P_RANGE = (1e-4, 1 - 1e-4)


@dataclass(frozen=True)
class Params:
    """The model's parameters (stored in `ForecastParameters`, copied onto each run)."""

    half_life_days: float = 28.0
    prior_strength: float | None = None  # κ; None: estimated from the data (empirical Bayes)
    default_prior_strength: float = 4.0  # κ when there is too little data to estimate it
    open_case_odds: float = 3.0
    recurrence_odds: float = 1.5
    closure_odds: float = 0.5

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class History:
    """What the model reads, as arrays. Observations: one row each; items: one row per (point, criterion)."""

    obs_item: np.ndarray  # int, the item each observation is of
    obs_age_days: np.ndarray  # float ≥ 0, days before the forecast date
    obs_failed: np.ndarray  # bool, the observation was not fully compliant
    obs_problems: np.ndarray  # int, problems it stands for (≥ 1 when failed)
    item_pool: np.ndarray  # int, the pool (point type × criterion) of each item
    item_open_case: np.ndarray  # bool
    item_recurrences: np.ndarray  # int ≥ 0
    item_closed_since: np.ndarray  # bool: a verified closure after the item's latest failure

    @property
    def items(self) -> int:
        return len(self.item_pool)


@dataclass
class Estimate:
    p_fail: np.ndarray  # (I,) probability of failing tomorrow
    excess: np.ndarray  # (I,) λ: mean number of problems beyond the first when failing
    p_shrunk: np.ndarray  # (I,) before the case adjustments
    pool_coef: np.ndarray  # (I,) how much p moves per unit move of its pool's rate: p × w / p_shrunk
    pool_sigma: np.ndarray  # (G,) lognormal σ of each pool rate (its relative standard error)
    n_eff: np.ndarray  # (I,) weighted observations
    x_eff: np.ndarray  # (I,) weighted failures
    pool_rate: np.ndarray  # (G,)
    item_pool: np.ndarray  # (I,)
    kappa: float
    kappa_estimated: bool
    district_rate: float


def recency_weights(age_days: np.ndarray, half_life_days: float) -> np.ndarray:
    return np.power(0.5, np.maximum(np.asarray(age_days, dtype=float), 0.0) / max(half_life_days, 1e-9))


def estimate_kappa(n_eff, x_eff, n_kish, prior_mean) -> float | None:
    """Method-of-moments prior strength: the share of the spread of item rates not explained by chance."""
    seen = n_eff > 0
    if seen.sum() < 5:
        return None
    rate = x_eff[seen] / n_eff[seen]
    m = prior_mean[seen]
    spread = m * (1 - m)
    if spread.sum() <= 0:
        return None
    excess = (rate - m) ** 2 - spread / np.maximum(n_kish[seen], 1e-9)
    rho = float(excess.sum() / spread.sum())
    rho = min(max(rho, 1.0 / (KAPPA_RANGE[1] + 1)), 1.0 / (KAPPA_RANGE[0] + 1))
    return 1.0 / rho - 1.0


def estimate(history: History, params: Params) -> Estimate:
    items = history.items
    pools = int(history.item_pool.max()) + 1 if items else 0
    w = recency_weights(history.obs_age_days, params.half_life_days)
    failed = history.obs_failed.astype(float)
    n_eff = np.bincount(history.obs_item, weights=w, minlength=items)
    x_eff = np.bincount(history.obs_item, weights=w * failed, minlength=items)
    w2 = np.bincount(history.obs_item, weights=w * w, minlength=items)
    n_kish = np.divide(n_eff**2, w2, out=np.zeros(items), where=w2 > 0)

    total_n, total_x = n_eff.sum(), x_eff.sum()
    district = float((total_x + 0.5) / (total_n + 1.0))  # Jeffreys-like: never exactly 0 or 1
    pool_n = np.bincount(history.item_pool, weights=n_eff, minlength=pools)
    pool_x = np.bincount(history.item_pool, weights=x_eff, minlength=pools)
    pool_rate = (pool_x + POOL_PRIOR * district) / (pool_n + POOL_PRIOR)
    prior = pool_rate[history.item_pool] if items else np.zeros(0)

    if params.prior_strength is not None:
        kappa, estimated = float(params.prior_strength), False
    else:
        found = estimate_kappa(n_eff, x_eff, n_kish, prior)
        kappa, estimated = (found, True) if found is not None else (params.default_prior_strength, False)
    p = (x_eff + kappa * prior) / (n_eff + kappa)
    # The pool rate is itself an estimate: its standard error as a lognormal σ (mean-preserving, positive).
    pool_se = np.sqrt(pool_rate * (1 - pool_rate) / (pool_n + POOL_PRIOR))
    pool_sigma = np.sqrt(np.log1p((pool_se / np.maximum(pool_rate, 1e-12)) ** 2))

    odds = p / (1 - p)
    odds = odds * np.where(history.item_open_case, params.open_case_odds, 1.0)
    odds = odds * np.power(params.recurrence_odds, np.minimum(history.item_recurrences, MAX_RECURRENCES))
    odds = odds * np.where(history.item_closed_since, params.closure_odds, 1.0)
    p_fail = np.clip(odds / (1 + odds), *P_RANGE)
    pool_coef = p_fail * (kappa / (n_eff + kappa)) / np.maximum(p, 1e-12)

    extra = np.maximum(history.obs_problems - 1, 0) * history.obs_failed
    f_w = np.bincount(history.obs_item, weights=w * failed, minlength=items)
    e_w = np.bincount(history.obs_item, weights=w * extra, minlength=items)
    pool_f = np.bincount(history.item_pool, weights=f_w, minlength=pools)
    pool_e = np.bincount(history.item_pool, weights=e_w, minlength=pools)
    overall = float(e_w.sum() / f_w.sum()) if f_w.sum() > 0 else 0.0
    pool_excess = (pool_e + EXCESS_PRIOR * overall) / (pool_f + EXCESS_PRIOR)
    excess = (e_w + EXCESS_PRIOR * pool_excess[history.item_pool]) / (f_w + EXCESS_PRIOR)
    return Estimate(
        p_fail=p_fail,
        excess=excess,
        p_shrunk=p,
        pool_coef=pool_coef,
        pool_sigma=pool_sigma,
        n_eff=n_eff,
        x_eff=x_eff,
        pool_rate=pool_rate,
        item_pool=history.item_pool,
        kappa=kappa,
        kappa_estimated=estimated,
        district_rate=district,
    )


# --- what a failure costs --------------------------------------------------------------------------------


def poisson_pmf(lam: np.ndarray, kmax: int) -> np.ndarray:
    """P(X = j) for j = 0..kmax−1 of Poisson(λ), the tail mass added to the last column; shape (…, kmax)."""
    lam = np.asarray(lam, dtype=float)[..., None]
    j = np.arange(kmax)
    log_fact = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, kmax)))])
    pmf = np.exp(-lam + j * np.log(np.maximum(lam, 1e-300)) - log_fact)
    pmf[..., 0] = np.exp(-lam[..., 0])
    pmf[..., -1] += np.clip(1 - pmf.sum(axis=-1), 0, 1)
    return pmf


def expected_lost(p_fail, excess, table) -> np.ndarray:
    """Expected marks lost per item: p × E[weight − earned(1 + Poisson(λ))], `table` (I, K+1) earned by
    number of problems (column k = k problems, the last column for k ≥ K)."""
    table = np.asarray(table, dtype=float)
    kmax = table.shape[-1] - 1
    loss = table[:, :1] - table[:, 1:]  # (I, K): lost with 1..K problems
    pmf = poisson_pmf(excess, kmax)  # P(1 + X = k) for k = 1..K
    return np.asarray(p_fail) * (pmf * loss).sum(axis=-1)


def fix_gain(p_drawn: float, expected_lost: float, possible: float, drawn_total: int) -> float:
    """Expected rise of the district score (mean point score, 0–100) if the item were fixed before the test:
    P(point drawn) × expected marks lost ÷ the point's possible marks × 100 ÷ points drawn in all."""
    if possible <= 0 or drawn_total <= 0:
        return 0.0
    return p_drawn * expected_lost / possible * 100.0 / drawn_total
