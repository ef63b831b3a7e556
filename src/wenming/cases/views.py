"""Pages for cases, part 1: the list (filters, KPI drill-down, saved filters, bulk dispatch), the detail page
with its timeline and the actions this user may take now, and one POST view per action (→ the workflow
service, which decides; its refusals are shown on the form).

Part 2 (`views_boards`): map, dispatch queue, overdue board, parked register. Part 3 (`views_kpi`): KPIs and
the formula editor. Part 4 (`views_exports`): XLSX export and background export jobs.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import DetailView, View

from wenming.accounts import audit
from wenming.cases import kpis, services, services_web
from wenming.cases.api.serializers import can_see_reporter
from wenming.cases.choices import INTAKE_STATES, CaseSource, CaseState, PhotoStage, Severity
from wenming.cases.filtersets import CaseFilterSet
from wenming.cases.forms import ACTION_FORMS, FORM_FOR_ACTION, BulkDispatchForm, SavedFilterForm
from wenming.cases.models import Case, SavedFilter
from wenming.cases.recurrence import duplicate_candidates
from wenming.cases.routing import route
from wenming.cases.workflow import TRANSITIONS, TransitionError, available_actions
from wenming.core.mixins import FilteredListView, ScopedQuerysetMixin, apply_service_errors
from wenming.core.roles import is_office

# --- shared helpers -----------------------------------------------------------------------------------------


def case_lookup(queryset, key: str) -> Case:
    """A case by its code (HL-2026-000123, the canonical URL) or by its id (older links); 404 outside scope."""
    q = Q(code=key)
    if key.isdigit():
        q |= Q(pk=int(key))
    case = queryset.filter(q).first()
    if case is None:
        raise Http404(_("案件不存在或不在您的权限范围内。"))
    return case


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def filter_options(user) -> dict:
    """Choices for the list's filter selects (categories in two levels, units, streets and communities)."""
    from wenming.geo.choices import AreaLevel
    from wenming.geo.models import Area
    from wenming.org.models import SpecialGroup, Unit
    from wenming.standards.models import ProblemCategory

    categories = list(ProblemCategory.objects.order_by("order", "code"))
    tops = [c for c in categories if c.parent_id is None]
    areas = list(Area.objects.filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY]).order_by("code"))
    return {
        "states": CaseState.choices,
        "sources": CaseSource.choices,
        "severities": Severity.choices,
        "top_categories": tops,
        "category_groups": [(t, [c for c in categories if c.parent_id == t.pk]) for t in tops],
        "units": Unit.objects.restrict(user, "view").filter(is_active=True).order_by("level", "code"),
        "groups": SpecialGroup.objects.restrict(user, "view").order_by("order", "code"),
        "streets": [a for a in areas if a.level == AreaLevel.STREET],
        "community_groups": [
            (s, [a for a in areas if a.parent_id == s.pk]) for s in areas if s.level == AreaLevel.STREET
        ],
    }


def drill_context(request, filterset) -> dict | None:
    """The banner of a KPI drill-down: which figure, which period, its definition."""
    code = request.GET.get("kpi")
    if code not in kpis.COUNT_BY_CODE or not filterset.is_valid():
        return None
    count = kpis.COUNT_BY_CODE[code]
    without = request.GET.copy()
    for key in ("kpi", "period", "page"):
        without.pop(key, None)
    return {
        "label": count.label,
        "definition": count.definition,
        "period": kpis.parse_period(request.GET.get("period")),
        "clear_url": f"{request.path}?{without.urlencode()}" if without else request.path,
    }


# --- list -----------------------------------------------------------------------------------------------------


