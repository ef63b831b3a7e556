"""Writes of the planning app: compute a day plan, publish it as an inspection round, skip a stop.

Every function is `verb_noun(*, actor, …)`, runs in one transaction and returns what it changed. Refusals
raise `PlanningError` (a ValidationError with a Chinese message), `PermissionDenied` or `NotFound` (outside
the actor's scope: 404), and write nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.roles import is_inspector, is_office
from wenming.planning import risk, rules, solver
from wenming.planning.choices import PlanState, StopState, TravelMode
from wenming.planning.models import DayPlan, Route, Stop, VisitRule


class PlanningError(ValidationError):
    """A refused planning write; the message is shown as is."""


class NotFound(ObjectDoesNotExist):
    """Outside the actor's scope: shown as 404."""


@dataclass
class TeamSpec:
    """One team of the day: its members (one or two inspectors), start and end place, working hours."""

    members: Sequence
    start: tuple[float, float]
    end: tuple[float, float] | None = None
    shift_start: datetime.time = datetime.time(8, 30)
    shift_end: datetime.time = datetime.time(17, 30)
    extra: dict = field(default_factory=dict)


def _require_office(actor) -> None:
    if not is_office(actor):
        raise PermissionDenied(_("只有文明办可以编排巡查计划。"))


def _last_visits(point_ids, before: datetime.datetime) -> dict[int, datetime.datetime]:
    from django.db.models import Max

    from wenming.inspections.models import Inspection

    rows = (
        Inspection.objects.filter(point_id__in=point_ids, submitted_at__lt=before)
        .values("point_id")
        .annotate(last=Max("submitted_at"))
    )
    return {row["point_id"]: row["last"] for row in rows}


def build_sites(
    *, date: datetime.date, area=None, risks: dict | None = None
) -> tuple[list[solver.Site], dict[int, risk.PointRisk]]:
    """The candidate sites of a day: active points, their risk (`risk.point_risk`), rules and coverage.

    A point is due when its type has a coverage interval of N days and it was last inspected N or more days
    before `date` (or never)."""
    from wenming.geo.models import Point

    points = Point.objects.active()
    if area is not None:
        points = points.in_area(area)
    rows = list(points.values_list("pk", "lat", "lon", "point_type__code"))
    ids = [r[0] for r in rows]
    if risks is None:
        risks = risk.point_risk(as_of=date, point_ids=ids)
    by_type = rules.rules_by_type()
    start_of_day = timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))
    last = _last_visits(ids, start_of_day)
    sites = []
    for pk, lat, lon, type_code in rows:
        rule = by_type.get(type_code) or rules.Rule(rules.DEFAULT_SERVICE_MINUTES, (), None)
        due = False
        if rule.coverage_days:
            seen = last.get(pk)
            due = seen is None or (date - timezone.localdate(seen)).days >= rule.coverage_days
        r = risks.get(pk)
        value = r.expected_marks_lost if r else 0.0
        sites.append(solver.Site(pk, lat, lon, value, rule.service_minutes, rule.windows, due))
    return sites, risks


def _teams(specs: Sequence[TeamSpec]) -> list[solver.Team]:
    from wenming.accounts.models import User

    if not specs:
        raise PlanningError(_("请至少安排一个巡查小组。"))
    seen: set[int] = set()
    out = []
    for k, spec in enumerate(specs, start=1):
        members = list(spec.members)
        if not 1 <= len(members) <= 2:
            raise PlanningError(_("每个小组应有一至两名测评员。"))
        for user in members:
            if not isinstance(user, User) or not is_inspector(user):
                raise PlanningError(_("小组成员必须是测评员：%(u)s") % {"u": user})
            if user.pk in seen:
                raise PlanningError(_("测评员不能同时在两个小组：%(u)s") % {"u": user})
            seen.add(user.pk)
        if spec.shift_end <= spec.shift_start:
            raise PlanningError(_("下班时间应晚于上班时间。"))
        for lat, lon in filter(None, (spec.start, spec.end)):
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise PlanningError(_("出发或结束位置无效。"))
        out.append(
            solver.Team(
                k,
                tuple(spec.start),
                tuple(spec.end or spec.start),
                rules.minutes_of(spec.shift_start),
                rules.minutes_of(spec.shift_end),
            )
        )
    return out


