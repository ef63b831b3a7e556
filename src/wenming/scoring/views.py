"""Score pages: rankings, 易扣分点, score drill-downs (figure → points → inspection), point history,
snapshots and the deduction themes. Thin views: the figures come from `figures` / `deductions`."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from wenming.core.dbrouter import ReplicaReadsMixin
from wenming.core.roles import is_office
from wenming.geo.choices import AreaLevel
from wenming.geo.models import Area, Point
from wenming.org.models import Unit
from wenming.scoring import bases, deductions, exports, figures, live, services
from wenming.scoring.choices import CHANGE_BADGE, Dimension
from wenming.scoring.forms import (
    DeductionThemeForm,
    DrillParamsForm,
    LossDetailForm,
    RankingParamsForm,
    SourceParamsForm,
    TrackParamsForm,
)
from wenming.scoring.models import DeductionTheme, ScoreSnapshot


def drill_url(round_id: int, dimension: str, key_id: int) -> str:
    """Where a figure leads: the area or unit page, or the points behind a type or group."""
    if dimension in (Dimension.STREET, Dimension.COMMUNITY):
        return reverse("scoring:area_scores") + "?" + urlencode({"round": round_id, "area": key_id})
    if dimension == Dimension.UNIT:
        return reverse("scoring:unit_scores") + "?" + urlencode({"round": round_id, "unit": key_id})
    return (
        reverse("scoring:point_scores")
        + "?"
        + urlencode({"round": round_id, "dimension": dimension, "key": key_id})
    )


def _with_urls(round_id, rows):
    return [{"row": r, "url": drill_url(round_id, r.dimension, r.key_id)} for r in rows]


def _partial(request, template: str) -> str:
    return f"{template}#table" if getattr(request, "htmx", False) else template


class RankingsView(LoginRequiredMixin, ReplicaReadsMixin, View):
    """排名: streets, communities, units, special groups and point types for a round, with ties and a
    comparison with another round; every signed-in role may see it."""

    template_name = "scoring/rankings.html"

    def get(self, request):
        form = RankingParamsForm(request.GET or None)
        context = {
            "form": form,
            "dimensions": Dimension.choices,
            "latest_by_kind": figures.latest_closed_by_kind(),
        }
        if request.GET and not form.is_valid():
            return render(request, self.template_name, context, status=400)
        data = form.cleaned_data if form.is_bound else {}
        round_obj = data.get("round") or figures.default_round()
        dimension = data.get("dimension") or Dimension.STREET
        basis = bases.get(data.get("basis"))
        context.update(
            round=round_obj, dimension=dimension, dimension_label=Dimension(dimension).label, basis=basis,
            basis_rule=bases.rule_text(basis),
        )  # fmt: skip
        if round_obj is not None:
            ranking = figures.ranking(round_obj, dimension, basis=basis.code)
            context.update(ranking=ranking, rows=_with_urls(round_obj.pk, ranking.rows))
            if data.get("compare"):
                before = figures.ranking(data["compare"], dimension)
                context.update(
                    compare_round=data["compare"],
                    comparison=figures.compare_rankings(before, ranking),
                    change_badge=CHANGE_BADGE,
                )
            if request.GET.get("export") == "xlsx":
                return exports.ranking_xlsx(ranking)
        snapshots, quarterly = figures.quarterly_matrix(dimension)
        context.update(quarterly_snapshots=snapshots, quarterly_rows=quarterly)
        return render(request, _partial(request, self.template_name), context)


class _DrillView(LoginRequiredMixin, View):
    """Shared by the score drill-downs: a round (default the latest closed), one figure, its points."""

    template_name = "scoring/scores.html"

    def round_from(self, request):
        form = DrillParamsForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            raise Http404(_("参数无效。"))
        data = form.cleaned_data if form.is_bound else {}
        round_obj = data.get("round") or figures.default_round()
        return round_obj, data

    def start(self, request, page: str):
        """The round (see `round_from`), the request's data and the page's first context."""
        round_obj, data = self.round_from(request)
        return round_obj, data, {"page": page, "breadcrumbs": [], "rounds": figures.rankable_rounds()[:50]}

    def render_ranking(self, request, context, round_obj, dimension, title):
        """The top of a drill-down: every figure of the dimension, each linking one level down."""
        ranking = figures.ranking(round_obj, dimension)
        context.update(
            round=round_obj, title=title, children=_with_urls(round_obj.pk, ranking.rows), ranking=ranking
        )
        return render(request, self.template_name, context)

    def figure(self, round_obj, dimension, key_id, scored=None):
        ranking = figures.ranking(round_obj, dimension, scored=scored)
        return ranking, next((r for r in ranking.rows if r.key_id == key_id), None)

    def render_points(self, request, context, round_obj, dimension, key_id, scored=None):
        rows, snapshot = figures.point_rows(round_obj, request.user, dimension, key_id, scored=scored)
        context.update(round=round_obj, points=rows, snapshot=snapshot, show_points=True)
        if request.GET.get("export") == "xlsx":
            return exports.points_xlsx(round_obj, rows, context.get("title", ""))
        return render(request, _partial(request, self.template_name), context)


class AreaScoresView(_DrillView):
    """Street and community scores: the district's streets → a street's communities and points → a
    community's points → (inspection detail)."""

    def get(self, request):
        round_obj, _data, context = self.start(request, "area")
        if round_obj is None:
            return render(request, self.template_name, context)
        area_id = request.GET.get("area")
        if not area_id:
            return self.render_ranking(request, context, round_obj, Dimension.STREET, _("街道得分"))
        if not str(area_id).isdigit():
            raise Http404
        area = get_object_or_404(
            Area.objects.restrict(request.user, "view").filter(
                level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY]
            ),
            pk=area_id,
        )
        dimension = Dimension.STREET if area.level == AreaLevel.STREET else Dimension.COMMUNITY
        scored = figures.scored_if_live(round_obj)
        ranking, figure = self.figure(round_obj, dimension, area.pk, scored)
        context.update(title=area.name, figure=figure, ranking=ranking, area=area)
        context["breadcrumbs"] = [
            (a.name, drill_url(round_obj.pk, Dimension.STREET, a.pk))
            for a in area.ancestors()
            if a.level == AreaLevel.STREET
        ]
        if dimension == Dimension.STREET:
            communities = figures.ranking(round_obj, Dimension.COMMUNITY, scored=scored)
            child_ids = set(area.children.values_list("pk", flat=True))
            context["children"] = _with_urls(
                round_obj.pk, [r for r in communities.rows if r.key_id in child_ids]
            )
        return self.render_points(request, context, round_obj, dimension, area.pk, scored)