class CaseListView(FilteredListView):
    """All cases in the user's scope, filtered (and drilled down from a KPI figure); htmx gets the table only."""

    model = Case
    filterset_class = CaseFilterSet
    template_name = "cases/case_list.html"
    paginate_by = 30

    def base_queryset(self):
        return Case.objects.with_list_related().order_by("-reported_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        query = services_web.clean_query(self.request.GET.urlencode())
        context.update(
            now=timezone.now(),
            query=query,
            drill=drill_context(self.request, self.filterset),
            can_bulk=is_office(user),
        )
        if not (getattr(self.request, "htmx", False) and not self.request.htmx.boosted):
            context.update(
                options=filter_options(user),
                saved_filters=SavedFilter.objects.restrict(user),
                save_form=SavedFilterForm(initial={"query": query}),
            )
            if context["can_bulk"]:
                context["bulk_form"] = BulkDispatchForm()
        return context


class BulkDispatchView(LoginRequiredMixin, View):
    """Office: dispatch the ticked rows through the service, one transaction per case; per-row results."""

    def post(self, request):
        if not is_office(request.user):
            raise PermissionDenied
        form = BulkDispatchForm(request.POST)
        back = safe_next(request, reverse("cases:case_list"))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        data = form.cleaned_data
        wanted = list(dict.fromkeys(data["cases"]))
        found = {c.pk: c for c in Case.objects.restrict(request.user, "change").filter(pk__in=wanted)}
        result = services.bulk_dispatch(
            actor=request.user, cases=[found[pk] for pk in wanted if pk in found], unit=data.get("unit"),
            person=data.get("person"), note=data.get("note", ""),
        )  # fmt: skip
        missing = [pk for pk in wanted if pk not in found]
        context = {
            "done": Case.objects.with_list_related()
            .filter(pk__in=[c.pk for c in result.done])
            .order_by("code"),
            "failed": result.failed,
            "missing": missing,
            "back": back,
        }
        return TemplateResponse(request, "cases/bulk_dispatch_result.html", context)


class SavedFilterCreateView(LoginRequiredMixin, View):
    def post(self, request):
        form = SavedFilterForm(request.POST)
        if form.is_valid():
            try:
                saved = services_web.save_case_filter(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已保存常用筛选“%(name)s”。") % {"name": saved.name})
                return redirect(saved.get_absolute_url())
        for error in [e for errors in form.errors.values() for e in errors]:
            messages.error(request, error)
        query = request.POST.get("query", "")
        return redirect(f"{reverse('cases:case_list')}?{query}" if query else reverse("cases:case_list"))


class SavedFilterDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        saved = get_object_or_404(SavedFilter.objects.restrict(request.user), pk=pk)
        services_web.delete_case_filter(actor=request.user, saved_filter=saved)
        messages.success(request, _("已删除常用筛选“%(name)s”。") % {"name": saved.name})
        return redirect("cases:case_list")


# --- detail and actions -------------------------------------------------------------------------------------------


def action_panels(case, user, *, bound=None, suggestion=None) -> list[dict]:
    """The actions `user` may take on `case` now, each as an unbound form (or the bound one that failed)."""
    names: list[str] = []
    for transition in available_actions(case, user):
        name = FORM_FOR_ACTION.get(transition.action)
        if name and name not in names:
            names.append(name)
    if case.fix_reported_by_id and case.fix_reported_by_id == user.pk and "verify" in names:
        names.remove("verify")  # whoever reported the fix never sees the verification form
    if bound is not None and bound.action not in names:
        names.append(bound.action)  # show the refusal on the form that was sent
    panels = []
    for name in names:
        if bound is not None and bound.action == name:
            form = bound
        else:
            extra = {"suggestion": suggestion} if name == "dispatch" else {}
            form = ACTION_FORMS[name](case=case, user=user, **extra)
        label = _("核查") if name == "verify" else TRANSITIONS[name].label
        panels.append({"action": name, "label": label, "form": form, "open": form is bound})
    return panels


def routing_suggestion(case, user):
    """The unit the rules would pick (shown beside the dispatch form), only for those who may dispatch."""
    if case.state not in (*INTAKE_STATES, "returned", "coordinating") or not is_office(user):
        return None
    return route(case, on=timezone.localdate())


class CaseDetailView(ScopedQuerysetMixin, DetailView):
    model = Case
    template_name = "cases/case_detail.html"
    context_object_name = "case"

    def base_queryset(self):
        return Case.objects.with_list_related().select_related(
            "special_group", "criterion", "merged_into", "recurrence_of", "reported_by", "fix_reported_by",
            "verified_by", "point__point_type", "area__parent",
        )  # fmt: skip

    def get_object(self, queryset=None):
        return case_lookup(self.get_queryset(), self.kwargs["key"])

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, **detail_context(self.request, self.object, bound=bound)}


def detail_context(request, case: Case, *, bound=None) -> dict:
    user = request.user
    scoped = Case.objects.restrict(user, "view")
    photos = list(case.photos.all())
    suggestion = routing_suggestion(case, user)
    area_chain = [*case.area.ancestors(), case.area] if case.area_id else []
    if can_see_reporter(user) and (case.reporter_name or case.reporter_phone):
        audit.record(user, audit.PERSONAL_VIEW, case, {"fields": "reporter"}, request=request)
    return {
        "now": timezone.now(),
        "events": case.events.select_related("actor").prefetch_related("photos"),
        "photos_by_stage": [
            (code, label, [p for p in photos if p.stage == code]) for code, label in PhotoStage.choices
        ],
        "actions": action_panels(case, user, bound=bound, suggestion=suggestion),
        "suggestion": suggestion,
        "show_reporter": can_see_reporter(user),
        "duplicates": duplicate_candidates(case, queryset=scoped) if case.state in INTAKE_STATES else [],
        "recurrences": scoped.filter(recurrence_of=case).only("pk", "code", "state", "reported_at"),
        "merged_here": scoped.filter(merged_into=case).only("pk", "code", "state", "reported_at"),
        "area_chain": area_chain,
        "map_data_url": f"{reverse('cases:case_map_data')}?code={case.code}",
        "areas_url": f"{reverse('geo_api:area-geojson')}?within={case.street_id}" if case.street_id else "",
    }


class CaseActionView(LoginRequiredMixin, View):
    """POST one action's form → `services.transition`. Success: back to the case (HX-Redirect for htmx).
    Refusal: the same form with the service's message (htmx swaps the form; plain POST re-renders the page)."""

    def post(self, request, key: str, action: str):
        form_class = ACTION_FORMS.get(action)
        if form_class is None:
            raise Http404
        case = case_lookup(Case.objects.restrict(request.user, "view"), key)
        form = form_class(request.POST, request.FILES, case=case, user=request.user)
        status = 400
        if form.is_valid():
            try:
                form.run()
            except TransitionError as exc:
                form.add_error(None, exc.message)
                status = 403 if exc.code == "forbidden" else 409 if exc.code == "state" else 400
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                label = _("核查") if action == "verify" else TRANSITIONS[form.service_action()].label
                messages.success(request, _("已完成：%(action)s") % {"action": label})
                target = safe_next(request, reverse("cases:case_detail", args=[case.code]))
                if getattr(request, "htmx", False):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
        if getattr(request, "htmx", False):
            label = _("核查") if action == "verify" else TRANSITIONS[action].label
            panel = {"action": action, "label": label, "form": form, "open": True}
            return TemplateResponse(request, "cases/_action_form.html", {"case": case, "panel": panel})
        case = Case.objects.restrict(request.user, "view").with_list_related().get(pk=case.pk)
        context = {"case": case, "object": case, **detail_context(request, case, bound=form)}
        return TemplateResponse(request, "cases/case_detail.html", context, status=status)


class RoutingSuggestionView(LoginRequiredMixin, View):
    """Office: "why this unit" for a case waiting for dispatch (the dispatch queue loads it per row)."""

    def get(self, request, key: str):
        if not is_office(request.user):
            raise PermissionDenied
        case = case_lookup(Case.objects.restrict(request.user, "change").with_list_related(), key)
        decision = route(case, on=timezone.localdate())
        return TemplateResponse(
            request, "cases/_routing_suggestion.html", {"case": case, "decision": decision}
        )
