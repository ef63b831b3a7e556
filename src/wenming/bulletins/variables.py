"""The variables an appraisal formula may use (考核计分变量), each computed per unit or per street for a
period, with the records behind every value (so every figure is traceable).

Sources:
* **cases** — every count, rate and the mean handling time of `wenming.cases.kpis` (same definitions, same
  population; a case counts for the unit / street it has now). Drill-down: the case list filtered by
  `kpi` + `period` + `unit`/`street` (a rate drills to its numerator).
* **scores** — the latest inspection of each point submitted in the period, scored by the scoring engine:
  参评点位数, 过关点位数, 测评平均得分 (mean of point scores), 点位过关率. A point counts for its responsible
  unit and for the street it lies in. Drill-down: the inspections.
* **problems** — the problems recorded by non-compliant observations of inspections submitted in the period:
  an observation counts its recorded number of problems (问题数), at least one (domain.md §8 "Counting": an
  observation may record several), split by the level of the round: city (市级: national/provincial/city
  tests and the city's quarterly test) or district (区级: patrols, supervision, mock and third-party tests),
  and by whether it was fixed on the spot. Each occurrence counts, so a repeat problem is counted every time
  it is found (重复问题数 counts the problems that repeat an earlier one at the same point and criterion in
  the period). The refs list the observations and how many problems each recorded.
  A problem counts for the unit of the case it became (else the point's responsible unit) and the point's
  street. 无问题点位数: the latest inspection of a point in a round, in the period, with no non-compliance.
  Drill-down: the observations / inspections.
* **overdue, charged to the responsible party** — 新增超期数: dispatched cases whose fix deadline fell in the
  period (before now) and that were not handled by it, charged once, in that period, to the unit responsible
  for the case now (a street: its street office and the units under it, e.g. community committees — not the
  district bureaus working in its territory); 超期未处置数（责任方）: the KPI 超期待处置数 charged the same
  way, i.e. every period the case stays overdue. 超期待处置数 itself (cases source) charges a street for every
  case in its territory. A scheme chooses which one it deducts, and says so.
* **recurrence** — 反弹数: closed cases reopened in the period (回头看); 重复发生数: cases reported in the
  period at the place of a recently closed one. Drill-down: the cases.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from wenming.bulletins.periods import Window
from wenming.cases import kpis
from wenming.inspections.choices import ObservationResult, RoundKind

CITY_KINDS = frozenset({RoundKind.OFFICIAL, RoundKind.CITY_QUARTERLY})
# Rates where more is worse: their best value (MissingRate.BEST) is 0.
WORSE_RATES = frozenset(
    {"late_closing_rate", "rework_rate", "extension_rate", "overdue_open_rate", "rework_event_rate",
     "extension_event_rate"}
)  # fmt: skip


@dataclass(frozen=True)
class Variable:
    code: str
    label: str
    source: str
    description: str
    is_rate: bool = False
    higher_is_better: bool = True


def _kpi_variables() -> list[Variable]:
    out = [Variable(c.code, str(c.label), "cases", str(c.definition)) for c in kpis.COUNTS]
    out += [
        Variable(
            r.code,
            str(r.label),
            "cases",
            str(r.definition),
            is_rate=True,
            higher_is_better=r.code not in WORSE_RATES,
        )
        for r in kpis.RATES
    ]
    out.append(Variable(kpis.AVG_HANDLING[0], "平均处置时长", "cases", str(kpis.AVG_HANDLING[2])))
    return out


OWN = (
    Variable("points", str(_("参评点位数")), "scores", str(_("本期有测评记录的点位数（每个点位取本期最近一次测评）"))),
    Variable("points_passed", str(_("过关点位数")), "scores", str(_("参评点位中全部适用测评标准均符合的点位数"))),
    Variable("mean_score", str(_("测评平均得分")), "scores", str(_("参评点位得分（实得分 ÷ 应得分 × 100）的平均值"))),
    Variable("pass_rate", str(_("点位过关率")), "scores", str(_("过关点位数 ÷ 参评点位数")), is_rate=True),
    Variable("city_problems", str(_("市级测评问题数")), "problems", str(_("市级及以上测评（含市季度测评）发现的问题数（按问题计，一条测评结果记录几个问题计几个，至少 1 个），每发现一次计一次"))),
    Variable("city_problems_open", str(_("市级测评未当场整改问题数")), "problems", str(_("市级测评问题中未当场整改的"))),
    Variable("city_problems_on_spot", str(_("市级测评当场整改问题数")), "problems", str(_("市级测评问题中当场整改的"))),
    Variable("district_problems", str(_("区级测评问题数")), "problems", str(_("区级巡查、督查、模拟及第三方测评发现的问题数（按问题计，一条测评结果记录几个问题计几个，至少 1 个），每发现一次计一次"))),
    Variable("district_problems_open", str(_("区级测评未当场整改问题数")), "problems", str(_("区级测评问题中未当场整改的"))),
    Variable("district_problems_on_spot", str(_("区级测评当场整改问题数")), "problems", str(_("区级测评问题中当场整改的"))),
    Variable("repeat_problems", str(_("重复问题数")), "problems", str(_("本期同一点位同一测评标准再次发现的问题次数"))),
    Variable("city_clean_points", str(_("市级测评无问题点位数")), "problems", str(_("市级测评中未发现问题的点位数（每轮每点位计一次）"))),
    Variable("district_clean_points", str(_("区级测评无问题点位数")), "problems", str(_("区级测评中未发现问题的点位数（每轮每点位计一次）"))),
    Variable("overdue_new", str(_("新增超期数")), "overdue", str(_("处置时限在本期内到期而到期时仍未整改反馈的已派遣案件数，只在到期当期计一次，计入案件现在的责任单位（街道：街道办事处及其下属单位，如社区居委会）"))),
    Variable("overdue_open_charged", str(_("超期未处置数（责任方）")), "overdue", str(_("期末已超期且仍未处置的案件数（与超期待处置数同口径，每期均计），计入案件现在的责任单位（街道：街道办事处及其下属单位）"))),
    Variable("rebounds", str(_("反弹数")), "recurrence", str(_("本期内被重新打开的已结案问题（回头看反弹）"))),
    Variable("recurrences", str(_("重复发生数")), "recurrence", str(_("本期上报、与近期已结案问题同地同类的问题"))),
)  # fmt: skip


def registry() -> Mapping[str, Variable]:
    """Every variable by code (read-only), built once per language: an appraisal reads it for every
    subject, and translating the KPI labels each time cost more than the counting itself."""
    return _registry(translation.get_language())


@functools.lru_cache(maxsize=16)
def _registry(language: str | None) -> Mapping[str, Variable]:
    return MappingProxyType({v.code: v for v in (*_kpi_variables(), *OWN)})


def allowed_names() -> set[str]:
    names = set()
    for v in registry().values():
        names |= {v.code, v.label}
    return names


def resolve(name: str) -> Variable | None:
    """A variable by code or by Chinese label."""
    for v in registry().values():
        if name in (v.code, v.label):
            return v
    return None


# --- computation ----------------------------------------------------------------------------------------

# figures[subject_key][code] = {"value": float | None, "refs": {...}}
Figures = dict[int, dict[str, dict]]


def _put(figures: Figures, key, code: str, value, refs: dict) -> None:
    if key is None:
        return
    figures.setdefault(int(key), {})[code] = {"value": value, "refs": refs}


def _case_figures(subject: str, window: Window, figures: Figures, now) -> None:
    period = window.kpi_period
    case_list = reverse("cases:case_list")
    rates = {r.code: r for r in kpis.RATES}
    for row in kpis.compute(subject, period, now=now, formulas=[]):
        if row.key is None:
            continue
        for c in kpis.COUNTS:
            _put(
                figures,
                row.key,
                c.code,
                float(row.counts[c.code]),
                {"url": f"{case_list}?{row.drill[c.code]}"},
            )
        for code, r in rates.items():
            _put(figures, row.key, code, row.rates[code], {"url": f"{case_list}?{row.drill[r.numerator]}"})
        _put(figures, row.key, kpis.AVG_HANDLING[0], row.avg_handling_hours,
             {"url": f"{case_list}?{row.drill['handled']}"})  # fmt: skip


def _street_of_points(point_ids) -> dict[int, int | None]:
    from wenming.scoring import live

    return {pk: info.street_id for pk, info in live.load_points(point_ids).items()}


def _score_figures(subject: str, window: Window, figures: Figures) -> None:
    from wenming.inspections.models import Inspection
    from wenming.scoring import live
    from wenming.scoring.choices import Dimension
    from wenming.scoring.engine import ScoredPoint, roll_up

    latest: dict[int, live.InspectionRef] = {}
    qs = Inspection.objects.filter(submitted_at__gte=window.start, submitted_at__lt=window.end)
    for ref in live.inspection_refs(qs):
        latest[ref.point_id] = ref
    scored = live.score_inspections(list(latest.values()))
    dimension = Dimension.UNIT if subject == "unit" else Dimension.STREET
    items = [
        ScoredPoint(ref.point_id, scored.scores[ref.id], scored.points[ref.point_id].keys(), ref.id)
        for ref in scored.inspections
        if ref.point_id in scored.points
    ]
    for key, r in roll_up(items, dimension).items():
        refs = {"inspections": sorted(int(m) for m in r.members)}
        _put(figures, key, "points", float(r.points), refs)
        _put(figures, key, "points_passed", float(r.passed), refs)
        _put(figures, key, "mean_score", r.mean_score, refs)
        _put(figures, key, "pass_rate", r.pass_rate, refs)


def _problem_figures(subject: str, window: Window, figures: Figures) -> None:
    from wenming.inspections.models import Inspection, Observation

    rows = list(
        Observation.objects.filter(
            inspection__submitted_at__gte=window.start,
            inspection__submitted_at__lt=window.end,
            result=ObservationResult.NONCOMPLIANT,
        )
        .order_by("inspection__submitted_at", "pk")
        .values_list(
            "pk", "fixed_on_spot", "inspection__round__kind", "inspection__point_id", "criterion_id",
            "case__unit_id", "inspection__point__responsible_unit_id", "problems",
        )
    )  # fmt: skip
    inspections = list(
        Inspection.objects.filter(submitted_at__gte=window.start, submitted_at__lt=window.end)
        .order_by("submitted_at", "pk")
        .values("pk", "round_id", "round__kind", "point_id", "point__responsible_unit_id")
        .annotate(
            bad=Count("observations", filter=Q(observations__result=ObservationResult.NONCOMPLIANT)),
            good=Count("observations", filter=Q(observations__result=ObservationResult.COMPLIANT)),
        )
    )
    streets = (
        _street_of_points({r[3] for r in rows} | {i["point_id"] for i in inspections})
        if subject == "street"
        else {}
    )
    buckets: dict[tuple, list[int]] = defaultdict(list)
    weight: dict[int, int] = {}
    seen: set[tuple] = set()
    for pk, on_spot, kind, point_id, criterion_id, case_unit, point_unit, problems in rows:
        key = streets.get(point_id) if subject == "street" else (case_unit or point_unit)
        level = "city" if kind in CITY_KINDS else "district"
        weight[pk] = problem_count(problems)
        buckets[(key, f"{level}_problems")].append(pk)
        buckets[(key, f"{level}_problems_{'on_spot' if on_spot else 'open'}")].append(pk)
        if (point_id, criterion_id) in seen:
            buckets[(key, "repeat_problems")].append(pk)
        seen.add((point_id, criterion_id))
    latest: dict[tuple, dict] = {}
    for i in inspections:
        latest[(i["round_id"], i["point_id"])] = i
    clean: dict[tuple, list[int]] = defaultdict(list)
    for i in latest.values():
        if i["bad"] == 0 and i["good"] > 0:
            key = streets.get(i["point_id"]) if subject == "street" else i["point__responsible_unit_id"]
            level = "city" if i["round__kind"] in CITY_KINDS else "district"
            clean[(key, f"{level}_clean_points")].append(i["pk"])
    keys = {k for k, _c in buckets} | {k for k, _c in clean}
    for key in keys:
        if key is None:
            continue
        for code in ("city_problems", "city_problems_open", "city_problems_on_spot", "district_problems",
                     "district_problems_open", "district_problems_on_spot", "repeat_problems"):  # fmt: skip
            ids = buckets.get((key, code), [])
            _put(
                figures, key, code, float(sum(weight[i] for i in ids)),
                {"observations": ids, "problems": [weight[i] for i in ids]},
            )  # fmt: skip
        for code in ("city_clean_points", "district_clean_points"):
            ids = clean.get((key, code), [])
            _put(figures, key, code, float(len(ids)), {"inspections": ids})


def problem_count(recorded: int | None) -> int:
    """Problems one non-compliant observation stands for: its recorded 问题数, at least one."""
    return max(1, int(recorded or 0))


def street_units() -> dict[int, set[int]]:
    """Street area → the units answerable as that street: its street office and the units under it."""
    from wenming.accounts.scope import _unit_descendants
    from wenming.geo.choices import AreaLevel
    from wenming.geo.models import Area
    from wenming.org.models import Unit

    out = {}
    for pk, unit_id in Area.objects.filter(level=AreaLevel.STREET, unit__isnull=False).values_list(
        "pk", "unit_id"
    ):
        out[pk] = _unit_descendants(Unit, {unit_id})
    return out


def _charge_keys(subject: str, unit_id, owners: dict[int, set[int]]) -> list[int]:
    if unit_id is None:
        return []
    if subject == "unit":
        return [unit_id]
    return [street for street, units in owners.items() if unit_id in units]


def q_became_overdue(window: Window, now):
    """Dispatched cases whose fix deadline fell in the window (before now) and that were not handled by it."""
    from django.db.models import F

    cutoff = min(window.end, now)
    not_handled = Q(fix_reported_at__isnull=True) | Q(fix_reported_at__gt=F("fix_deadline"))
    return kpis.POPULATION & Q(fix_deadline__gte=window.start, fix_deadline__lt=cutoff) & not_handled


def _overdue_figures(subject: str, window: Window, figures: Figures, now) -> None:
    from wenming.cases.models import Case

    owners = street_units() if subject == "street" else {}
    period = window.kpi_period
    for code, q in (
        ("overdue_new", q_became_overdue(window, now)),
        ("overdue_open_charged", kpis.q_overdue_open(period, now)),
    ):
        charged: dict[int, list[int]] = defaultdict(list)
        for case_id, unit_id in Case.objects.filter(q).order_by("pk").values_list("pk", "unit_id"):
            for key in _charge_keys(subject, unit_id, owners):
                charged[key].append(case_id)
        for key, ids in charged.items():
            _put(figures, key, code, float(len(ids)), {"cases": ids})


def _recurrence_figures(subject: str, window: Window, figures: Figures) -> None:
    from wenming.cases.choices import EventKind
    from wenming.cases.models import Case, CaseEvent

    field = "unit_id" if subject == "unit" else "street_id"
    reopened: dict[int, list[int]] = defaultdict(list)
    for case_id, key in CaseEvent.objects.filter(
        kind=EventKind.REOPENED, at__gte=window.start, at__lt=window.end
    ).values_list("case_id", f"case__{field}"):
        reopened[key].append(case_id)
    again: dict[int, list[int]] = defaultdict(list)
    for case_id, key in Case.objects.filter(
        is_recurrence=True, reported_at__gte=window.start, reported_at__lt=window.end
    ).values_list("pk", field):
        again[key].append(case_id)
    for key in set(reopened) | set(again):
        _put(
            figures,
            key,
            "rebounds",
            float(len(reopened.get(key, []))),
            {"cases": sorted(reopened.get(key, []))},
        )
        _put(
            figures, key, "recurrences", float(len(again.get(key, []))), {"cases": sorted(again.get(key, []))}
        )


def compute(subject: str, window: Window, *, now=None, sources=None) -> Figures:
    """Every variable for every unit (or street) with data in the window; missing values mean zero counts
    (filled by `complete`)."""
    from django.utils import timezone

    now = now or timezone.now()
    figures: Figures = {}
    wanted = set(sources or ("cases", "scores", "problems", "overdue", "recurrence"))
    if "cases" in wanted:
        _case_figures(subject, window, figures, now)
    if "scores" in wanted:
        _score_figures(subject, window, figures)
    if "problems" in wanted:
        _problem_figures(subject, window, figures)
    if "overdue" in wanted:
        _overdue_figures(subject, window, figures, now)
    if "recurrence" in wanted:
        _recurrence_figures(subject, window, figures)
    return figures


def complete(values: dict[str, dict]) -> dict[str, dict]:
    """Every variable present: counts without records are 0, rates and means without a denominator None."""
    out = dict(values)
    for code, var in registry().items():
        if code in out:
            continue
        zero_is_right = not var.is_rate and code not in ("mean_score", kpis.AVG_HANDLING[0])
        out[code] = {"value": 0.0 if zero_is_right else None, "refs": {}}
    return out
