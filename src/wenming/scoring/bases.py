"""Ranking bases (排名依据, domain.md §8 "Ranking bases"): what a ranking orders by, how it is printed, how
ties are decided. Pure (no ORM): works on anything with the attributes below (engine.RollUp,
figures.RankingRow).

* **符合率** (compliance_rate) = compliant observations ÷ applicable observations × 100 (不涉及 excluded);
* **得分率** (score_rate) = Σ earned marks ÷ Σ possible marks × 100;
* **平均得分** (mean_score) = mean over the points of earned ÷ possible × 100.

Every value is printed with two decimals (rates as a percentage, 87.50 %), and the ranking orders the PRINTED
values: two rows that print equal share a rank (competition ranking 1, 2, 2, 4) and are marked 并列; rows
without a value come last, unranked. Rounding is half up on the decimal value (87.125 → 87.13).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from wenming.scoring.engine import Ranked, rank

DIGITS = 2


@dataclass(frozen=True)
class Basis:
    code: str
    label: str
    unit: str  # "%" or "分"
    definition: str

    def value(self, row) -> float | None:
        return getattr(row, self.code)


BASES: dict[str, Basis] = {
    b.code: b
    for b in (
        Basis(
            "compliance_rate",
            _("符合率"),
            "%",
            _("符合的测评结果数 ÷ 适用的测评结果数 × 100%（不涉及项不计）"),
        ),
        Basis("score_rate", _("得分率"), "%", _("实得分合计 ÷ 应得分合计 × 100%")),
        Basis("mean_score", _("平均得分"), _("分"), _("各参评点位得分（实得分 ÷ 应得分 × 100）的平均值")),
    )
}
DEFAULT = "mean_score"
CHOICES = [(b.code, b.label) for b in BASES.values()]


def get(code: str | None) -> Basis:
    return BASES.get(code or DEFAULT, BASES[DEFAULT])


def printed(value: float | None, digits: int = DIGITS) -> float | None:
    """The value as printed: half-up rounding of its decimal form to `digits` decimals."""
    if value is None:
        return None
    if not math.isfinite(float(value)):
        return float(value)
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def rank_by[T](
    rows: Iterable[T], basis: Basis | str, value: Callable[[T], float | None] | None = None
) -> list[Ranked[T]]:
    """Competition ranking on the printed value of the basis (higher first); printed-equal values tie."""
    basis = get(basis) if isinstance(basis, str) else basis
    getter = value or basis.value
    return rank(list(rows), key=lambda r: printed(getter(r)), ndigits=DIGITS)


def rule_text(basis: Basis | str) -> str:
    """The sentence every ranking carries: the basis, its definition, the precision and the tie rule."""
    basis = get(basis) if isinstance(basis, str) else basis
    return str(
        _(
            "排名依据：%(label)s（%(definition)s），由高到低排列；数值保留两位小数（四舍五入），"
            "打印值相同者名次并列，其后名次顺延（如 1、2、2、4）；无参评数据者不排名。"
        )
    ) % {"label": basis.label, "definition": basis.definition}
