"""A year's holidays when the package does not know it: statutory rules, the State Council's notice, XLSX.

* `provisional_days(year)`: the statutory holidays of 全国年节及纪念日放假办法 (as amended in 2024) with lunar
  dates and the 清明 solar term computed by `lunar-python` — 元旦 1 Jan; 春节 除夕 and 正月初一–初三; 清明 the
  solar term's day; 劳动节 1–2 May; 端午 五月初五; 中秋 八月十五; 国庆 1–3 Oct. No bridging days and no make-up
  working weekends (调休): only the notice knows those. Every other Saturday/Sunday is a weekend.
* `parse_notice(text, year)`: the standard wording of the notice ("二、春节：2月15日（农历腊月二十八、周日）至
  23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。"); every weekday in
  brackets and every "共N天" is checked, so a notice pasted under the wrong year is refused.
* `parse_xlsx(data, year)`: a sheet with the columns 日期 and 类型 (放假/法定节假日 or 上班/调休上班) and an
  optional 名称.

Each returns {date: (kind, name)} for every date of the year, the shape of `calendar_data.package_days`.
Errors are `NoticeError` with a Chinese message naming the section or row.
"""

from __future__ import annotations

import datetime
import io
import re

from django.utils.translation import gettext as _

from wenming.core.choices import DayKind

FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
_WEEKDAYS = "一二三四五六日"
_ONE_DAY = datetime.timedelta(days=1)


class NoticeError(ValueError):
    """A notice or sheet that cannot be read; the message says where and why (Chinese)."""


def _lunar_to_solar(year: int, month: int, day: int) -> datetime.date:
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, month, day).getSolar()
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


def qingming(year: int) -> datetime.date:
    """The day (Beijing time) of the 清明 solar term in `year`."""
    from lunar_python import Solar

    table = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()
    solar = table["清明"]
    return datetime.date(solar.getYear(), solar.getMonth(), solar.getDay())


def statutory_holidays(year: int) -> dict[datetime.date, str]:
    """The statutory days off of `year` (13 days), each with its festival's name."""
    days: dict[datetime.date, str] = {datetime.date(year, 1, 1): "元旦"}
    new_year = _lunar_to_solar(year, 1, 1)  # 正月初一
    for offset in range(-1, 3):  # 除夕 … 初三
        days[new_year + offset * _ONE_DAY] = "春节"
    days[qingming(year)] = "清明节"
    days[datetime.date(year, 5, 1)] = "劳动节"
    days[datetime.date(year, 5, 2)] = "劳动节"
    days[_lunar_to_solar(year, 5, 5)] = "端午节"
    days[_lunar_to_solar(year, 8, 15)] = "中秋节"
    for d in (1, 2, 3):
        days.setdefault(datetime.date(year, 10, d), "国庆节")
    return {d: n for d, n in days.items() if d.year == year}


def _full_year(year: int, holidays: dict, makeups: dict) -> dict[datetime.date, tuple[str, str]]:
    out: dict[datetime.date, tuple[str, str]] = {}
    day = datetime.date(year, 1, 1)
    while day.year == year:
        if day in holidays:
            out[day] = (DayKind.HOLIDAY.value, holidays[day])
        elif day in makeups:
            out[day] = (DayKind.MAKEUP.value, f"{makeups[day]}调休")
        elif day.weekday() >= 5:
            out[day] = (DayKind.WEEKEND.value, "")
        else:
            out[day] = (DayKind.WORKDAY.value, "")
        day += _ONE_DAY
    return out


def provisional_days(year: int) -> dict[datetime.date, tuple[str, str]]:
    """Every date of `year` → (kind, name) from the statutory rules alone (暂定，待国务院通知)."""
    return _full_year(year, statutory_holidays(year), {})


# --- the notice ---------------------------------------------------------------------------------------------

