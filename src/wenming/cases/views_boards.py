"""Pages for cases, part 2: the case map (+ its GeoJSON), the office's dispatch queue, the overdue board
grouped by unit, and the register of parked cases (挂账台账)."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from wenming.cases.choices import CaseState
from wenming.cases.filtersets import CaseFilterSet
from wenming.cases.forms import BulkDispatchForm
from wenming.cases.models import Case
from wenming.cases.templatetags.cases_tags import deadline_status
from wenming.cases.views import filter_options
from wenming.cases.workflow import TRANSITIONS, refusal
from wenming.core.mixins import FilteredListView, OfficeRequiredMixin

S = CaseState
MAP_LIMIT = 3000
OVERDUE_BOARD_LIMIT = 1000
# The board lists each unit's longest-overdue cases; the rest are one click away in the filtered list.
OVERDUE_PER_UNIT = 10

# Map colours by stage of the case (the legend; overdue wins over the state).
MAP_GROUPS = (
    ("overdue", gettext_lazy("已超期"), "#c0392b"),
    ("intake", gettext_lazy("待立案/派遣"), "#6b7785"),
    ("working", gettext_lazy("处置中"), "#d68910"),
    ("verify", gettext_lazy("待核查"), "#2563eb"),
    ("office", gettext_lazy("退回/协调中"), "#7c3aed"),
    ("parked", gettext_lazy("挂账"), "#8d6e63"),
    ("closed", gettext_lazy("已结案"), "#1e8e3e"),
    ("final", gettext_lazy("不予立案/已合并"), "#aab4c0"),
)
MAP_COLOURS = {g: colour for g, _label, colour in MAP_GROUPS}
_GROUP_OF_STATE = {
    S.REPORTED: "intake", S.REGISTERED: "intake", S.DISPATCHED: "working", S.ACKNOWLEDGED: "working",
    S.FIXING: "working", S.FIX_REPORTED: "verify", S.RETURNED: "office", S.COORDINATING: "office",
    S.PARKED: "parked", S.CLOSED: "closed", S.REJECTED: "final", S.MERGED: "final",
}  # fmt: skip


def map_group(case, now) -> str:
    return "overdue" if case.is_overdue(now) else _GROUP_OF_STATE.get(case.state, "final")


# --- map -----------------------------------------------------------------------------------------------------


class CaseMapView(LoginRequiredMixin, TemplateView):
    """Open cases in scope on the map (WenmingMap), coloured by stage and overdue; the list's filters."""

    template_name = "cases/case_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.urlencode()
        context.update(
            filterset=CaseFilterSet(self.request.GET or None, queryset=Case.objects.none()),
            options=filter_options(self.request.user),
            query=query,
            data_url=reverse("cases:case_map_data") + (f"?{query}" if query else ""),
            areas_url=reverse("geo_api:area-geojson"),
            limit=MAP_LIMIT,
        )
        return context


class CaseMapDataView(LoginRequiredMixin, View):
    """GeoJSON of the cases the map shows: the list's filters over the user's scope; open cases unless a
    state filter says otherwise; `?code=` for one case (the detail page's small map)."""

    def get(self, request):
        now = timezone.now()
        base = Case.objects.restrict(request.user, "view").filter(lat__isnull=False, lon__isnull=False)
        code = request.GET.get("code")
        if code:
            cases = base.filter(code=code)
        else:
            filterset = CaseFilterSet(request.GET or None, queryset=base)
            if filterset.is_bound and not filterset.is_valid():
                return JsonResponse({"type": "FeatureCollection", "features": [], "errors": filterset.errors},
                                    status=400)  # fmt: skip
            cases = filterset.qs
            explicit = {"state", "is_open", "kpi", "overdue"} & set(request.GET)
            if not explicit:
                cases = cases.open()
        rows = list(
            cases.select_related("category", "point", "area", "unit").order_by("-reported_at", "-id")[
                : MAP_LIMIT + 1
            ]
        )
        truncated = len(rows) > MAP_LIMIT
        rows = rows[:MAP_LIMIT]
        features, counts = [], {}
        for case in rows:
            group = map_group(case, now)
            counts[group] = counts.get(group, 0) + 1
            badge = deadline_status(case, now)
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [case.lon, case.lat]},
                "properties": {
                    "id": case.pk, "code": case.code, "name": f"{case.code} {case.category.name}", "type": group,
                    "color": MAP_COLOURS[group],
                    "status_label": " · ".join(
                        x for x in (case.get_state_display(), case.unit.name if case.unit_id else "",
                                    badge["text"] if badge else "") if x
                    ),
                    "address": case.place_label(), "url": reverse("cases:case_detail", args=[case.code]),
                },
            })  # fmt: skip
        legend = [
            {"id": g, "name": str(label), "color": colour, "count": counts[g]}
            for g, label, colour in MAP_GROUPS
            if g in counts
        ]
        body = {
            "type": "FeatureCollection",
            "features": features,
            "point_types": legend,
            "truncated": truncated,
        }
        return JsonResponse(
            body, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False}
        )