class UnitScoresView(_DrillView):
    """Responsible-unit scores: all units → one unit's points → (inspection detail)."""

    def get(self, request):
        round_obj, _data, context = self.start(request, "unit")
        if round_obj is None:
            return render(request, self.template_name, context)
        unit_id = request.GET.get("unit")
        if not unit_id:
            return self.render_ranking(request, context, round_obj, Dimension.UNIT, _("责任单位得分"))
        if not str(unit_id).isdigit():
            raise Http404
        unit = get_object_or_404(Unit.objects.restrict(request.user, "view"), pk=unit_id)
        scored = figures.scored_if_live(round_obj)
        ranking, figure = self.figure(round_obj, Dimension.UNIT, unit.pk, scored)
        context.update(title=unit.name, figure=figure, ranking=ranking, unit=unit)
        return self.render_points(request, context, round_obj, Dimension.UNIT, unit.pk, scored)


class PointScoresView(_DrillView):
    """The points behind a point-type or special-group figure (or every point of the round)."""

    def get(self, request):
        round_obj, data, context = self.start(request, "points")
        if round_obj is None:
            return render(request, self.template_name, context)
        dimension, key_id = data.get("dimension") or None, data.get("key")
        title = _("全部点位")
        scored = figures.scored_if_live(round_obj)
        if dimension and key_id:
            ranking, figure = self.figure(round_obj, dimension, key_id, scored)
            names = live.labels(dimension, [key_id])
            if key_id not in names:
                raise Http404
            title = f"{Dimension(dimension).label} · {names[key_id]}"
            context.update(figure=figure, ranking=ranking)
        context["title"] = title
        return self.render_points(request, context, round_obj, dimension, key_id, scored)


class PointHistoryView(LoginRequiredMixin, View):
    """A point's score over time, every inspection (live) beside the frozen figure that published it."""

    template_name = "scoring/point_history.html"

    def get(self, request, pk: int):
        point = get_object_or_404(
            Point.objects.restrict(request.user, "view").select_related("point_type"), pk=pk
        )
        rows = figures.point_history(point)
        chart = {
            "names": [_("得分"), _("已发布成绩")],
            "labels": [f"{timezone.localtime(r.submitted_at):%Y-%m-%d}" for r in rows],
            "scores": [None if r.score is None else round(r.score, 2) for r in rows],
            "frozen": [None if r.frozen_score is None else round(r.frozen_score, 2) for r in rows],
        }
        return render(request, self.template_name, {"point": point, "rows": rows[::-1], "chart": chart})


