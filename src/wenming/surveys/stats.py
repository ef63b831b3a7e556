"""Survey statistics (pure, no database): sample sizes, the post-stratified estimator, intervals, design effects.

Sample size for a proportion (Cochran): n0 = z² p (1 − p) / e², rounded up; with the finite-population
correction n = n0 / (1 + (n0 − 1) / N), rounded up. At 95 % (z = 1.959964) and p = 0.5: ±5 % → 385,
±3 % → 1,068 (often quoted as "≈ 1,067", the same number rounded instead of rounded up).

Estimation: every respondent i of stratum h carries a value y_hi (1/0 for a rate, 0–100 for a score, or a
share of positive answers when an indicator has several questions). With N_h the stratum's population,
n_h its respondents, ȳ_h their mean and s_h² their sample variance, post-stratified by population:

    W_h = N_h / Σ N_h                      (strata without respondents are left out and the rest re-weighted)
    ȳ_st = Σ W_h ȳ_h
    v(ȳ_h) = (1 − f_h) s_h² / n_h          (f_h = n_h / N_h with the finite-population correction, else 0)
    v(ȳ_st) = Σ W_h² v(ȳ_h)                 (stratified variance)
    CI = ȳ_st ± z √v(ȳ_st)                 (clipped to the value's range)

For a rate s_h² = n_h p_h (1 − p_h) / (n_h − 1). A stratum with one respondent has no variance estimate: it
contributes 0 and a warning is raised. The design effect compares the design with a simple random sample of
the same size: deff = v(ȳ_st) / v_srs, v_srs = (1 − n/N) S² / n, where S² = Σ W_h s_h² + Σ W_h (ȳ_h − ȳ_st)²
estimates the population variance.
"""

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist

from django.utils.translation import gettext as _


