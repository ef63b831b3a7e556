"""The State Council's holiday arrangements as published in the `chinese-calendar` package (国务院放假安排)."""

import datetime

from wenming.core.choices import DayKind

# The package names holidays in English; the calendar stores the official Chinese names (data, not UI text).
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def package_years() -> range:
    """The years the installed chinese-calendar release knows."""
    from chinese_calendar.constants import holidays

    return range(min(holidays).year, max(holidays).year + 1)


def _holiday_name(raw) -> str:
    raw = getattr(raw, "value", raw)
    return str(HOLIDAY_NAMES.get(raw, raw or ""))


def package_days(year: int) -> dict[datetime.date, tuple[str, str]]:
    """Every date of `year` → (kind, name), or {} when the package does not know the year."""
    from chinese_calendar.constants import holidays, workdays

    if year not in package_years():
        return {}
    days: dict[datetime.date, tuple[str, str]] = {}
    day = datetime.date(year, 1, 1)
    while day.year == year:
        if day in holidays:
            days[day] = (DayKind.HOLIDAY.value, _holiday_name(holidays[day]))
        elif day in workdays:
            days[day] = (DayKind.MAKEUP.value, f"{_holiday_name(workdays[day])}调休")
        elif day.weekday() >= 5:
            days[day] = (DayKind.WEEKEND.value, "")
        else:
            days[day] = (DayKind.WORKDAY.value, "")
        day += datetime.timedelta(days=1)
    return days
