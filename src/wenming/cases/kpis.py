"""Case KPIs (案件考核指标), defined once: the counts, the rates over their EXACT denominators, the composite
formulas, and the drill-down from every figure to the cases behind it.

A **period** is a half-open interval [start, end) of Asia/Shanghai local time: `2026` (year), `2026-Q4`,
`2026-11` (month), `2026-W45` (ISO week) or `2026-11-01~2026-11-15` (both days included).

**Population.** Only cases that reached a district unit count: dispatched (派遣时间 set), not merged, not
rejected and not currently parked (挂账 cases are excluded from appraisal until unparked). Cases sent to
coordination (units above the district) and cases fixed on the spot are never dispatched, so never count.
A case counts for the unit, special group and street it has NOW (after an upheld "not ours" transfer the
new unit owns it; the old unit is not charged).

**Periods stand as they were at their end** (domain.md §8): for a period that is over, every field is read
as it stood at the period's end (the case's history row as of that instant, see `as_of_sources`), so a case
closed in October stays "closed in October" when it is reopened in November — the reopening is a rebound
(反弹) of November. Appraisal runs frozen earlier and the live KPI page therefore agree. For the current
period the cases are read as they are now.

Counts (each a subset of 应处置数, so every rate is between 0 and 1):

* **应处置数 (due)** — fix deadline before the period end, and either the deadline falls in the period or the
  case had not been handled when the period began (carried over). 应结案数 uses the same population.
* **处置数 (handled)** — due, and its current fix report (整改反馈) was made before the period end (a rework
  or a reopening cancels the earlier report).
* **按期处置数** — handled, with the fix reported no later than the fix deadline (after approved extensions).
* **结案数 (closed)** — due, closed (verified) before the period end.
* **按期结案数 / 超期结案数** — closed, whose accepted fix report was on time / late (the unit is not charged
  for the office's verification time).
* **返工案件数** — due, reworked at least once. **延期案件数** — due, with at least one approved extension.
* **超期待处置数 (overdue_open)** — due, deadline passed (before the period end and before now) and not handled
  at the period end: still unhandled with the clock running, or handled only after the period end.
* **回访数 / 满意数** — due, with a follow-up satisfaction recorded / recorded as 满意 or 基本满意.

Rates: 处置率 = 处置数 / 应处置数; 按期处置率 = 按期处置数 / 应处置数; 结案率 = 结案数 / 应结案数;
按期结案率 = 按期结案数 / 应结案数; 超期结案率 = 超期结案数 / 应结案数; 返工率 = 返工案件数 / 应结案数;
延期率 = 延期案件数 / 应处置数 (both PER CASE: a case reworked twice counts once; 按次返工率 = 返工次数 / 应结案数 and
按次延期率 = 延期次数 / 应处置数 count every rework / approved extension — the formula names the one it uses); 超期待处置率 = 超期待处置数 / 应处置数; 满意率 = 满意数 / 回访数;
平均处置时长 = mean working hours from the clock start (dispatch, reopening or unparking) to the fix report,
over the handled cases. A rate with a zero denominator is shown as "—" (None), never as 0 or 100 %.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from wenming.cases.choices import SATISFIED_VALUES, UNIT_CLOCK_STATES, CaseState

# --- periods -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    code: str
    start: datetime.datetime
    end: datetime.datetime

    @property
    def label(self) -> str:
        last = (self.end - datetime.timedelta(days=1)).date()
        return f"{self.start.date():%Y-%m-%d} ~ {last:%Y-%m-%d}"


def _tz():
    return ZoneInfo(settings.TIME_ZONE)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=_tz())


def _month_start(year: int, month: int) -> datetime.date:
    return datetime.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


PERIOD_HELP = _("期间格式：2026、2026-Q4、2026-11、2026-W45 或 2026-11-01~2026-11-15")


def parse_period(text: str | None, *, now: datetime.datetime | None = None) -> Period:
    """A Period from its code; empty = the current month. Raises ValidationError with the formats."""
    text = (text or "").strip().upper()
    if not text:
        local = timezone.localtime(now or timezone.now(), _tz())
        text = f"{local.year:04d}-{local.month:02d}"
    try:
        if m := re.fullmatch(r"(\d{4})", text):
            year = int(m[1])
            return Period(
                text, _midnight(datetime.date(year, 1, 1)), _midnight(datetime.date(year + 1, 1, 1))
            )
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            year, q = int(m[1]), int(m[2])
            first = _month_start(year, 3 * q - 2)
            return Period(text, _midnight(first), _midnight(_month_start(year, 3 * q + 1)))
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            year, month = int(m[1]), int(m[2])
            if not 1 <= month <= 12:
                raise ValueError
            code = f"{year:04d}-{month:02d}"
            return Period(
                code, _midnight(datetime.date(year, month, 1)), _midnight(_month_start(year, month + 1))
            )
        if m := re.fullmatch(r"(\d{4})-W(\d{1,2})", text):
            monday = datetime.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            code = f"{int(m[1]):04d}-W{int(m[2]):02d}"
            return Period(code, _midnight(monday), _midnight(monday + datetime.timedelta(days=7)))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*[~,]\s*(\d{4}-\d{2}-\d{2})", text):
            first, last = datetime.date.fromisoformat(m[1]), datetime.date.fromisoformat(m[2])
            if last < first:
                raise ValueError
            return Period(f"{first}~{last}", _midnight(first), _midnight(last + datetime.timedelta(days=1)))
    except ValueError:
        pass
    raise ValidationError(_("无法识别的统计期间“%(p)s”。") % {"p": text} + str(PERIOD_HELP), code="period")


# --- measures ------------------------------------------------------------------------------------------

POPULATION = Q(dispatched_at__isnull=False) & ~Q(
    state__in=[CaseState.MERGED, CaseState.REJECTED, CaseState.PARKED]
)


def q_due(p: Period, now) -> Q:
    carried = Q(fix_reported_at__isnull=True) | Q(fix_reported_at__gte=p.start)
    return POPULATION & Q(fix_deadline__lt=p.end) & (Q(fix_deadline__gte=p.start) | carried)


def q_handled(p: Period, now) -> Q:
    return q_due(p, now) & Q(fix_reported_at__isnull=False, fix_reported_at__lt=p.end)


def q_handled_on_time(p: Period, now) -> Q:
    from django.db.models import F

    return q_handled(p, now) & Q(fix_reported_at__lte=F("fix_deadline"))


def q_closed(p: Period, now) -> Q:
    return q_due(p, now) & Q(state=CaseState.CLOSED, closed_at__lt=p.end)


def q_closed_on_time(p: Period, now) -> Q:
    from django.db.models import F

    return q_closed(p, now) & Q(fix_reported_at__lte=F("fix_deadline"))


def q_closed_late(p: Period, now) -> Q:
    from django.db.models import F

    return q_closed(p, now) & Q(fix_reported_at__gt=F("fix_deadline"))


def q_reworked(p: Period, now) -> Q:
    return q_due(p, now) & Q(reworks__gt=0)


def q_extended(p: Period, now) -> Q:
    return q_due(p, now) & Q(extensions__gt=0)


def q_overdue_open(p: Period, now) -> Q:
    cutoff = min(p.end, now)
    unhandled = Q(fix_reported_at__isnull=True, state__in=UNIT_CLOCK_STATES) | Q(fix_reported_at__gte=p.end)
    return q_due(p, now) & Q(fix_deadline__lt=cutoff) & unhandled


def q_surveyed(p: Period, now) -> Q:
    return q_due(p, now) & ~Q(satisfaction="")


def q_satisfied(p: Period, now) -> Q:
    return q_due(p, now) & Q(satisfaction__in=SATISFIED_VALUES)


def q_dispatched(p: Period, now) -> Q:
    return POPULATION & Q(dispatched_at__gte=p.start, dispatched_at__lt=p.end)


# Coordination (协调): cases at 央属/省属/市属 units, with the coordination clock instead of a fix deadline.
COORDINATION_POPULATION = Q(coordination_deadline__isnull=False) & ~Q(
    state__in=[CaseState.MERGED, CaseState.REJECTED, CaseState.PARKED]
)


def q_coordination_due(p: Period, now) -> Q:
    carried = Q(fix_reported_at__isnull=True) | Q(fix_reported_at__gte=p.start)
    return (
        COORDINATION_POPULATION
        & Q(coordination_deadline__lt=p.end)
        & (Q(coordination_deadline__gte=p.start) | carried)
    )


def q_coordination_done(p: Period, now) -> Q:
    return q_coordination_due(p, now) & Q(fix_reported_at__isnull=False, fix_reported_at__lt=p.end)


def q_coordination_on_time(p: Period, now) -> Q:
    from django.db.models import F

    return q_coordination_done(p, now) & Q(fix_reported_at__lte=F("coordination_deadline"))


@dataclass(frozen=True)
class Count_:
    code: str
    label: str
    definition: str
    q: object  # (Period, now) -> Q
    sum_field: str = ""  # counts events (the sum of this per-case counter) instead of cases


@dataclass(frozen=True)
class Rate:
    code: str
    label: str
    numerator: str
    denominator: str
    definition: str


COUNTS: tuple[Count_, ...] = (
    Count_(
        "due",
        _("应处置数"),
        _("处置时限在本期内，或更早到期且本期开始时仍未处置的已派遣案件（应结案数同口径）"),
        q_due,
    ),
    Count_(
        "handled",
        _("处置数"),
        _("应处置案件中，期末前已整改反馈（返工/重新打开后以最新反馈为准）"),
        q_handled,
    ),
    Count_(
        "handled_on_time",
        _("按期处置数"),
        _("处置数中，整改反馈不晚于处置时限（含批准的延期）"),
        q_handled_on_time,
    ),
    Count_("closed", _("结案数"), _("应结案案件中，期末前已核查结案"), q_closed),
    Count_(
        "closed_on_time", _("按期结案数"), _("结案数中，被采纳的整改反馈不晚于处置时限"), q_closed_on_time
    ),
    Count_("closed_late", _("超期结案数"), _("结案数中，被采纳的整改反馈晚于处置时限"), q_closed_late),
    Count_("reworked", _("返工案件数"), _("应结案案件中，至少返工一次"), q_reworked),
    Count_("extended", _("延期案件数"), _("应处置案件中，至少批准延期一次"), q_extended),
    Count_(
        "rework_events",
        _("返工次数"),
        _("应结案案件截至期末的返工次数之和（一件返工两次计 2）"),
        q_reworked,
        sum_field="reworks",
    ),
    Count_(
        "extension_events",
        _("延期次数"),
        _("应处置案件截至期末批准延期的次数之和（一件延期两次计 2）"),
        q_extended,
        sum_field="extensions",
    ),
    Count_("overdue_open", _("超期待处置数"), _("应处置案件中，已过处置时限且期末仍未处置"), q_overdue_open),
    Count_("surveyed", _("回访数"), _("应处置案件中，已回访并记录满意度"), q_surveyed),
    Count_("satisfied", _("满意数"), _("回访数中，评价为满意或基本满意"), q_satisfied),
    Count_("dispatched", _("本期派遣数"), _("派遣时间在本期内的案件（参考数，不是分母）"), q_dispatched),
    Count_(
        "coordination_due",
        _("协调应办结数"),
        _("央属/省属/市属单位问题中，协调时限在本期内，或更早到期且本期开始时仍未协调完成的"),
        q_coordination_due,
    ),
    Count_(
        "coordination_done",
        _("协调办结数"),
        _("协调应办结案件中，期末前已协调完成（整改反馈）"),
        q_coordination_done,
    ),
    Count_(
        "coordination_on_time",
        _("按期协调办结数"),
        _("协调办结数中，协调完成不晚于协调时限"),
        q_coordination_on_time,
    ),
)
COUNT_BY_CODE = {c.code: c for c in COUNTS}

RATES: tuple[Rate, ...] = (
    Rate("handling_rate", _("处置率"), "handled", "due", _("处置数 ÷ 应处置数")),
    Rate("on_time_handling_rate", _("按期处置率"), "handled_on_time", "due", _("按期处置数 ÷ 应处置数")),
    Rate("closing_rate", _("结案率"), "closed", "due", _("结案数 ÷ 应结案数")),
    Rate("on_time_closing_rate", _("按期结案率"), "closed_on_time", "due", _("按期结案数 ÷ 应结案数")),
    Rate("late_closing_rate", _("超期结案率"), "closed_late", "due", _("超期结案数 ÷ 应结案数")),
    Rate(
        "rework_rate",
        _("返工率"),
        "reworked",
        "due",
        _("返工案件数 ÷ 应结案数（按案件：返工多次的案件计 1）"),
    ),
    Rate(
        "extension_rate",
        _("延期率"),
        "extended",
        "due",
        _("延期案件数 ÷ 应处置数（按案件：延期多次的案件计 1）"),
    ),
    Rate(
        "rework_event_rate",
        _("按次返工率"),
        "rework_events",
        "due",
        _("返工次数 ÷ 应结案数（按次：每次返工都计）"),
    ),
    Rate(
        "extension_event_rate",
        _("按次延期率"),
        "extension_events",
        "due",
        _("延期次数 ÷ 应处置数（按次：每次批准延期都计）"),
    ),
    Rate("overdue_open_rate", _("超期待处置率"), "overdue_open", "due", _("超期待处置数 ÷ 应处置数")),
    Rate("satisfaction_rate", _("满意率"), "satisfied", "surveyed", _("满意数 ÷ 回访数")),
    Rate(
        "coordination_rate",
        _("协调办结率"),
        "coordination_done",
        "coordination_due",
        _("协调办结数 ÷ 协调应办结数（央属/省属/市属单位问题）"),
    ),
    Rate(
        "coordination_on_time_rate",
        _("按期协调办结率"),
        "coordination_on_time",
        "coordination_due",
        _("按期协调办结数 ÷ 协调应办结数"),
    ),
)
AVG_HANDLING = (
    "avg_handling_hours",
    _("平均处置时长（工作小时）"),
    _("处置数中，从计时起点（派遣、重新打开或解除挂账）到整改反馈的工作小时数的平均值"),
)


def kpi_q(code: str, period: Period, now: datetime.datetime | None = None) -> Q:
    """The filter behind a count code (drill-down); ValidationError for an unknown code."""
    count = COUNT_BY_CODE.get(code)
    if count is None:
        raise ValidationError(_("未知的考核指标：%(k)s") % {"k": code}, code="kpi")
    return count.q(period, now or timezone.now())


# --- dimensions and computation ----------------------------------------------------------------------

DIMENSIONS = {
    "unit": ("unit", _("责任单位")),
    "special_group": ("special_group", _("专项组")),
    "street": ("street", _("街道")),
    "category": ("top_category", _("问题大类")),
    "district": (None, _("全区")),
}


@dataclass
class KpiRow:
    key: int | None
    label: str
    counts: dict[str, int]
    rates: dict[str, float | None]
    avg_handling_hours: float | None
    scores: dict[str, float | None] = field(default_factory=dict)
    drill: dict[str, str] = field(default_factory=dict)


def _labels(dimension: str, keys) -> dict:
    from wenming.geo.models import Area
    from wenming.org.models import SpecialGroup, Unit
    from wenming.standards.models import ProblemCategory

    model = {"unit": Unit, "special_group": SpecialGroup, "street": Area, "category": ProblemCategory}[
        dimension
    ]
    return {pk: str(obj) for pk, obj in model.objects.in_bulk([k for k in keys if k is not None]).items()}


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


# --- a period as it stood at its end ----------------------------------------------------------------------

GROUP_FIELDS = ("unit", "special_group", "street", "top_category")


def is_past(period: Period, now: datetime.datetime) -> bool:
    return period.end <= now


def cutoff(period: Period) -> datetime.datetime:
    """The last instant of the period (periods are half-open)."""
    return period.end - datetime.timedelta(microseconds=1)


def _no_index(name: str):
    """The column `<name>_id` as an expression (`+ 0`) rather than a bare column. Grouping a table of cases by
    a bare indexed column makes SQLite walk that index and fetch every row out of order (2–3× slower than a
    scan and a sort at 10⁵ cases, worse beyond); an expression cannot use the index, so the planner scans
    the table once and groups in a temporary B-tree, as the one-statement SQL baseline does. Same values."""
    from django.db.models import ExpressionWrapper, F, IntegerField

    return ExpressionWrapper(F(f"{name}_id") + 0, output_field=IntegerField())


def as_of_sources(period: Period, now: datetime.datetime, queryset=None) -> list:
    """The cases as they stood at the end of `period` (domain.md §8 "Periods").

    For a period that is over, each case's history row as of the period's end (the services stamp every
    history row with the event's time, so a case closed in October and reopened in November is closed in
    October); cases with no history row by then (rows written without the services, e.g. bulk loads) are
    read as they are now. For the current period, the live cases. Every queryset carries `case_id` and the
    CURRENT unit, special group, street and top category as `now_<field>`: a case counts for the unit it
    has now (after an upheld transfer the new unit owns it, in past periods too)."""
    from django.db.models import F, OuterRef, Subquery

    from wenming.cases.models import Case

    cases = queryset if queryset is not None else Case.objects.all()
    live_now = {f"now_{name}": _no_index(name) for name in GROUP_FIELDS}
    if not is_past(period, now):
        return [cases.annotate(case_id=F("pk"), **live_now)]
    until = cutoff(period)
    recorded = Case.history.filter(history_date__lte=until)
    history = (
        recorded.latest_of_each()
        .exclude(history_type="-")
        .filter(id__in=cases.values("pk"))
        .annotate(
            case_id=F("id"),
            **{
                f"now_{name}": Subquery(Case.objects.filter(pk=OuterRef("id")).values(f"{name}_id")[:1])
                for name in GROUP_FIELDS
            },
        )
    )
    unrecorded = cases.exclude(pk__in=recorded.values("id")).annotate(case_id=F("pk"), **live_now)
    return [history, unrecorded]


def case_ids(code: str, period: Period, now: datetime.datetime | None = None, queryset=None) -> list[int]:
    """The cases behind a count as the period stood at its end (the drill-down of a past period)."""
    now = now or timezone.now()
    q = kpi_q(code, period, now)
    ids: list[int] = []
    for source in as_of_sources(period, now, queryset):
        ids += list(source.filter(q).values_list("case_id", flat=True))
    return sorted(set(ids))


def compute(
    dimension: str, period: Period, *, queryset=None, now: datetime.datetime | None = None, formulas=None
) -> list[KpiRow]:
    """Grouped queries: every count, the rates and mean handling time per value of `dimension`, from the
    cases as they stood at the period's end (`as_of_sources`)."""
    from django.db.models import Sum

    from wenming.cases.models import KpiFormula

    if dimension not in DIMENSIONS:
        raise ValidationError(_("未知的统计维度：%(d)s") % {"d": dimension}, code="dimension")
    now = now or timezone.now()
    field_name, _label = DIMENSIONS[dimension]
    group = f"now_{field_name}" if field_name else None
    aggregates = {
        c.code: Sum(c.sum_field, filter=c.q(period, now))
        if c.sum_field
        else Count("pk", filter=c.q(period, now))
        for c in COUNTS
    }
    aggregates["handling_seconds_sum"] = Sum("handling_seconds", filter=q_handled(period, now))
    aggregates["handling_seconds_n"] = Count("handling_seconds", filter=q_handled(period, now))
    merged: dict = {}
    for source in as_of_sources(period, now, queryset):
        base = source.filter(q_due(period, now) | q_dispatched(period, now) | q_coordination_due(period, now))
        if group:
            parts = list(base.order_by().values(group).annotate(**aggregates))
        else:
            parts = [base.aggregate(**aggregates)]
        for part in parts:
            key = part.get(group) if group else None
            into = merged.setdefault(key, {name: 0 for name in aggregates})
            for name in aggregates:
                into[name] += part[name] or 0
    if not field_name and not merged:
        merged[None] = {name: 0 for name in aggregates}
    labels = _labels(dimension, list(merged)) if field_name else {}
    formulas = list(KpiFormula.objects.active()) if formulas is None else formulas
    names = variable_names()  # the labels in the active language, once per table (not once per row)
    drill_prefixes = {c.code: drill_query("district", None, c.code, period) for c in COUNTS}
    rows = []
    for key, g in merged.items():
        counts = {c.code: g[c.code] for c in COUNTS}
        rates = {r.code: _ratio(counts[r.numerator], counts[r.denominator]) for r in RATES}
        n = g["handling_seconds_n"]
        avg = g["handling_seconds_sum"] / n if n else None
        label = labels.get(key, str(_("未指定"))) if field_name else str(_("全区"))
        row = KpiRow(key, label, counts, rates, round(avg / 3600, 2) if avg is not None else None)
        row.scores = {f.name: score(f.expression, row, names) for f in formulas}
        row.drill = _drills(drill_prefixes, dimension, key)
        rows.append(row)
    rows.sort(key=lambda r: (-(r.counts["due"]), r.label))
    return rows


