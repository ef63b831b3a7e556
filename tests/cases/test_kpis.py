"""KPIs on a hand-built month: every count, rate and formula checked exactly, and every figure drills down."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.cases.helpers import jpeg, local, new_case
from wenming.cases import kpis, services
from wenming.cases.models import Case, KpiFormula

NOW = local(2025, 11, 15, 12, 0)
OCT = kpis.parse_period("2025-10")
# Follow-up calls made before the month closed: a past period counts what stood at its end (domain.md §8).
SURVEYED = local(2025, 10, 31, 12, 0)


def _d(hours):
    return datetime.timedelta(hours=hours)


@pytest.fixture
def month(world):
    """Cases of the bureau (A–J) and the transport bureau (K) around October 2025; see each comment."""
    w = world
    services.ensure_template_formulas()

    def dispatched(at, unit=None):
        case = new_case(w, at=at - _d(1))
        return services.dispatch(case, actor=w.office, unit=unit or w.bureau, at=at)

    def fix(case, at):
        return services.report_fix(case, actor=w.handler, photos=[jpeg()], at=at)

    def close(case, at):
        return services.verify_fix(case, actor=w.office, passed=True, at=at)

    mon = local(2025, 10, 13, 10, 0)  # deadline Tue 14th 10:00
    cases = {}
    # A: fixed on time, closed, satisfied
    a = close(fix(dispatched(mon), local(2025, 10, 13, 15, 0)), local(2025, 10, 14, 9, 0))
    cases["A"] = services.transition(
        a, "record_satisfaction", actor=w.office, satisfaction="satisfied", at=SURVEYED
    )
    # B: fixed late, closed late, dissatisfied
    b = close(fix(dispatched(mon), local(2025, 10, 15, 10, 0)), local(2025, 10, 15, 11, 0))
    cases["B"] = services.transition(
        b, "record_satisfaction", actor=w.office, satisfaction="dissatisfied", at=SURVEYED
    )
    # C: reworked once, then fixed on time and closed
    c = fix(dispatched(mon), local(2025, 10, 13, 11, 0))
    c = services.verify_fix(
        c, actor=w.office, passed=False, note="未清理干净", photos=[jpeg()], at=local(2025, 10, 13, 14, 0)
    )
    cases["C"] = close(fix(c, local(2025, 10, 14, 9, 0)), local(2025, 10, 14, 9, 30))
    # D: extended to the 20th, fixed on the 17th, not yet verified
    d = dispatched(mon)
    d = services.transition(
        d,
        "request_extension",
        actor=w.handler,
        note="需采购",
        deadline=local(2025, 10, 20, 18, 0),
        at=mon + _d(1),
    )
    d = services.transition(d, "approve_extension", actor=w.office, at=mon + _d(2))
    cases["D"] = fix(d, local(2025, 10, 17, 10, 0))
    # E: nothing done — overdue
    cases["E"] = dispatched(mon)
    # F: due on the 30th, fixed only on 3 November
    f = dispatched(local(2025, 10, 29, 10, 0))
    cases["F"] = close(fix(f, local(2025, 11, 3, 10, 0)), local(2025, 11, 3, 11, 0))
    # G: dispatched on the 31st, due on 3 November — not due in October
    cases["G"] = dispatched(local(2025, 10, 31, 15, 0))
    # H: due in September, still open on 1 October (carried over), fixed late on the 10th
    h = dispatched(local(2025, 9, 22, 10, 0))
    cases["H"] = close(fix(h, local(2025, 10, 10, 10, 0)), local(2025, 10, 10, 11, 0))
    # I: due and fixed in September — not October's
    cases["I"] = close(
        fix(dispatched(local(2025, 9, 22, 10, 0)), local(2025, 9, 23, 9, 0)), local(2025, 9, 23, 9, 30)
    )
    # J: parked — excluded
    cases["J"] = services.transition(
        dispatched(mon),
        "park",
        actor=w.office,
        note="需改造",
        park_until=datetime.date(2025, 12, 31),
        at=mon + _d(1),
    )
    # K: the transport bureau's, overdue
    cases["K"] = dispatched(mon, unit=w.other_unit)
    # L: municipal unit → coordination, never counts; M: rejected
    cases["L"] = services.dispatch(new_case(w, at=mon), actor=w.office, unit=w.city_unit, at=mon)
    cases["M"] = services.reject_case(new_case(w, at=mon), actor=w.office, note="非创城问题", at=mon)
    return cases


def by_key(rows):
    return {row.key: row for row in rows}


def test_unit_counts_rates_and_formulas_are_exact(world, month):
    rows = by_key(kpis.compute("unit", OCT, now=NOW))

    bureau = rows[world.bureau.pk]
    assert bureau.counts == {
        "due": 7,
        "handled": 5,
        "handled_on_time": 3,
        "closed": 4,
        "closed_on_time": 2,
        "closed_late": 2,
        "reworked": 1,
        "extended": 1,
        "rework_events": 1,
        "extension_events": 1,
        "coordination_due": 0,
        "coordination_done": 0,
        "coordination_on_time": 0,
        "overdue_open": 2,
        "surveyed": 2,
        "satisfied": 1,
        "dispatched": 7,
    }
    assert bureau.rates == {
        "handling_rate": 5 / 7,
        "on_time_handling_rate": 3 / 7,
        "closing_rate": 4 / 7,
        "on_time_closing_rate": 2 / 7,
        "late_closing_rate": 2 / 7,
        "rework_rate": 1 / 7,
        "extension_rate": 1 / 7,
        "overdue_open_rate": 2 / 7,
        "satisfaction_rate": 1 / 2,
        "rework_event_rate": 1 / 7,
        "extension_event_rate": 1 / 7,
        "coordination_rate": None,  # L (市供电公司) is the municipal unit's, not the bureau's
        "coordination_on_time_rate": None,
    }
    # (2.5 + 14 + 6 + 28 + 63) working hours over the 5 handled cases
    assert bureau.avg_handling_hours == 22.7
    assert bureau.scores == {"处置综合得分": 70.0, "结案综合得分": 49.14}
    transport = rows[world.other_unit.pk]
    assert (
        transport.counts["due"],
        transport.counts["overdue_open"],
        transport.rates["satisfaction_rate"],
    ) == (1, 1, None)
    assert set(rows) == {world.bureau.pk, world.other_unit.pk}


@pytest.mark.parametrize(
    ("kpi", "letters"),
    [
        ("due", "ABCDEFH"),
        ("handled", "ABCDH"),
        ("handled_on_time", "ACD"),
        ("closed", "ABCH"),
        ("closed_on_time", "AC"),
        ("closed_late", "BH"),
        ("reworked", "C"),
        ("extended", "D"),
        ("overdue_open", "EF"),
        ("surveyed", "AB"),
        ("satisfied", "A"),
        ("dispatched", "ABCDEFG"),
    ],
)
def test_every_count_drills_down_to_exactly_its_cases(world, month, kpi, letters):
    drilled = Case.objects.filter(unit=world.bureau).filter(kpis.kpi_q(kpi, OCT, NOW))

    assert sorted(drilled.values_list("pk", flat=True)) == sorted(month[x].pk for x in letters)


def test_the_drill_query_string_feeds_the_case_list_filter(world, month):
    from wenming.cases.filtersets import CaseFilterSet

    row = by_key(kpis.compute("unit", OCT, now=NOW))[world.bureau.pk]
    assert row.drill["overdue_open"] == f"kpi=overdue_open&period=2025-10&unit={world.bureau.pk}"

    from django.http import QueryDict

    filterset = CaseFilterSet(QueryDict(row.drill["overdue_open"]), queryset=Case.objects.all())
    assert filterset.is_valid()
    # E is overdue now too; F was overdue at the end of October (fixed in November)
    assert sorted(filterset.qs.values_list("pk", flat=True)) == sorted([month["E"].pk, month["F"].pk])


def test_other_dimensions_group_the_same_cases(world, month):
    district = kpis.compute("district", OCT, now=NOW)
    street = by_key(kpis.compute("street", OCT, now=NOW))
    group = by_key(kpis.compute("special_group", OCT, now=NOW))
    category = by_key(kpis.compute("category", OCT, now=NOW))

    assert [(r.key, r.label, r.counts["due"], r.counts["overdue_open"]) for r in district] == [
        (None, "全区", 8, 3)
    ]
    assert street[world.street.pk].counts["due"] == 8
    assert group[world.group.pk].counts["due"] == 8
    assert category[world.top.pk].counts["handled"] == 5
    assert district[0].drill["due"] == "kpi=due&period=2025-10"


def test_a_zero_denominator_is_no_value_not_zero(world):
    from wenming.cases.kpis import KpiRow

    empty = KpiRow(None, "x", {c.code: 0 for c in kpis.COUNTS}, {}, None)
    empty.rates = {r.code: None for r in kpis.RATES}

    assert kpis.score("处置率*100", empty) is None
    assert kpis.compute("unit", OCT, now=NOW) == []


def test_the_current_period_counts_only_deadlines_already_passed_as_overdue(world, month):
    # on 13 October at 12:00 the bureau's Monday cases are due (deadline 14th) but not overdue yet
    rows = by_key(kpis.compute("unit", OCT, now=local(2025, 10, 13, 12, 0)))
    assert rows[world.bureau.pk].counts["overdue_open"] == 0


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2025", local(2025, 1, 1, 0, 0), local(2026, 1, 1, 0, 0)),
        ("2025-q4", local(2025, 10, 1, 0, 0), local(2026, 1, 1, 0, 0)),
        ("2025-12", local(2025, 12, 1, 0, 0), local(2026, 1, 1, 0, 0)),
        ("2025-W40", local(2025, 9, 29, 0, 0), local(2025, 10, 6, 0, 0)),
        ("2025-10-01~2025-10-15", local(2025, 10, 1, 0, 0), local(2025, 10, 16, 0, 0)),
    ],
)
def test_periods(text, start, end):
    period = kpis.parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2025-13", "last month", "2025-10-15~2025-10-01", "2025-Q5"])
def test_bad_periods_are_refused_with_the_formats(text):
    with pytest.raises(ValidationError, match="期间格式：2026、2026-Q4、2026-11"):
        kpis.parse_period(text)


def test_an_empty_period_is_the_current_month():
    assert kpis.parse_period("", now=local(2026, 3, 5, 1, 0)).code == "2026-03"


def test_formulas_are_validated_against_the_kpi_names(world):
    KpiFormula(name="好公式", expression="处置率 * 50 + on_time_handling_rate * 50").full_clean()
    with pytest.raises(ValidationError) as refused:
        KpiFormula(name="坏公式", expression="处置率 * 未知指标").full_clean()
    assert "expression" in refused.value.message_dict
    with pytest.raises(ValidationError):
        KpiFormula(name="危险", expression="__import__('os')").full_clean()


def test_template_formulas_are_shipped(db):
    assert list(KpiFormula.objects.values_list("name", flat=True)) == ["处置综合得分", "结案综合得分"]


def test_rework_and_extension_rates_per_case_and_per_event(month, world):
    """A new case of the bureau reworked twice in October: per case it counts once (with C: 2 of 8 due), per
    event twice (with C: 3 of 8) — docs/domain-rules.md, 返工率 / 按次返工率."""
    w = world
    case = services.dispatch(new_case(w, at=local(2025, 10, 20, 9, 0)), actor=w.office, unit=w.bureau,
                             at=local(2025, 10, 20, 10, 0))  # fmt: skip
    for hour in (11, 13):
        case = services.report_fix(case, actor=w.handler, photos=[jpeg()], at=local(2025, 10, 20, hour, 0))
        case = services.verify_fix(case, actor=w.office, passed=False, note="未整改到位", photos=[jpeg()],
                                   at=local(2025, 10, 20, hour + 1, 0))  # fmt: skip
    bureau = by_key(kpis.compute("unit", OCT, now=NOW))[w.bureau.pk]
    assert (bureau.counts["due"], bureau.counts["reworked"], bureau.counts["rework_events"]) == (8, 2, 3)
    assert bureau.rates["rework_rate"] == 2 / 8
    assert bureau.rates["rework_event_rate"] == 3 / 8
    ids = kpis.case_ids("rework_events", OCT, NOW)
    assert Case.objects.get(pk=case.pk).pk in ids and month["C"].pk in ids
