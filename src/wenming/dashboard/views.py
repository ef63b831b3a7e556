import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from wenming.core import widgets as registry
from wenming.core.dbrouter import ReplicaReadsMixin
from wenming.core.roles import is_office
from wenming.dashboard import leader, services, widgets
from wenming.dashboard.models import TestDate


class HomeView(LoginRequiredMixin, ReplicaReadsMixin, TemplateView):
    """The workbench home page: what it shows depends on the user's roles and scope."""

    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["scope_summary"] = widgets.scope_summary(user)
        context["widgets"] = registry.for_user(user)
        return context


# --- the leadership view (领导驾驶舱), the big screen (大屏) and their data -----------------------------------------

STATUS_STYLE = {
    "fail": (gettext_lazy("未过关"), "#c0392b"),
    "open": (gettext_lazy("过关但有在办问题"), "#d68910"),
    "pass": (gettext_lazy("过关"), "#1e8e3e"),
    "none": (gettext_lazy("未测评"), "#9aa5b1"),
}


def chart_labels() -> dict[str, str]:
    return {
        "open": _("在办问题"), "overdue": _("超期问题"), "new": _("新增问题"), "score": _("平均得分"),
        "passRate": _("过关率"), "lost": _("失分"), "detail": _("查看点位"),
    }  # fmt: skip


class LeaderRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not leader.may_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class LeaderView(LeaderRequiredMixin, ReplicaReadsMixin, View):
    """领导驾驶舱: map, heat map, trends, rankings, 易扣分点, overdue by unit, countdown with what still fails."""

    template_name = "dashboard/leader.html"
    failing_limit = 30
    loss_limit = 20

    def get(self, request):
        data = leader.overview(request.user)
        context = {
            **data,
            "failing_shown": data["failing"][: self.failing_limit],
            "lines_shown": data["estimate"].lines[: self.loss_limit],
            "charts": {**leader.chart_data(data), "labels": chart_labels()},
            "points_url": reverse("dashboard:leader_points"),
            "heat_url": reverse("dashboard:leader_heat"),
            "areas_url": reverse("geo_api:area-geojson"),
            "can_change": is_office(request.user),
        }
        return TemplateResponse(request, self.template_name, context)


class BigScreenView(LeaderView):
    """大屏: the same figures, dark and large, reloading itself every few minutes (wall display, offline)."""

    template_name = "dashboard/big_screen.html"
    failing_limit = 12
    loss_limit = 12
    refresh_seconds = 120

    def get(self, request):
        response = super().get(request)
        response.context_data["refresh_seconds"] = self.refresh_seconds
        return response


class LeaderPointsView(LeaderRequiredMixin, ReplicaReadsMixin, View):
    """GeoJSON of the points in scope, coloured by their latest verdict and open cases (WenmingMap)."""

    def get(self, request):
        points, cases = leader.scoped(request.user)
        statuses = leader.point_statuses(points, cases)
        features, counts = [], {}
        for p in statuses:
            key = "open" if p.status == "pass" and p.open_cases else p.status
            counts[key] = counts.get(key, 0) + 1
            label, colour = STATUS_STYLE[key]
            detail = [str(label)]
            if p.score is not None:
                detail.append(_("得分 %(s).1f") % {"s": p.score})
            if p.open_cases:
                detail.append(_("在办问题 %(n)d") % {"n": p.open_cases})
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {
                    "id": p.point_id, "code": p.code, "name": p.name, "type": key, "color": colour,
                    "status_label": " · ".join(detail), "address": " · ".join(x for x in (p.street, p.unit, p.person) if x),
                    "failing": p.failing[:5], "open_cases": p.open_cases,
                    "url": reverse("geo:point_detail", args=[p.point_id]),
                },
            })  # fmt: skip
        legend = [{"id": k, "name": str(label), "color": colour, "count": counts[k]}
                  for k, (label, colour) in STATUS_STYLE.items() if k in counts]  # fmt: skip
        return JsonResponse({"type": "FeatureCollection", "features": features, "point_types": legend})


class LeaderHeatView(LeaderRequiredMixin, ReplicaReadsMixin, View):
    """Problems of the last 90 days binned into small squares (the map's heat layer)."""

    def get(self, request):
        _points, cases = leader.scoped(request.user)
        since = timezone.now() - datetime.timedelta(days=leader.HEAT_DAYS)
        cells = leader.heat_cells(cases, since)
        return JsonResponse({"cells": cells, "max": max((c["count"] for c in cells), default=0)})


class EstimateView(LeaderRequiredMixin, ReplicaReadsMixin, View):
    """The whole "would lose points tomorrow" list, each line traced to its observation and inspection."""

    paginate_by = 100

    def get(self, request):
        points, _cases = leader.scoped(request.user)
        estimate = leader.estimate_today(points)
        lines = estimate.lines
        street = request.GET.get("street", "")
        if street:
            lines = [line for line in lines if line.street == street]
        page = Paginator(lines, self.paginate_by).get_page(request.GET.get("page"))
        template = "dashboard/estimate.html"
        if getattr(request, "htmx", False) and not request.htmx.boosted:
            template += "#table"
        context = {"estimate": estimate, "page_obj": page, "street": street,
                   "streets": [s["street"] for s in estimate.by_street]}  # fmt: skip
        return TemplateResponse(request, template, context)


class TestDateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=120)
    date = forms.DateField(label=gettext_lazy("测评日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("备注"), max_length=300, required=False)


class TestDateView(LeaderRequiredMixin, View):
    """The test dates the countdown targets; the office adds and removes them."""

    def _render(self, request, form, status=200):
        dates = TestDate.objects.restrict(request.user, "view")
        context = {"dates": dates, "form": form, "can_change": is_office(request.user),
                   "today": timezone.localdate()}  # fmt: skip
        return TemplateResponse(request, "dashboard/test_dates.html", context, status=status)

    def get(self, request):
        return self._render(request, TestDateForm())

    def post(self, request):
        form = TestDateForm(request.POST)
        if form.is_valid():
            try:
                services.add_test_date(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("测评日期已添加。"))
                return redirect("dashboard:test_dates")
        return self._render(request, form, status=400)


class TestDateDeleteView(LeaderRequiredMixin, View):
    def post(self, request, pk: int):
        test_date = get_object_or_404(TestDate.objects.restrict(request.user, "change"), pk=pk)
        services.delete_test_date(actor=request.user, test_date=test_date)
        messages.success(request, _("测评日期已删除。"))
        return redirect("dashboard:test_dates")
