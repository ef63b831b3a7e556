"""The time window a bulletin or an appraisal covers, its Chinese label and the window before it.

Period codes are those of `wenming.cases.kpis.parse_period` (2026, 2026-Q2, 2026-05, 2026-W18,
2026-05-01~2026-05-31); an inspection bulletin covers its round's dates.
"""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from wenming.cases import kpis


@dataclass(frozen=True)
class Window:
    """[start, end) in aware local datetimes, with the local dates (both included) and the code."""

    code: str
    start: datetime.datetime
    end: datetime.datetime

    @property
    def first_day(self) -> datetime.date:
        return self.start.date()

    @property
    def last_day(self) -> datetime.date:
        return (self.end - datetime.timedelta(days=1)).date()

    @property
    def kpi_period(self) -> kpis.Period:
        return kpis.Period(self.code, self.start, self.end)

    @property
    def label(self) -> str:
        return date_range_label(self.first_day, self.last_day)


def cn_date(day: datetime.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def date_range_label(first: datetime.date, last: datetime.date) -> str:
    if first == last:
        return cn_date(first)
    return _("%(a)s至%(b)s") % {"a": cn_date(first), "b": cn_date(last)}


def window_of(code: str) -> Window:
    """The window of a period code; ValidationError (Chinese, with the formats) when it cannot be read."""
    period = kpis.parse_period(code)
    return Window(period.code, period.start, period.end)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def window_of_dates(first: datetime.date, last: datetime.date, code: str = "") -> Window:
    code = code or f"{first}~{last}"
    return Window(code, local_midnight(first), local_midnight(last + datetime.timedelta(days=1)))


def previous_window(window: Window) -> Window:
    """The comparable window just before: the previous week, month, quarter or year; for a date range the
    range of the same length ending the day before."""
    code = window.code
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", code):
        monday = datetime.date.fromisocalendar(int(m[1]), int(m[2]), 1) - datetime.timedelta(days=7)
        y, w, _d = monday.isocalendar()
        return window_of(f"{y:04d}-W{w:02d}")
    if m := re.fullmatch(r"(\d{4})-(\d{2})", code):
        y, mo = int(m[1]), int(m[2])
        y, mo = (y - 1, 12) if mo == 1 else (y, mo - 1)
        return window_of(f"{y:04d}-{mo:02d}")
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", code):
        y, q = int(m[1]), int(m[2])
        y, q = (y - 1, 4) if q == 1 else (y, q - 1)
        return window_of(f"{y:04d}-Q{q}")
    if re.fullmatch(r"\d{4}", code):
        return window_of(str(int(code) - 1))
    days = (window.last_day - window.first_day).days + 1
    last = window.first_day - datetime.timedelta(days=1)
    return window_of_dates(last - datetime.timedelta(days=days - 1), last)


def period_title(code: str) -> str:
    """ "2026年第18周", "2026年5月", "2026年第2季度", "2026年" or the date range."""
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", code):
        return _("%(y)s年第%(w)d周") % {"y": m[1], "w": int(m[2])}
    if m := re.fullmatch(r"(\d{4})-(\d{2})", code):
        return _("%(y)s年%(m)d月") % {"y": m[1], "m": int(m[2])}
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", code):
        return _("%(y)s年第%(q)s季度") % {"y": m[1], "q": m[2]}
    if re.fullmatch(r"\d{4}", code):
        return _("%(y)s年") % {"y": code}
    return window_of(code).label


def default_code(kind: str, today: datetime.date) -> str:
    """The period a new periodic bulletin most likely reports: the last complete week, month or quarter."""
    if kind == "weekly":
        monday = today - datetime.timedelta(days=today.weekday() + 7)
        y, w, _d = monday.isocalendar()
        return f"{y:04d}-W{w:02d}"
    if kind == "quarterly":
        q = (today.month - 1) // 3 + 1
        y, q = (today.year - 1, 4) if q == 1 else (today.year, q - 1)
        return f"{y:04d}-Q{q}"
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"