def create_plan(
    *,
    actor,
    date: datetime.date,
    teams: Sequence[TeamSpec],
    standard_set=None,
    area=None,
    name: str = "",
    travel_mode: str = TravelMode.WALK,
    speed_kmh: float | None = None,
    detour_factor: float | None = None,
    risks: dict | None = None,
    time_limit_s: float | None = None,
) -> DayPlan:
    """Compute a day plan (draft): choose each team's points by expected marks at risk, order them."""
    from wenming.standards.models import StandardSet

    _require_office(actor)
    if travel_mode not in TravelMode.values:
        raise PlanningError(_("未知出行方式：%(m)s") % {"m": travel_mode})
    defaults = rules.travel_defaults(travel_mode)
    speed = float(speed_kmh or defaults["speed_kmh"])
    detour = float(detour_factor or defaults["detour_factor"])
    if not 0.5 <= speed <= 120 or not 1.0 <= detour <= 3.0:
        raise PlanningError(_("速度应在 0.5–120 公里/小时之间，绕行系数应在 1–3 之间。"))
    standard_set = standard_set or StandardSet.objects.filter(is_active=True).order_by("-pk").first()
    if standard_set is None:
        raise PlanningError(_("没有启用的测评体系。"))
    solver_teams = _teams(teams)
    sites, risks = build_sites(date=date, area=area, risks=risks)
    if not sites:
        raise PlanningError(_("范围内没有在库点位。"))
    travel = solver.Travel(speed, detour)
    solution = solver.solve(sites, solver_teams, travel, time_limit_s=time_limit_s)
    by_id = {s.id: s for s in sites}
    with transaction.atomic():
        plan = DayPlan.objects.create(
            date=date,
            name=(name or "").strip() or _("%(d)s 巡查排程") % {"d": date.isoformat()},
            standard_set=standard_set,
            area=area,
            travel_mode=travel_mode,
            speed_kmh=speed,
            detour_factor=detour,
            expected_marks=round(solution.value, 3),
            total_km=round(solution.km, 3),
            candidates=len(sites),
            created_by=actor,
        )
        for spec, team, route in zip(teams, solver_teams, solution.routes, strict=True):
            row = Route.objects.create(
                plan=plan,
                team=team.key,
                start_lat=team.start[0],
                start_lon=team.start[1],
                end_lat=team.end[0],
                end_lon=team.end[1],
                shift_start=spec.shift_start,
                shift_end=spec.shift_end,
                km=round(route.km, 3),
            )
            row.members.set(spec.members)
            Stop.objects.bulk_create(
                [
                    Stop(
                        route=row,
                        seq=i,
                        point_id=stop.site_id,
                        arrive=rules.time_of(stop.arrive),
                        depart=rules.time_of(stop.depart),
                        expected_marks=by_id[stop.site_id].value,
                        p_fail=risks[stop.site_id].p_fail if stop.site_id in risks else 0.0,
                        due=by_id[stop.site_id].due,
                    )
                    for i, stop in enumerate(route.stops, start=1)
                ]
            )
    return plan


def publish_plan(*, actor, plan: DayPlan, now: datetime.datetime | None = None) -> DayPlan:
    """Publish: an inspection round (常态巡查, the plan's points as an explicit list) is created and published
    through the inspections services — one task per stop for its team — so the phone form, cases and scores
    work as for any round."""
    from wenming.inspections import services as inspections
    from wenming.inspections.choices import RoundKind

    _require_office(actor)
    now = now or timezone.now()
    with transaction.atomic():
        plan = DayPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.state != PlanState.DRAFT:
            raise PlanningError(_("只有草稿状态的排程可以发布。"))
        stops = list(Stop.objects.filter(route__plan=plan).select_related("point", "route"))
        if not stops:
            raise PlanningError(_("排程没有任何站点，无法发布。"))
        inspectors = [(user, route.team) for route in plan.routes.all() for user in route.members.all()]
        try:
            round_ = inspections.create_round(
                actor=actor,
                kind=RoundKind.DAILY,
                name=plan.name,
                period_start=plan.date,
                period_end=plan.date,
                standard_set=plan.standard_set,
                area=plan.area,
                plan={"mode": "explicit", "point_codes": [s.point.code for s in stops]},
                note=_("由巡查排程生成"),
                inspectors=inspectors,
            )
            inspections.publish_round(
                actor=actor, round=round_, now=now, team_of={s.point_id: s.route.team for s in stops}
            )
        except ValidationError as exc:
            raise PlanningError(" ".join(exc.messages))
        round_.refresh_from_db()
        tasks = {t.point_id: t for t in round_.tasks.all()}
        for stop in stops:
            stop.task = tasks.get(stop.point_id)
        Stop.objects.bulk_update(stops, ["task"])
        plan.round = round_
        plan.state = PlanState.PUBLISHED
        plan.published_at = now
        plan.save(update_fields=["round", "state", "published_at", "updated_at"])
    return plan


