"""Pages of the planning app: day plans for the office, today's route for the inspector (list, map, print)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from wenming.core.roles import is_inspector, is_office, is_reader
from wenming.planning import services
from wenming.planning.forms import PlanForm, VisitRuleForm
from wenming.planning.models import DayPlan, Route, Stop, VisitRule


def _require_view_all(user) -> None:
    if not is_reader(user):
        raise Http404


class PlanListView(LoginRequiredMixin, View):
    """巡查排程: the day plans (office, leaders, auditors)."""

    def get(self, request):
        _require_view_all(request.user)
        plans = (
            DayPlan.objects.restrict(request.user, "view")
            .select_related("area", "round")
            .annotate(teams=Count("routes", distinct=True), stops=Count("routes__stops", distinct=True))
            .order_by("-date", "-pk")
        )
        page = Paginator(plans, 25).get_page(request.GET.get("page"))
        return render(
            request, "planning/plan_list.html", {"page_obj": page, "can_change": is_office(request.user)}
        )


class PlanCreateView(LoginRequiredMixin, View):
    template = "planning/plan_form.html"

    def _check(self, request):
        if not is_office(request.user):
            raise Http404

    def get(self, request):
        self._check(request)
        form = PlanForm(initial={"date": timezone.localdate()})
        return render(request, self.template, {"form": form})

    def post(self, request):
        self._check(request)
        form = PlanForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            start = (
                (data["start_lat"], data["start_lon"])
                if data["start_lat"] is not None
                else _centre(data["area"])
            )
            end = (data["end_lat"], data["end_lon"]) if data["end_lat"] is not None else start
            users = list(data["inspectors"])
            size = data["team_size"]
            teams = [
                services.TeamSpec(users[i : i + size], start, end, data["shift_start"], data["shift_end"])
                for i in range(0, len(users), size)
            ]
            try:
                plan = services.create_plan(
                    actor=request.user,
                    date=data["date"],
                    teams=teams,
                    area=data["area"],
                    name=data["name"],
                    travel_mode=data["travel_mode"],
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, _("排程已生成，请检查后发布。"))
                return redirect(plan.get_absolute_url())
        return render(request, self.template, {"form": form}, status=400)


def _centre(area) -> tuple[float, float]:
    from wenming.geo.models import Point

    points = Point.objects.active()
    if area is not None:
        points = points.in_area(area)
    centre = points.aggregate(lat=Avg("lat"), lon=Avg("lon"))
    if centre["lat"] is None:
        raise ValidationError(_("范围内没有在库点位。"))
    return centre["lat"], centre["lon"]


def _routes(queryset):
    return queryset.prefetch_related(
        "members",
        Prefetch("stops", queryset=Stop.objects.select_related("point__point_type", "task").order_by("seq")),
    )


def _route_json(routes) -> list[dict]:
    return [
        {
            "team": r.team,
            "start": [r.start_lat, r.start_lon],
            "end": [r.end_lat, r.end_lon],
            "stops": [
                {
                    "seq": i,
                    "lat": s.point.lat,
                    "lon": s.point.lon,
                    "name": s.point.name,
                    "arrive": s.arrive.strftime("%H:%M"),
                    "state": s.state,
                }
                for i, s in enumerate((s for s in r.stops.all() if s.state == "planned"), start=1)
            ],
        }
        for r in routes
    ]


class PlanDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        _require_view_all(request.user)
        plan = get_object_or_404(
            DayPlan.objects.restrict(request.user, "view").select_related("area", "round"), pk=pk
        )
        routes = list(_routes(plan.routes.all()))
        context = {
            "plan": plan,
            "routes": routes,
            "routes_json": _route_json(routes),
            "can_change": is_office(request.user),
        }
        return render(request, "planning/plan_detail.html", context)


class PlanPublishView(LoginRequiredMixin, View):
    def post(self, request, pk):
        if not is_office(request.user):
            raise Http404
        plan = get_object_or_404(DayPlan.objects.restrict(request.user, "change"), pk=pk)
        try:
            services.publish_plan(actor=request.user, plan=plan)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("排程已发布，测评任务已派发到各小组。"))
        return redirect(plan.get_absolute_url())


class RouteDetailView(LoginRequiredMixin, View):
    """One team's route: ordered stops with arrival times, map, checklist links, skip; `print/` for paper."""

    template = "planning/route_detail.html"

    def get(self, request, pk):
        route = get_object_or_404(
            _routes(Route.objects.restrict(request.user, "view").select_related("plan")), pk=pk
        )
        stops = list(route.stops.all())
        can_skip = Route.objects.restrict(request.user, "skip").filter(pk=route.pk).exists()
        context = {
            "route": route,
            "plan": route.plan,
            "stops": stops,
            "routes_json": _route_json([route]),
            "can_skip": can_skip,
            "planned": sum(1 for s in stops if s.state == "planned"),
        }
        return render(request, self.template, context)