def z_value(confidence: float) -> float:
    """The two-sided normal quantile: 0.95 → 1.959964."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


@dataclass(frozen=True)
class SampleSize:
    n0: int  # without the finite-population correction
    n: int  # with it (equal to n0 when no population is given)
    n0_exact: float


def sample_size(
    margin: float, confidence: float = 0.95, p: float = 0.5, population: int | None = None
) -> SampleSize:
    """Respondents needed to estimate a proportion within ±margin at the given confidence."""
    if not 0 < margin < 1:
        raise ValueError("margin must be between 0 and 1")
    if not 0 < p < 1:
        raise ValueError("p must be between 0 and 1")
    z = z_value(confidence)
    exact = z * z * p * (1 - p) / (margin * margin)
    n0 = math.ceil(exact - 1e-9)
    if not population:
        return SampleSize(n0=n0, n=n0, n0_exact=exact)
    corrected = exact / (1 + (exact - 1) / population)
    return SampleSize(n0=n0, n=min(population, math.ceil(corrected - 1e-9)), n0_exact=exact)


def allocate(total: int, populations: Sequence[int], minimum: int = 2) -> list[int]:
    """Split `total` over strata in proportion to population (largest remainders), at least `minimum` each
    (a stratum needs two respondents for a variance), never more than its population."""
    if not populations:
        return []
    whole = sum(populations)
    if whole <= 0:
        share = [total / len(populations)] * len(populations)
    else:
        share = [total * p / whole for p in populations]
    counts = [math.floor(s) for s in share]
    order = sorted(range(len(share)), key=lambda i: (-(share[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return [
        min(max(c, minimum), p) if p else max(c, minimum) for c, p in zip(counts, populations, strict=True)
    ]


@dataclass(frozen=True)
class StratumData:
    key: Hashable
    population: int
    values: Sequence[float]


@dataclass
class StratumEstimate:
    key: Hashable
    population: int
    n: int
    weight: float
    mean: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass
class Estimate:
    mean: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    deff: float | None
    unweighted_mean: float | None
    unweighted_se: float | None
    confidence: float
    strata: list[StratumEstimate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "estimate": self.mean, "se": self.se, "ci_low": self.ci_low, "ci_high": self.ci_high, "n": self.n,
            "deff": self.deff, "unweighted": self.unweighted_mean, "unweighted_se": self.unweighted_se,
        }  # fmt: skip


def _mean_var(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return mean, var


def _clip(value: float, bounds: tuple[float, float] | None) -> float:
    return value if bounds is None else min(max(value, bounds[0]), bounds[1])


def _interval(mean: float, se: float, z: float, bounds) -> tuple[float, float]:
    return _clip(mean - z * se, bounds), _clip(mean + z * se, bounds)


def _fpc(n: int, population: int, use: bool) -> float:
    if not use or population <= 0:
        return 1.0
    return max(0.0, 1 - n / population)


def stratified_mean(
    strata: Sequence[StratumData],
    *,
    confidence: float = 0.95,
    fpc: bool = True,
    bounds: tuple[float, float] | None = (0.0, 1.0),
) -> Estimate:
    """The population-weighted (post-stratified) mean with its stratified variance, interval and deff."""
    z = z_value(confidence)
    warnings: list[str] = []
    observed = [s for s in strata if s.values]
    missing = [s for s in strata if not s.values]
    if missing:
        warnings.append(_("%(n)d 个分层没有有效回答，未计入加权估计。") % {"n": len(missing)})
    n_total = sum(len(s.values) for s in observed)
    if not observed:
        empty = [StratumEstimate(s.key, s.population, 0, 0.0, None, None, None, None) for s in strata]
        return Estimate(None, None, None, None, 0, None, None, None, confidence, empty, warnings)
    populations = {s.key: max(s.population, 0) for s in observed}
    pop_total = sum(populations.values())
    if pop_total <= 0:
        warnings.append(_("分层人口为 0，按样本量等权计算。"))
        populations = {s.key: len(s.values) for s in observed}
        pop_total = n_total
    rows: dict[Hashable, StratumEstimate] = {}
    st_mean = st_var = within = 0.0
    single = 0
    means = {}
    for s in observed:
        n = len(s.values)
        mean, var = _mean_var(s.values)
        single += n == 1
        weight = populations[s.key] / pop_total
        v_h = _fpc(n, s.population, fpc) * var / n
        se_h = math.sqrt(v_h)
        low, high = _interval(mean, se_h, z, bounds)
        rows[s.key] = StratumEstimate(s.key, s.population, n, weight, mean, se_h, low, high)
        st_mean += weight * mean
        st_var += weight * weight * v_h
        within += weight * var
        means[s.key] = (weight, mean)
    if single:
        warnings.append(_("%(n)d 个分层只有 1 份有效回答，无法估计其方差（按 0 计）。") % {"n": single})
    between = sum(w * (m - st_mean) ** 2 for w, m in means.values())
    v_srs = _fpc(n_total, pop_total, fpc) * (within + between) / n_total
    deff = st_var / v_srs if v_srs > 0 else None
    se = math.sqrt(st_var)
    low, high = _interval(st_mean, se, z, bounds)
    all_values = [v for s in observed for v in s.values]
    u_mean, u_var = _mean_var(all_values)
    u_se = math.sqrt(_fpc(n_total, pop_total, fpc) * u_var / n_total)
    ordered = [
        rows.get(s.key) or StratumEstimate(s.key, s.population, 0, 0.0, None, None, None, None)
        for s in strata
    ]
    return Estimate(
        mean=st_mean, se=se, ci_low=low, ci_high=high, n=n_total, deff=deff, unweighted_mean=u_mean,
        unweighted_se=u_se, confidence=confidence, strata=ordered, warnings=warnings,
    )  # fmt: skip


@dataclass(frozen=True)
class Difference:
    diff: float
    se: float
    z: float | None
    significant: bool


def difference(
    a_mean: float, a_se: float, b_mean: float, b_se: float, confidence: float = 0.95
) -> Difference:
    """b − a for two independent samples (two waves), with a z test at the given confidence."""
    diff = b_mean - a_mean
    se = math.sqrt(a_se * a_se + b_se * b_se)
    if se == 0:
        return Difference(diff, 0.0, None, diff != 0)
    stat = diff / se
    return Difference(diff, se, stat, abs(stat) > z_value(confidence))
