"""Provisional holidays from the statutory rules, and the State Council's notice parsed from text or XLSX."""

import datetime
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from wenming.core.calendar_data import package_days, package_years
from wenming.core.choices import DayKind
from wenming.core.holidays import (
    NoticeError,
    parse_notice,
    parse_xlsx,
    provisional_days,
    qingming,
    statutory_holidays,
)

NOTICE_2026 = (Path(__file__).parent / "fixtures" / "notice_2026.txt").read_text(encoding="utf-8")
D = datetime.date


def test_2027_statutory_holidays_match_the_known_lunar_and_solar_term_dates():
    days = statutory_holidays(2027)
    assert [d for d, n in sorted(days.items()) if n == "春节"] == [
        D(2027, 2, 5),
        D(2027, 2, 6),
        D(2027, 2, 7),
        D(2027, 2, 8),
    ]
    assert qingming(2027) == D(2027, 4, 5) and days[D(2027, 4, 5)] == "清明节"
    assert days[D(2027, 6, 9)] == "端午节"
    assert days[D(2027, 9, 15)] == "中秋节"
    assert days[D(2027, 1, 1)] == "元旦"
    assert [d for d, n in days.items() if n == "劳动节"] == [D(2027, 5, 1), D(2027, 5, 2)]
    assert [d for d, n in days.items() if n == "国庆节"] == [D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)]
    assert len(days) == 13


def test_the_rules_agree_with_the_package_on_every_statutory_day_it_knows():
    # Every statutory day the rules derive is a holiday in each year the package knows since the 2025 rules.
    for year in range(2025, package_years().stop):
        known = package_days(year)
        for day, name in statutory_holidays(year).items():
            assert known[day][0] == DayKind.HOLIDAY, (year, day, name)


def test_a_provisional_year_has_only_weekends_and_the_statutory_days_off():
    days = provisional_days(2027)
    assert len(days) == 365
    kinds = [k for k, _n in days.values()]
    assert kinds.count(DayKind.HOLIDAY) == 13
    assert kinds.count(DayKind.MAKEUP) == 0
    # 2027 has 104 Saturdays/Sundays; 4 statutory days fall on one (2-6, 2-7, 5-1, 5-2, 10-2, 10-3 → 6)
    assert kinds.count(DayKind.WEEKEND) == 104 - 6
    assert kinds.count(DayKind.WORKDAY) == 365 - 104 - 13 + 6


def test_the_real_2026_notice_parses_to_exactly_what_the_package_encodes():
    parsed = parse_notice(NOTICE_2026, 2026)
    assert parsed == package_days(2026)
    assert parsed[D(2026, 2, 14)] == (DayKind.MAKEUP, "春节调休")
    assert parsed[D(2026, 2, 23)] == (DayKind.HOLIDAY, "春节")


def test_with_weekend_bridging_wording_the_adjacent_weekend_joins_the_break():
    text = "一、元旦：1月1日（周五）放假，与周末连休。二、春节：2月5日（农历除夕、周五）至13日（农历正月初八、周六）放假调休，共9天。2月20日（周六）上班。"
    days = parse_notice(text, 2027)
    assert [d for d, (k, n) in sorted(days.items()) if n == "元旦"] == [
        D(2027, 1, 1),
        D(2027, 1, 2),
        D(2027, 1, 3),
    ]
    assert days[D(2027, 2, 20)] == (DayKind.MAKEUP, "春节调休")
    assert sum(1 for k, n in days.values() if n == "春节" and k == DayKind.HOLIDAY) == 9


@pytest.mark.parametrize(
    ("text", "year", "message"),
    [
        (NOTICE_2026, 2027, "是星期"),  # pasted under the wrong year: the weekdays disagree
        ("一、元旦：1月1日（周四）至3日（周六）放假调休，共4天。", 2026, "共4天"),
        ("一、春晚：1月1日（周四）放假。", 2026, "无法识别的节日"),
        ("元旦放假一天", 2026, "没有找到"),
        ("一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月5日（周一）上班。", 2026, "不是周末"),
    ],
)
def test_a_notice_that_does_not_add_up_is_refused_with_a_clear_message(text, year, message):
    with pytest.raises(NoticeError, match=message):
        parse_notice(text, year)


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_of_holidays_and_make_up_days_gives_the_same_year_as_the_notice():
    rows = [("日期", "类型", "名称")]
    for day, (kind, name) in sorted(package_days(2026).items()):
        if kind == DayKind.HOLIDAY:
            rows.append((day, "放假", name))
        elif kind == DayKind.MAKEUP:
            rows.append((day.isoformat(), "上班", name))
    assert parse_xlsx(_xlsx(rows), 2026) == parse_notice(NOTICE_2026, 2026)


def test_a_bad_xlsx_row_names_its_row():
    with pytest.raises(NoticeError, match="第 3 行"):
        parse_xlsx(_xlsx([("日期", "类型"), ("2026-01-01", "放假"), ("2026-01-05", "上班")]), 2026)
    with pytest.raises(NoticeError, match="日期"):
        parse_xlsx(_xlsx([("date", "kind")]), 2026)
    with pytest.raises(NoticeError, match="xlsx"):
        parse_xlsx(b"not a workbook", 2026)
