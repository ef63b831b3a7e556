"""Pages of the forecast: the forecast with its fix-first list, its parameters, and the backtest."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wenming.core.roles import has_role, is_office, is_reader
from wenming.forecast import backtest, services

VIEW_ROLES = frozenset({"admin", "office", "leader", "auditor", "group_lead"})
GROUPINGS = {"unit": ("unit_id", "unit"), "group": ("group_id", "group")}


def may_view(user) -> bool:
    return has_role(user, *VIEW_ROLES)


def may_change(user) -> bool:
    return is_office(user)


class ViewerRequired(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class OfficeRequired(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_change(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def visible_lines(user, lines: list[dict]) -> list[dict]:
    """The fix-first lines at points in the user's scope."""
    from wenming.geo.models import Point

    if is_reader(user):
        return lines
    ids = set(Point.objects.restrict(user, "view").values_list("pk", flat=True))
    return [line for line in lines if line["point_id"] in ids]


def grouped(lines: list[dict], by: str) -> list[dict]:
    """Lines grouped by responsible unit or special group, groups ordered by their total gain."""
    key, label = GROUPINGS[by]
    groups: dict = {}
    for line in lines:
        entry = groups.setdefault(line[key], {"name": line[label] or "—", "lines": [], "gain": 0.0})
        entry["lines"].append(line)
        entry["gain"] += line["gain"]
    return sorted(groups.values(), key=lambda g: (-g["gain"], g["name"]))


class ForecastView(ViewerRequired, View):
    """预估测评得分: the cached forecast, its intervals, per street / type / unit, and what to fix first."""

    paginate_by = 100

    def get(self, request):
        run = services.latest_run()
        context = {"run": run, "can_change": may_change(request.user), "by": request.GET.get("by", "")}
        if run is not None:
            lines = visible_lines(request.user, run.result.get("fix_first", []))
            unit, street = request.GET.get("unit", ""), request.GET.get("street", "")
            if unit:
                lines = [line for line in lines if str(line["unit_id"]) == unit]
            if street:
                lines = [line for line in lines if line["street"] == street]
            context["lines_count"] = len(lines)
            if context["by"] in GROUPINGS:
                context["groups"] = grouped(lines, context["by"])
            else:
                context["page_obj"] = Paginator(lines, self.paginate_by).get_page(request.GET.get("page"))
            context["result"] = run.result
        return TemplateResponse(request, "forecast/forecast.html", context)


class RecomputeView(OfficeRequired, View):
    def post(self, request):
        run = services.compute_run()
        messages.success(request, _("预估已重新计算（耗时 %(s).1f 秒）。") % {"s": run.seconds})
        return redirect("forecast:forecast")


class OpenCaseView(OfficeRequired, View):
    """Open a case for an at-risk point × criterion of the list (through the cases service)."""

    def post(self, request):
        try:
            case = services.open_case(
                actor=request.user,
                point_id=int(request.POST.get("point", "0")),
                criterion_id=int(request.POST.get("criterion", "0")),
            )
        except (ValueError, ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])) or _("无法立案。"))
            return redirect("forecast:forecast")
        messages.success(request, _("已上报问题案件 %(c)s。") % {"c": case.code})
        return redirect(case.get_absolute_url())


class ParametersForm(forms.Form):
    half_life_days = forms.FloatField(label=gettext_lazy("近期权重半衰期（天）"), min_value=1, max_value=3650)
    prior_strength = forms.FloatField(
        label=gettext_lazy("同类点位先验强度（留空则由数据估计）"), required=False
    )
    open_case_odds = forms.FloatField(label=gettext_lazy("在办问题风险倍数"))
    recurrence_odds = forms.FloatField(label=gettext_lazy("每次重复发生/反弹风险倍数"))
    closure_odds = forms.FloatField(label=gettext_lazy("核查结案后风险倍数"))
    simulations = forms.IntegerField(label=gettext_lazy("模拟测评次数"))
    target_score = forms.FloatField(label=gettext_lazy("目标得分"))
    default_per_type = forms.IntegerField(label=gettext_lazy("每类点位默认抽取数"), min_value=1)
    fix_first_threshold = forms.FloatField(label=gettext_lazy("风险点位阈值"))
    seed = forms.IntegerField(label=gettext_lazy("随机种子"), min_value=1)
    sampling_plan = forms.CharField(
        label=gettext_lazy("抽样方案（JSON，留空则沿用最近测评轮次）"), required=False, widget=forms.Textarea
    )

    def clean_sampling_plan(self):
        text = (self.cleaned_data.get("sampling_plan") or "").strip()
        if not text:
            return {}
        try:
            return json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("抽样方案不是有效的 JSON。"))


class ParametersView(ViewerRequired, View):
    """The model's parameters: shown to every viewer, edited by the office (the history keeps each change)."""

    def _render(self, request, form, status=200):
        row = services.parameters()
        context = {"form": form, "row": row, "can_change": may_change(request.user),
                   "changes": row.history.order_by("-history_date")[:10]}  # fmt: skip
        return TemplateResponse(request, "forecast/parameters.html", context, status=status)

    def get(self, request):
        row = services.parameters()
        initial = {f: getattr(row, f) for f in services.EDITABLE}
        initial["sampling_plan"] = (
            json.dumps(row.sampling_plan, ensure_ascii=False) if row.sampling_plan else ""
        )
        return self._render(request, ParametersForm(initial=initial))

    def post(self, request):
        if not may_change(request.user):
            raise PermissionDenied
        form = ParametersForm(request.POST)
        if form.is_valid():
            try:
                services.update_parameters(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("参数已保存，预估将在下次计算时采用。"))
                return redirect("forecast:parameters")
        return self._render(request, form, status=400)


class BacktestView(ViewerRequired, View):
    """回测: for each past closed round, the forecast as of the day before against the actual score."""

    def get(self, request):
        context = {"report": backtest.report(), "can_change": may_change(request.user)}
        return TemplateResponse(request, "forecast/backtest.html", context)

    def post(self, request):
        if not may_change(request.user):
            raise PermissionDenied
        runs = backtest.run_backtest()
        messages.success(request, _("已回测 %(n)d 个轮次。") % {"n": len(runs)})
        return redirect("forecast:backtest")
