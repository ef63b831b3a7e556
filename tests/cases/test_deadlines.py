"""Deadlines in working time (core.workcal with the 2025 calendar: Sunday 2025-09-28 is a make-up working day)."""

from tests.cases.helpers import case_in, jpeg, local, new_case
from tests.factories import make_category
from wenming.cases import deadlines, services


def test_one_working_day_from_friday_morning_is_the_make_up_sunday(world):
    case = services.dispatch(
        new_case(world), actor=world.office, unit=world.bureau, at=local(2025, 9, 26, 10, 0)
    )

    assert case.fix_deadline == local(2025, 9, 28, 10, 0)
    assert case.clock_started_at == local(2025, 9, 26, 10, 0)


def test_working_hours_skip_lunch_nights_and_the_weekend(world):
    case = new_case(world, category=world.hours_leaf, at=local(2025, 9, 26, 16, 0))

    case = services.dispatch(case, actor=world.office, unit=world.bureau, at=local(2025, 9, 26, 16, 0))

    # 16:00–18:00 on Friday (2 h), Saturday is off, Sunday 08:30 + 3 h
    assert case.fix_deadline == local(2025, 9, 28, 11, 30)


def test_dispatch_deadline_is_one_working_hour_after_the_report(world, settings):
    assert new_case(world, at=local(2025, 9, 26, 17, 30)).dispatch_deadline == local(2025, 9, 28, 9, 0)
    settings.CASE_DISPATCH_HOURS = 2
    assert new_case(world, at=local(2025, 9, 26, 11, 0)).dispatch_deadline == local(2025, 9, 26, 15, 30)


def test_national_day_holidays_are_skipped(world):
    case = services.dispatch(
        new_case(world), actor=world.office, unit=world.bureau, at=local(2025, 9, 30, 10, 0)
    )

    assert case.fix_deadline == local(2025, 10, 9, 10, 0)


def test_handling_time_counts_working_seconds_from_dispatch_to_the_fix_report(world):
    case = services.dispatch(
        new_case(world), actor=world.office, unit=world.bureau, at=local(2025, 9, 26, 10, 0)
    )

    case = services.report_fix(case, actor=world.handler, photos=[jpeg()], at=local(2025, 9, 26, 15, 0))

    assert case.handling_seconds == (2 * 3600) + (30 * 60)  # 10:00–12:00 and 14:30–15:00


def test_an_approved_extension_sets_the_new_deadline(world):
    case = case_in(world, "fixing")
    case = services.transition(
        case,
        "request_extension",
        actor=world.handler,
        note="材料未到",
        deadline=local(2025, 10, 10, 18, 0),
        at=local(2025, 9, 27, 9, 0),
    )

    case = services.transition(
        case,
        "approve_extension",
        actor=world.office,
        deadline=local(2025, 10, 9, 18, 0),
        at=local(2025, 9, 28, 9, 0),
    )

    assert case.fix_deadline == local(2025, 10, 9, 18, 0)  # the office may approve a shorter date
    assert case.clock_started_at == local(2025, 9, 26, 11, 0)  # handling time still counts from dispatch
    assert case.cycle_started_at == local(2025, 9, 28, 9, 0)


def test_a_category_without_a_deadline_uses_its_parent_then_the_default(world, settings):
    settings.CASE_DEFAULT_FIX_DAYS = 3
    parent = make_category(name="无时限大类")
    child = make_category(parent=parent, name="无时限小类", deadline_value=None, deadline_unit="")

    assert deadlines.category_deadline(child) == (3.0, "days")
    parent.deadline_value, parent.deadline_unit = 4, "hours"
    assert deadlines.category_deadline(child) == (4, "hours")
    assert deadlines.deadline_label(world.hours_leaf) == "5 工作小时"