class RoutePrintView(RouteDetailView):
    template = "planning/route_print.html"


class MyRouteView(LoginRequiredMixin, View):
    """今日路线: the inspector's route of today's published plan (or an empty state)."""

    def get(self, request):
        if not is_inspector(request.user):
            raise Http404
        route = (
            Route.objects.restrict(request.user, "view")
            .filter(plan__date=timezone.localdate())
            .order_by("-plan__published_at", "-pk")
            .first()
        )
        if route is not None:
            return redirect(route.get_absolute_url())
        return render(request, "planning/my_route.html", {})


class StopSkipView(LoginRequiredMixin, View):
    def post(self, request, pk):
        stop = get_object_or_404(
            Stop.objects.filter(route__in=Route.objects.restrict(request.user, "skip")), pk=pk
        )
        lat, lon = request.POST.get("lat"), request.POST.get("lon")
        try:
            lat, lon = (float(lat), float(lon)) if lat and lon else (None, None)
        except ValueError:
            lat = lon = None
        try:
            route = services.skip_stop(actor=request.user, stop=stop, lat=lat, lon=lon)
        except services.NotFound:
            raise Http404
        except PermissionDenied:
            raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(reverse("planning:route_detail", args=[stop.route_id]))
        messages.success(request, _("已跳过该站点，其余站点已重新排序。"))
        return redirect(route.get_absolute_url())


class VisitRuleListView(LoginRequiredMixin, View):
    """巡查规则: how each point type is visited (the defaults shown where the office set nothing)."""

    def get(self, request):
        _require_view_all(request.user)
        from wenming.planning.rules import rules_by_type
        from wenming.standards.models import PointType

        by_type = rules_by_type()
        custom = set(VisitRule.objects.values_list("point_type_id", flat=True))
        rows = [
            {
                "type": t,
                "rule": by_type[t.code],
                "windows": ", ".join(
                    f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"
                    for a, b in by_type[t.code].windows
                ),
                "custom": t.pk in custom,
            }
            for t in PointType.objects.order_by("order", "code")
        ]
        return render(
            request, "planning/rule_list.html", {"rows": rows, "can_change": is_office(request.user)}
        )


class VisitRuleEditView(LoginRequiredMixin, View):
    template = "planning/rule_form.html"

    def _type(self, request, pk):
        from wenming.standards.models import PointType

        if not is_office(request.user):
            raise Http404
        return get_object_or_404(PointType, pk=pk)

    def get(self, request, pk):
        from wenming.planning.rules import rules_by_type

        point_type = self._type(request, pk)
        rule = rules_by_type()[point_type.code]
        form = VisitRuleForm(
            initial={
                "service_minutes": rule.service_minutes,
                "windows": ", ".join(
                    f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in rule.windows
                ),
                "coverage_days": rule.coverage_days,
            }
        )
        return render(request, self.template, {"form": form, "point_type": point_type})

    def post(self, request, pk):
        point_type = self._type(request, pk)
        form = VisitRuleForm(request.POST)
        if form.is_valid():
            try:
                services.set_visit_rule(actor=request.user, point_type=point_type, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, _("巡查规则已保存。"))
                return redirect("planning:rule_list")
        return render(request, self.template, {"form": form, "point_type": point_type}, status=400)
