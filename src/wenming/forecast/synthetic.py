"""A synthetic district with known true failure rates and a simulated inspection history (pure NumPy).

Used by the calibration tests (does the 80 % interval cover the real test score 80 % of the time? does
shrinkage beat the raw latest observation?) and by the bench. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wenming.forecast import model, simulate
from wenming.scoring.engine import CriterionSpec

RULES = (
    ("compliance", {}),
    ("abc", {"thresholds": [0, 1, 2, 3], "rates": [1, 0.66, 0.33, 0]}),
    ("deduction", {"per_problem": 0.5}),
    ("quota", {"required": 2, "per_missing": 0.5}),
    ("sampled", {"sample_size": 5, "grades": {"A": 5, "B": 4}, "rates": {"A": 1, "B": 0.66, "C": 0.33}}),
)


@dataclass
class Season:
    """One synthetic district: truth, history, and the arrays the model and the simulation read."""

    point_type: np.ndarray  # (P,)
    street: np.ndarray  # (P,)
    specs: list[list[CriterionSpec]]  # per type
    true_p: np.ndarray  # (P, C)
    true_excess: np.ndarray  # (P, C)
    history: model.History
    latest_failed: np.ndarray  # (P*C,) the latest observation of each item, NaN when never observed
    per_type: int

    @property
    def criteria(self) -> int:
        return self.true_p.shape[1]


def make_specs(types: int, criteria: int) -> list[list[CriterionSpec]]:
    out = []
    for t in range(types):
        specs = []
        for c in range(criteria):
            rule, params = RULES[(c + t) % len(RULES)]
            weight = float(1 + (c % 4))
            specs.append(CriterionSpec(id=t * criteria + c, weight=weight, rule=rule, params=dict(params)))
        out.append(specs)
    return out


def make_season(
    rng: np.random.Generator,
    *,
    points: int = 240,
    types: int = 6,
    criteria: int = 8,
    streets: int = 4,
    per_type: int = 5,
    history_days: int = 84,
    rounds: int = 6,
    visit_share: float = 0.35,
    true_kappa: float = 8.0,
    specs: list[list[CriterionSpec]] | None = None,
) -> Season:
    point_type = np.sort(rng.integers(0, types, points))
    street = rng.integers(0, streets, points)
    pool_mean = rng.beta(1.2, 10.0, (types, criteria))  # mean failure rate of each type × criterion
    m = pool_mean[point_type]  # (P, C)
    true_p = rng.beta(true_kappa * m + 1e-6, true_kappa * (1 - m) + 1e-6)
    true_excess = np.broadcast_to(rng.uniform(0.1, 1.2, (types, criteria))[point_type], (points, criteria))
    obs_item, obs_age, obs_failed, obs_problems = [], [], [], []
    latest = np.full(points * criteria, np.nan)
    for r in range(rounds):  # oldest first
        age = history_days * (rounds - r) / rounds
        visited = np.nonzero(rng.random(points) < visit_share)[0]
        failed = rng.random((len(visited), criteria)) < true_p[visited]
        problems = np.where(failed, 1 + rng.poisson(true_excess[visited]), 0)
        items = (visited[:, None] * criteria + np.arange(criteria)).ravel()
        obs_item.append(items)
        obs_age.append(np.full(len(items), age))
        obs_failed.append(failed.ravel())
        obs_problems.append(problems.ravel())
        latest[items] = failed.ravel()
    item_pool = (point_type[:, None] * criteria + np.arange(criteria)).ravel()
    history = model.History(
        obs_item=np.concatenate(obs_item),
        obs_age_days=np.concatenate(obs_age),
        obs_failed=np.concatenate(obs_failed),
        obs_problems=np.concatenate(obs_problems),
        item_pool=item_pool,
        item_open_case=np.zeros(points * criteria, bool),
        item_recurrences=np.zeros(points * criteria, int),
        item_closed_since=np.zeros(points * criteria, bool),
    )
    return Season(
        point_type=point_type,
        street=street,
        specs=specs or make_specs(types, criteria),
        true_p=true_p,
        true_excess=np.asarray(true_excess),
        history=history,
        latest_failed=latest,
        per_type=per_type,
    )


def district_of(
    season: Season, p_fail: np.ndarray, excess: np.ndarray, tables=None, est: model.Estimate | None = None
) -> simulate.District:
    """The simulation's view of the season with the given (P, C) probabilities and λ."""
    blocks = []
    tables = tables or [
        simulate.pad_tables([simulate.engine_table(s) for s in specs]) for specs in season.specs
    ]
    for t, specs in enumerate(season.specs):
        rows = np.nonzero(season.point_type == t)[0]
        blocks.append(
            simulate.TypeBlock(
                key=t,
                points=rows,
                specs=specs,
                p_fail=p_fail[rows],
                excess=excess[rows],
                table=tables[t],
                counted=np.array([simulate.counts_problems(s) for s in specs]),
                n_draw=season.per_type,
            )
        )
    if est is not None:  # items are numbered point by point, criterion by criterion
        for block in blocks:
            simulate.attach_pool(block, est, int(block.points[0]) * len(block.specs))
    streets = int(season.street.max()) + 1
    return simulate.District(
        blocks=blocks,
        points=len(season.point_type),
        groups={"street": season.street},
        group_keys={"street": list(range(streets))},
    )