# --- dispatch queue ---------------------------------------------------------------------------------------------


class DispatchQueueView(OfficeRequiredMixin, FilteredListView):
    """Office: reported / registered / returned cases waiting, oldest first; routing suggestion per row
    (loaded by htmx), one-click dispatch and bulk dispatch."""

    model = Case
    filterset_class = CaseFilterSet
    template_name = "cases/dispatch_queue.html"
    paginate_by = 25

    def base_queryset(self):
        return Case.objects.awaiting_dispatch().with_list_related().order_by("reported_at", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        waiting = Case.objects.restrict(self.request.user, "change").awaiting_dispatch()
        context.update(
            now=now,
            counts=waiting.aggregate(
                total=Count("pk"),
                returned=Count("pk", filter=Q(state=S.RETURNED)),
                late=Count("pk", filter=_q_dispatch_late(now)),
            ),
            bulk_form=BulkDispatchForm(),
        )
        return context


def _q_dispatch_late(now):
    """Past the office's deadline: dispatch (reported/registered) or decision on a transfer (returned)."""
    return Q(state__in=[S.REPORTED, S.REGISTERED], dispatch_deadline__lt=now) | Q(
        state=S.RETURNED, transfer_deadline__lt=now
    )


# --- overdue board -----------------------------------------------------------------------------------------------


class OverdueBoardView(LoginRequiredMixin, TemplateView):
    """Overdue cases in scope grouped by responsible unit, most overdue units first, with escalation level."""

    template_name = "cases/overdue_board.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        now = timezone.now()
        overdue = Case.objects.restrict(user, "view").overdue(now)
        summary = list(
            overdue.order_by()
            .values("unit_id", "unit__name")
            .annotate(n=Count("pk"), level=Max("escalation_level"))
            .order_by("-n", "unit__name")
        )
        # Each unit's OVERDUE_PER_UNIT oldest deadlines (a window in SQL): the page renders as many rows
        # however many cases are overdue (it used to render up to 1,000).
        ranked = overdue.annotate(
            rank=Window(
                RowNumber(), partition_by=[F("unit_id")], order_by=[F("fix_deadline").asc(), F("id").asc()]
            )
        )
        rows = list(
            ranked.filter(rank__lte=OVERDUE_PER_UNIT)
            .with_list_related()
            .order_by("unit_id", "fix_deadline", "id")[:OVERDUE_BOARD_LIMIT]
        )
        remind = TRANSITIONS["remind"]
        by_unit = {}
        for unit_id, items in groupby(rows, key=lambda c: c.unit_id):
            items = list(items)
            for case in items:
                case.can_remind = refusal(case, remind, user) is None
            by_unit[unit_id] = items
        list_url = reverse("cases:case_list")
        groups = [
            {
                "unit_id": s["unit_id"], "unit_name": s["unit__name"] or _("未指定单位"), "count": s["n"],
                "level": s["level"] or 0, "cases": by_unit.get(s["unit_id"], []),
                "list_url": f"{list_url}?overdue=true&unit={s['unit_id'] or 'none'}",
            }
            for s in summary
        ]  # fmt: skip
        context.update(
            now=now,
            groups=groups,
            total=sum(s["n"] for s in summary),
            truncated=any(g["count"] > len(g["cases"]) for g in groups),
            per_unit=OVERDUE_PER_UNIT,
            escalated=overdue.filter(escalation_level__gt=0).count(),
            parked_url=reverse("cases:parked_list"),
        )
        return context


# --- parked register ------------------------------------------------------------------------------------------


class ParkedListView(FilteredListView):
    """The register of parked cases (挂账台账): plan, target date, overdue plans first."""

    model = Case
    filterset_class = CaseFilterSet
    template_name = "cases/parked_list.html"
    paginate_by = 30

    def base_queryset(self):
        return Case.objects.parked().with_list_related().order_by("park_until", "parked_at", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(now=timezone.now(), today=timezone.localdate())
        if not (getattr(self.request, "htmx", False) and not self.request.htmx.boosted):
            context["options"] = filter_options(self.request.user)
        return context