_SECTION = re.compile(r"(?:^|[\s。；;])[一二三四五六七八九十]+、\s*([^：:\s]{1,20})[：:]")
_DATE = re.compile(
    r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日\s*(?:[（(](?P<note>[^）)]*)[）)])?"
)
_HOLIDAY = re.compile(
    r"(?P<a>(?:\d{4}年)?\d{1,2}月\d{1,2}日\s*(?:[（(][^）)]*[）)])?)"
    r"(?:\s*至\s*(?P<b>(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日\s*(?:[（(][^）)]*[）)])?))?"
    r"\s*放假(?P<rest>[^。；;]*)"
)
_TOTAL = re.compile(r"共\s*(\d+)\s*天")
_MAKEUP = re.compile(r"([^。；;]*?)上班")
_WEEKDAY_IN_NOTE = re.compile(r"(?:周|星期)([一二三四五六日天])")


def _date(match: re.Match, year: int, month: int | None, label: str) -> datetime.date:
    y = int(match["y"]) if match["y"] else year
    m = int(match["m"]) if match["m"] else month
    if m is None:
        raise NoticeError(_("%(label)s：日期缺少月份。") % {"label": label})
    try:
        day = datetime.date(y, m, int(match["d"]))
    except ValueError:
        raise NoticeError(
            _("%(label)s：%(m)s月%(d)s日不是有效日期。") % {"label": label, "m": m, "d": match["d"]}
        )
    weekday = _WEEKDAY_IN_NOTE.search(match["note"] or "")
    if weekday:
        expected = _WEEKDAYS.index(weekday[1].replace("天", "日"))
        if day.weekday() != expected:
            raise NoticeError(
                _("%(label)s：%(date)s 是星期%(real)s，通知写的是周%(said)s，请检查年份或日期。")
                % {
                    "label": label,
                    "date": day.isoformat(),
                    "real": _WEEKDAYS[day.weekday()],
                    "said": weekday[1],
                }
            )
    return day


def _festival(raw: str) -> str:
    for name in raw.replace("，", "、").split("、"):
        name = name.strip()
        if name in FESTIVALS:
            return name
        if name + "节" in FESTIVALS:
            return name + "节"
    raise NoticeError(
        _("无法识别的节日“%(name)s”（应为元旦、春节、清明节、劳动节、端午节、中秋节或国庆节）。")
        % {"name": raw}
    )


def parse_notice(text: str, year: int) -> dict[datetime.date, tuple[str, str]]:
    """The year's days from the pasted notice; raises NoticeError on anything it cannot account for."""
    text = (text or "").replace("\u3000", " ")
    sections = list(_SECTION.finditer(text))
    if not sections:
        raise NoticeError(_("没有找到“一、元旦：……放假”这样的条目，请粘贴国务院办公厅通知的正文。"))
    holidays: dict[datetime.date, str] = {}
    makeups: dict[datetime.date, str] = {}
    for index, section in enumerate(sections):
        name = _festival(section[1])
        body = text[section.end() : sections[index + 1].start() if index + 1 < len(sections) else len(text)]
        found = _HOLIDAY.search(body)
        if not found:
            raise NoticeError(_("%(name)s：没有找到放假日期。") % {"name": name})
        first_match = _DATE.search(found["a"])
        first = _date(first_match, year, None, name)
        last = first
        if found["b"]:
            last = _date(_DATE.search(found["b"]), first.year, first.month, name)
        if last < first:
            raise NoticeError(_("%(name)s：放假结束日期早于开始日期。") % {"name": name})
        day = first
        while day <= last:
            holidays[day] = name
            day += _ONE_DAY
        if "与周末连休" in found["rest"]:  # the adjacent weekend belongs to the break
            for step in (-1, 1):
                day = (first if step < 0 else last) + step * _ONE_DAY
                while day.weekday() >= 5 and day not in holidays:
                    holidays[day] = name
                    day += step * _ONE_DAY
        total = _TOTAL.search(found["rest"])
        span = (last - first).days + 1
        if total and int(total[1]) != span:
            raise NoticeError(
                _("%(name)s：通知写共%(total)s天，但%(a)s至%(b)s是%(span)s天。")
                % {
                    "name": name,
                    "total": total[1],
                    "a": first.isoformat(),
                    "b": last.isoformat(),
                    "span": span,
                }
            )
        after = body[found.end() :]
        for sentence in _MAKEUP.finditer(after):
            month = None
            for date_match in _DATE.finditer(sentence[1]):
                day = _date(date_match, year, month, name)
                month = day.month
                if day.weekday() < 5:
                    raise NoticeError(
                        _("%(name)s：调休上班日 %(date)s 不是周末。")
                        % {"name": name, "date": day.isoformat()}
                    )
                makeups[day] = name
    clash = sorted(set(holidays) & set(makeups))
    if clash:
        raise NoticeError(_("%(date)s 既是放假日又是上班日。") % {"date": clash[0].isoformat()})
    in_year = {d: n for d, n in holidays.items() if d.year == year}
    if not in_year:
        raise NoticeError(_("通知里没有 %(year)s 年的放假日期。") % {"year": year})
    return _full_year(year, in_year, {d: n for d, n in makeups.items() if d.year == year})