def _drills(prefixes: dict[str, str], dimension: str, key) -> dict[str, str]:
    """`drill_query` for every count of one row, from the per-count prefixes (kpi, period) made once per
    table: the same strings, without urlencoding the same two parameters for every row."""
    if dimension == "district":
        return dict(prefixes)
    param = "top_category" if dimension == "category" else dimension
    tail = "&" + urlencode({param: key if key is not None else "none"})
    return {code: prefix + tail for code, prefix in prefixes.items()}


def drill_query(dimension: str, key, kpi_code: str, period: Period) -> str:
    """The query string that makes `cases:case_list` and the API show exactly the cases behind a figure."""
    params = {"kpi": kpi_code, "period": period.code}
    if dimension != "district":
        # the "category" dimension groups by top category: the list's filter for that is `top_category`
        param = "top_category" if dimension == "category" else dimension
        params[param] = key if key is not None else "none"
    return urlencode(params)


# --- composite formulas ----------------------------------------------------------------------------------


def variable_names() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(code, label) of every rate and every count, the labels translated once (they are lazy strings)."""
    return tuple((r.code, str(r.label)) for r in RATES), tuple((c.code, str(c.label)) for c in COUNTS)


def formula_variables(row: KpiRow, names=None) -> dict[str, float]:
    """Names a formula may use: each rate and count by code and by Chinese label, plus 平均处置时长."""
    rate_names, count_names = names or variable_names()
    variables: dict[str, float] = {}
    for code, label in rate_names:
        value = row.rates[code]
        if value is not None:
            variables[code] = variables[label] = value
    for code, label in count_names:
        variables[code] = variables[label] = float(row.counts[code])
    if row.avg_handling_hours is not None:
        variables[AVG_HANDLING[0]] = variables["平均处置时长"] = row.avg_handling_hours
    return variables


def allowed_names() -> set[str]:
    names = {r.code for r in RATES} | {str(r.label) for r in RATES}
    names |= {c.code for c in COUNTS} | {str(c.label) for c in COUNTS}
    return names | {AVG_HANDLING[0], "平均处置时长"}


def validate_kpi_formula(expression: str) -> None:
    """ValidationError (Chinese) unless the expression parses and uses only KPI names."""
    from wenming.core.formulas import FormulaError, validate_formula

    try:
        validate_formula(expression, allowed_names())
    except FormulaError as exc:
        raise ValidationError({"expression": str(exc.message if hasattr(exc, "message") else exc)})


def score(expression: str, row: KpiRow, names=None) -> float | None:
    """The formula's value for one row; None when a name it uses has no value (zero denominator)."""
    from wenming.core.formulas import FormulaError, evaluate

    try:
        return round(float(evaluate(expression, formula_variables(row, names))), 2)
    except (FormulaError, ZeroDivisionError, ValueError, TypeError):
        return None


TEMPLATE_FORMULAS = (
    (
        "处置综合得分",
        "处置率*30 + 按期处置率*20 + (1-返工率)*20 + (1-超期待处置率)*20 + (1-延期率)*10",
        "处置率×30 + 按期处置率×20 + (1−返工率)×20 + (1−超期待处置率)×20 + (1−延期率)×10（满分 100；返工率、延期率按案件计）",
    ),
    (
        "结案综合得分",
        "((按期结案率 + 0.4*超期结案率)*0.8 + (1-延期率)*0.1 + (1-返工率)*0.1) * 100",
        "(按期结案率 + 0.4×超期结案率)×80% + (1−延期率)×10% + (1−返工率)×10%（换算为百分制；返工率、延期率按案件计）",
    ),
)