class ParetoView(LoginRequiredMixin, View):
    """易扣分点: criteria, categories and themes that lose the most points and most often (Pareto), and
    the themes' weekly clear-to-zero tracking."""

    template_name = "scoring/pareto.html"

    def get(self, request):
        form = SourceParamsForm(request.GET or None)
        track_form = TrackParamsForm(request.GET or None)
        context = {"form": form, "rounds": figures.rankable_rounds()[:50]}
        if (form.is_bound and not form.is_valid()) or (track_form.is_bound and not track_form.is_valid()):
            context["errors"] = list(form.non_field_errors()) + [e for f in form.errors.values() for e in f]
            context["errors"] += [e for f in track_form.errors.values() for e in f]
            return render(request, self.template_name, context, status=400)
        data = form.cleaned_data if form.is_bound else {}
        source = _source(data)
        if source is None:
            return render(request, self.template_name, context)
        loss_set = source["losses"]
        view = deductions.pareto_view(loss_set)
        if data.get("order") == "count":
            view.by_criterion.sort(key=lambda line: (-line.count, -line.lost))
        if request.GET.get("export") == "xlsx":
            return exports.pareto_xlsx(view, source["label"])
        weeks_n = (track_form.cleaned_data.get("weeks") if track_form.is_bound else None) or 12
        period = data.get("period") or deductions.recent_weeks(weeks_n)
        weeks, tracks = deductions.theme_tracks(period)
        top = view.by_criterion[:20]
        context.update(
            source=source,
            view=view,
            query=source["query"],
            weeks=weeks,
            tracks=tracks,
            # each cell drills down to that week's non-compliances of the theme
            track_rows=[
                {
                    "track": t,
                    "cells": [
                        {"checked": checked, "bad": bad, "week": w.label}
                        for w, (checked, bad) in zip(weeks, t.cells, strict=True)
                    ],
                }
                for t in tracks
            ],
            track_period=period,
            pareto_chart={
                "names": [_("失分"), _("累计占比")],
                "labels": [line.label[:16] for line in top],
                "lost": [round(line.lost, 3) for line in top],
                "counts": [line.count for line in top],
                "cumulative": [round(line.cumulative_share * 100, 1) for line in top],
            },
            track_chart={
                "name": _("未达标项次"),
                "weeks": [w.label for w in weeks],
                # a week without checks is a gap, not a zero: only checked weeks can show "cleared"
                "series": [
                    {"name": t.theme.name, "data": [bad if checked else None for checked, bad in t.cells]}
                    for t in tracks
                ],
            },
        )
        return render(request, self.template_name, context)


def _source(data) -> dict | None:
    """The losses of the chosen round, of the chosen period, or of the latest closed round."""
    if data.get("period"):
        period = data["period"]
        return {
            "label": period.label,
            "period": period,
            "round": None,
            "losses": deductions.losses_of_period(period),
            "query": {"period": period.text},
        }
    round_obj = data.get("round") or figures.default_round()
    if round_obj is None:
        return None
    return {
        "label": round_obj.name,
        "period": None,
        "round": round_obj,
        "losses": deductions.losses_of_round(round_obj),
        "query": {"round": round_obj.pk},
    }


class ParetoDetailView(LoginRequiredMixin, View):
    """The records behind one 易扣分点 line: each inspection where the criterion / category / theme lost."""

    template_name = "scoring/pareto_detail.html"

    def get(self, request):
        form = LossDetailForm(request.GET)
        if not form.is_valid():
            raise Http404(_("参数无效。"))
        data = form.cleaned_data
        chosen = [k for k in ("criterion", "category", "theme") if data.get(k)]
        if len(chosen) != 1:
            raise Http404(_("请指定一个测评标准、问题分类或主题。"))
        theme = None
        if data.get("theme"):
            theme = get_object_or_404(DeductionTheme.objects.restrict(request.user, "view"), pk=data["theme"])
        source = _source(data)
        if source is None:
            raise Http404
        rows = deductions.loss_rows(
            source["losses"],
            request.user,
            criterion=data.get("criterion"),
            category=data.get("category"),
            theme=theme,
        )
        title = theme.name if theme else (data.get("category") or "")
        if data.get("criterion"):
            from wenming.standards.models import Criterion

            crit = get_object_or_404(Criterion, pk=data["criterion"])
            title = f"{crit.code} {crit.text[:60]}"
        context = {
            "rows": rows,
            "source": source,
            "title": title,
            "total_lost": sum(r.loss.lost for r in rows),
        }
        return render(request, self.template_name, context)