# --- XLSX -----------------------------------------------------------------------------------------------

_HOLIDAY_WORDS = {"放假", "休", "休息", "节假日", "法定节假日", "holiday"}
_MAKEUP_WORDS = {"上班", "班", "调休上班", "补班", "makeup"}


def parse_xlsx(data: bytes, year: int) -> dict[datetime.date, tuple[str, str]]:
    """A sheet of holidays and make-up days (columns 日期, 类型, optional 名称); other dates follow the weekday."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # noqa: BLE001 - any unreadable upload is the same error to the user
        raise NoticeError(_("无法读取该文件，请上传 .xlsx 格式的表格。"))
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        raise NoticeError(_("表格是空的。"))
    header = [str(c or "").strip() for c in rows[0]]
    try:
        date_col, kind_col = header.index("日期"), header.index("类型")
    except ValueError:
        raise NoticeError(_("第 1 行需要“日期”和“类型”两列（可另加“名称”列）。"))
    name_col = header.index("名称") if "名称" in header else None
    holidays: dict[datetime.date, str] = {}
    makeups: dict[datetime.date, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not row or all(c in (None, "") for c in row):
            continue
        raw_date = row[date_col] if date_col < len(row) else None
        if isinstance(raw_date, datetime.datetime):
            day = raw_date.date()
        elif isinstance(raw_date, datetime.date):
            day = raw_date
        else:
            try:
                day = datetime.date.fromisoformat(str(raw_date).strip().replace("/", "-"))
            except ValueError:
                raise NoticeError(
                    _("第 %(row)s 行：日期“%(value)s”无法识别（应为 2027-01-01）。")
                    % {"row": number, "value": raw_date}
                )
        if day.year != year:
            raise NoticeError(
                _("第 %(row)s 行：%(date)s 不在 %(year)s 年。")
                % {"row": number, "date": day.isoformat(), "year": year}
            )
        kind = str(row[kind_col] if kind_col < len(row) and row[kind_col] is not None else "").strip()
        name = str(row[name_col] or "").strip() if name_col is not None and name_col < len(row) else ""
        name = name.removesuffix("调休")[:30]
        if kind in _HOLIDAY_WORDS:
            holidays[day] = name
        elif kind in _MAKEUP_WORDS:
            if day.weekday() < 5:
                raise NoticeError(
                    _("第 %(row)s 行：调休上班日 %(date)s 不是周末。")
                    % {"row": number, "date": day.isoformat()}
                )
            makeups[day] = name
        else:
            raise NoticeError(
                _("第 %(row)s 行：类型“%(kind)s”应为“放假”或“上班”。") % {"row": number, "kind": kind}
            )
    if not holidays:
        raise NoticeError(_("表格里没有放假日期。"))
    return _full_year(year, holidays, makeups)
