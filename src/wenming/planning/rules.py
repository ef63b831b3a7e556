"""Visit rules and travel settings: time windows per point type, service minutes, coverage, speeds.

Windows are editable data (`VisitRule` per point type, in the admin); when a point type has no rule the
defaults below apply. Travel speeds and detour factors per mode come from `settings.PLANNING_TRAVEL`
(defaults below); a plan stores the speed and factor it was computed with.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# Defaults by point-type code (the shipped standard's codes): bus stops at the morning peak, markets in the
# morning, intersections at the rush hours. Other types: any time, 10 minutes, no coverage interval.
DEFAULT_RULES: dict[str, dict] = {
    "BUS_STOP": {"service_minutes": 8, "windows": [["07:00", "09:00"]], "coverage_days": 14},
    "MARKET": {"service_minutes": 20, "windows": [["06:30", "11:00"]], "coverage_days": 7},
    "INTERSECTION": {
        "service_minutes": 15,
        "windows": [["07:00", "09:00"], ["17:00", "19:00"]],
        "coverage_days": 14,
    },
    "SCHOOL": {
        "service_minutes": 12,
        "windows": [["07:00", "08:30"], ["16:00", "17:30"]],
        "coverage_days": 14,
    },
}
DEFAULT_SERVICE_MINUTES = 10

DEFAULT_TRAVEL = {
    "walk": {"speed_kmh": 4.5, "detour_factor": 1.3},
    "ebike": {"speed_kmh": 15.0, "detour_factor": 1.35},
    "car": {"speed_kmh": 25.0, "detour_factor": 1.4},
}


class WindowError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    service_minutes: int
    windows: tuple[tuple[int, int], ...]
    coverage_days: int | None


def _minutes(text) -> int:
    try:
        hours, minutes = str(text).strip().split(":")
        value = int(hours) * 60 + int(minutes)
    except (ValueError, AttributeError):
        raise WindowError(_("时间格式应为 HH:MM：%(t)s") % {"t": text})
    if not 0 <= value <= 24 * 60 or not 0 <= int(minutes) < 60:
        raise WindowError(_("时间超出范围：%(t)s") % {"t": text})
    return value


def parse_windows(data) -> tuple[tuple[int, int], ...]:
    """[["07:00", "09:00"], …] → ((420, 540), …), sorted; refuse malformed, empty or overlapping windows."""
    if data in (None, ""):
        return ()
    if not isinstance(data, list):
        raise WindowError(_("巡查时段应为时段列表。"))
    out = []
    for pair in data:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise WindowError(_("每个巡查时段应为 [开始, 结束]。"))
        start, end = _minutes(pair[0]), _minutes(pair[1])
        if end <= start:
            raise WindowError(
                _("巡查时段的结束时间应晚于开始时间：%(a)s–%(b)s") % {"a": pair[0], "b": pair[1]}
            )
        out.append((start, end))
    out.sort()
    for (_a, b), (c, _d) in zip(out, out[1:], strict=False):
        if c <= b:
            raise WindowError(_("巡查时段不能重叠。"))
    return tuple(out)


def rules_by_type() -> dict[str, Rule]:
    """The rule of every point type code: its VisitRule row, else the default above, else any time."""
    from wenming.planning.models import VisitRule
    from wenming.standards.models import PointType

    out = {}
    for code in PointType.objects.values_list("code", flat=True):
        default = DEFAULT_RULES.get(code, {})
        out[code] = Rule(
            default.get("service_minutes", DEFAULT_SERVICE_MINUTES),
            parse_windows(default.get("windows")),
            default.get("coverage_days"),
        )
    for rule in VisitRule.objects.select_related("point_type"):
        out[rule.point_type.code] = Rule(
            rule.service_minutes, parse_windows(rule.windows), rule.coverage_days
        )
    return out


def travel_defaults(mode: str) -> dict:
    configured = getattr(settings, "PLANNING_TRAVEL", {}) or {}
    return {**DEFAULT_TRAVEL.get(mode, DEFAULT_TRAVEL["walk"]), **configured.get(mode, {})}


def minutes_of(value: datetime.time) -> int:
    return value.hour * 60 + value.minute


def time_of(minutes: int) -> datetime.time:
    minutes = max(0, min(int(minutes), 24 * 60 - 1))
    return datetime.time(minutes // 60, minutes % 60)