def skip_stop(
    *,
    actor,
    stop: Stop,
    lat: float | None = None,
    lon: float | None = None,
    now: datetime.datetime | None = None,
) -> Route:
    """Skip a stop and re-plan the rest of the route from here (the phone's position, else the skipped
    stop) and now: the remaining stops are re-ordered; those that no longer fit the day are dropped."""
    from wenming.inspections.choices import TaskState

    if not Route.objects.restrict(actor, "skip").filter(pk=stop.route_id).exists():
        raise NotFound(_("站点不存在。"))
    now = now or timezone.now()
    with transaction.atomic():
        route = Route.objects.select_for_update().get(pk=stop.route_id)
        stop = Stop.objects.select_related("point", "task").get(pk=stop.pk)
        if stop.state != StopState.PLANNED:
            raise PlanningError(_("该站点已跳过或已取消。"))
        if stop.task_id and stop.task.state == TaskState.DONE:
            raise PlanningError(_("该站点已完成测评，不能跳过。"))
        stop.state = StopState.SKIPPED
        stop.save(update_fields=["state"])
        here = (stop.point.lat, stop.point.lon)
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            here = (lat, lon)
        rest = list(
            route.stops.filter(state=StopState.PLANNED)
            .exclude(task__state=TaskState.DONE)
            .select_related("point__point_type")
        )
        by_type = rules.rules_by_type()
        sites = []
        for s in rest:
            rule = by_type.get(s.point.point_type.code) or rules.Rule(rules.DEFAULT_SERVICE_MINUTES, (), None)
            sites.append(
                solver.Site(
                    s.pk,
                    s.point.lat,
                    s.point.lon,
                    s.expected_marks,
                    rule.service_minutes,
                    rule.windows,
                    s.due,
                )
            )
        local_now = timezone.localtime(now)
        begin = max(rules.minutes_of(local_now.time()), rules.minutes_of(route.shift_start))
        if route.plan.date != local_now.date():
            begin = max(rules.minutes_of(stop.depart), rules.minutes_of(route.shift_start))
        end_minute = rules.minutes_of(route.shift_end)
        kept: dict[int, solver.Stop] = {}
        order: dict[int, int] = {}
        if sites and begin < end_minute:
            team = solver.Team(route.team, here, (route.end_lat, route.end_lon), begin, end_minute)
            travel = solver.Travel(route.plan.speed_kmh, route.plan.detour_factor)
            solution = solver.solve(sites, [team], travel, candidate_factor=1e9)
            kept = {s.site_id: s for s in solution.routes[0].stops}
            order = {s.site_id: i for i, s in enumerate(solution.routes[0].stops)}
        done_or_gone = route.stops.exclude(pk__in=[s.pk for s in rest]).order_by("seq")
        seq = max((s.seq for s in done_or_gone), default=0) + 1
        for s in sorted(rest, key=lambda s: (order.get(s.pk, 10**6), s.seq)):
            if s.pk in kept:
                s.arrive = rules.time_of(kept[s.pk].arrive)
                s.depart = rules.time_of(kept[s.pk].depart)
            else:
                s.state = StopState.DROPPED
            s.seq = seq
            seq += 1
        Stop.objects.bulk_update(rest, ["arrive", "depart", "state", "seq"])
        route.replanned_at = now
        route.save(update_fields=["replanned_at"])
    return route


def set_visit_rule(
    *, actor, point_type, service_minutes: int, windows, coverage_days: int | None = None
) -> VisitRule:
    """Set how a point type is visited: minutes per point, windows ([["07:00", "09:00"], …]), coverage."""
    _require_office(actor)
    try:
        parsed = rules.parse_windows(windows)
    except rules.WindowError as exc:
        raise PlanningError(str(exc))
    if not isinstance(service_minutes, int) or not 1 <= service_minutes <= 480:
        raise PlanningError(_("每点耗时应在 1–480 分钟之间。"))
    if coverage_days is not None and (not isinstance(coverage_days, int) or not 1 <= coverage_days <= 365):
        raise PlanningError(_("覆盖周期应在 1–365 天之间。"))
    stored = [[f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}"] for a, b in parsed]
    with transaction.atomic():
        rule, _created = VisitRule.objects.update_or_create(
            point_type=point_type,
            defaults={"service_minutes": service_minutes, "windows": stored, "coverage_days": coverage_days},
        )
    return rule