class SnapshotListView(LoginRequiredMixin, View):
    """Frozen evaluation results (测评成绩快照), newest first."""

    template_name = "scoring/snapshot_list.html"

    def get(self, request):
        from django.core.paginator import Paginator

        from wenming.scoring.filtersets import SnapshotFilterSet

        qs = ScoreSnapshot.objects.restrict(request.user, "view").select_related("round", "created_by")
        filterset = SnapshotFilterSet(request.GET or None, queryset=qs)
        page = Paginator(filterset.qs, 30).get_page(request.GET.get("page"))
        context = {"filter": filterset, "page_obj": page, "snapshots": page.object_list}
        return render(request, _partial(request, self.template_name), context)


class SnapshotDetailView(LoginRequiredMixin, View):
    """One snapshot: its figures, the records it used, and whether those records have changed since."""

    template_name = "scoring/snapshot_detail.html"

    def get(self, request, pk: int):
        snapshot = get_object_or_404(
            ScoreSnapshot.objects.restrict(request.user, "view").select_related("round", "created_by"), pk=pk
        )
        current_hash = live.current_digest(snapshot.inspection_ids)
        latest_now = sorted(r.id for r in live.latest_inspections_of_round(snapshot.round_id))
        context = {
            "snapshot": snapshot,
            "current_hash": current_hash,
            "records_unchanged": current_hash == snapshot.data_hash,
            "round_unchanged": latest_now == snapshot.inspection_ids,
            "dimensions": [
                (d, Dimension(d).label, _with_urls(snapshot.round_id, figures.snapshot_rows(snapshot, d)))
                for d in Dimension.values
            ],
        }
        return render(request, self.template_name, context)


# --- deduction themes -----------------------------------------------------------------------------------


class ThemeListView(LoginRequiredMixin, View):
    template_name = "scoring/theme_list.html"

    def get(self, request):
        themes = DeductionTheme.objects.restrict(request.user, "view")
        can_edit = is_office(request.user)
        from wenming.standards.models import ProblemCategory

        names = dict(ProblemCategory.objects.values_list("code", "name"))
        rows = [{"theme": t, "categories": [(c, names.get(c, "")) for c in t.category_codes]} for t in themes]
        return render(request, _partial(request, self.template_name), {"rows": rows, "can_edit": can_edit})


class _ThemeEdit(LoginRequiredMixin, View):
    template_name = "scoring/theme_form.html"

    def theme(self, request, pk):
        if pk is None:
            if not is_office(request.user):
                raise PermissionDenied(_("只有文明办可以维护易扣分点主题。"))
            return None
        return get_object_or_404(DeductionTheme.objects.restrict(request.user, "change"), pk=pk)

    def get(self, request, pk: int | None = None):
        theme = self.theme(request, pk)
        initial = {}
        if theme:
            initial = {
                "name": theme.name,
                "category_codes": ", ".join(theme.category_codes),
                "description": theme.description,
                "order": theme.order,
                "is_active": theme.is_active,
            }
        return render(
            request, self.template_name, {"form": DeductionThemeForm(initial=initial), "theme": theme}
        )

    def post(self, request, pk: int | None = None):
        theme = self.theme(request, pk)
        form = DeductionThemeForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.save_deduction_theme(
                    actor=request.user,
                    theme=theme,
                    name=d["name"],
                    category_codes=d["category_codes"],
                    description=d["description"],
                    order=d["order"] or 0,
                    is_active=d["is_active"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("易扣分点主题已保存。"))
                return redirect("scoring:theme_list")
        return render(request, self.template_name, {"form": form, "theme": theme}, status=400)


class ThemeCreateView(_ThemeEdit):
    pass


class ThemeEditView(_ThemeEdit):
    pass


class ThemeDeleteView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        theme = get_object_or_404(DeductionTheme.objects.restrict(request.user, "change"), pk=pk)
        return render(
            request,
            "core/confirm_delete.html",
            {"object": theme, "cancel_url": reverse("scoring:theme_list")},
        )

    def post(self, request, pk: int):
        theme = get_object_or_404(DeductionTheme.objects.restrict(request.user, "change"), pk=pk)
        services.delete_deduction_theme(actor=request.user, theme=theme)
        messages.success(request, _("易扣分点主题已删除。"))
        return redirect("scoring:theme_list")
