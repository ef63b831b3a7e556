"""Pages of the inspections app: the round planner, the inspector's tasks and phone form, the review page."""

import math
import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from wenming.core import views as core_views
from wenming.core.roles import has_role, is_office, is_reader
from wenming.inspections import services
from wenming.inspections.checklist import checklist_for
from wenming.inspections.choices import RecheckState, RoundState, TaskState
from wenming.inspections.distance import haversine_m
from wenming.inspections.exports import xlsx_response
from wenming.inspections.filtersets import InspectionFilterSet, RoundFilterSet, TaskFilterSet
from wenming.inspections.forms import RoundForm
from wenming.inspections.models import Inspection, Observation, ObservationPhoto, Round, Task
from wenming.inspections.scores import score_inspection
from wenming.inspections.submission import submission_from_request

PAGE_SIZE = 25


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _list_template(request, name: str) -> str:
    return f"{name}#table" if request.htmx and not request.htmx.boosted else name


# --- rounds ---------------------------------------------------------------------------------------------


class RoundListView(LoginRequiredMixin, View):
    """测评轮次: every round the user may see, with progress (points done / total)."""

    template = "inspections/round_list.html"

    def get(self, request):
        queryset = (
            Round.objects.restrict(request.user, "view")
            .with_progress()
            .select_related("standard_set", "area")
            .order_by("-period_start", "-pk")
        )
        filterset = RoundFilterSet(request.GET, queryset=queryset)
        rounds = filterset.qs
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                "rounds",
                _("测评轮次"),
                [
                    _("名称"),
                    _("类型"),
                    _("状态"),
                    _("开始日期"),
                    _("结束日期"),
                    _("测评体系"),
                    _("范围"),
                    _("已完成"),
                    _("点位数"),
                    _("随机种子"),
                ],
                (
                    [
                        r.name,
                        r.get_kind_display(),
                        r.get_state_display(),
                        r.period_start,
                        r.period_end,
                        str(r.standard_set),
                        str(r.area or _("全区")),
                        r.tasks_done,
                        r.tasks_total,
                        r.seed,
                    ]
                    for r in rounds
                ),
            )
        context = {
            "filter": filterset,
            "page_obj": _page(request, rounds),
            "can_plan": is_office(request.user),
        }
        return render(request, _list_template(request, self.template), context)


def _point_types():
    from wenming.standards.models import PointType

    return list(PointType.objects.order_by("order", "code"))


class RoundCreateView(LoginRequiredMixin, View):
    """新建轮次 (office): dates, standard, scope, sampling plan, inspectors."""

    template = "inspections/round_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_office(request.user):
            raise PermissionDenied(_("只有文明办可以管理测评轮次。"))
        return super().dispatch(request, *args, **kwargs)

    def _initial(self) -> dict:
        from wenming.standards.models import StandardSet

        active = StandardSet.objects.active().order_by("scope").first()
        return {"standard_set": active.pk if active else None, "team_size": 2, "mode": "stratified"}

    def get(self, request):
        form = RoundForm(initial=self._initial(), point_types=_point_types())
        return render(request, self.template, {"form": form})

    def post(self, request):
        form = RoundForm(request.POST, point_types=_point_types())
        if form.is_valid():
            data = form.cleaned_data
            try:
                round_ = services.create_round(
                    actor=request.user,
                    kind=data["kind"],
                    name=data["name"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    test_date=data["test_date"],
                    standard_set=data["standard_set"],
                    area=data["area"],
                    plan=form.plan(),
                    seed=data["seed"],
                    inspectors=list(data["inspectors"]),
                    team_size=data["team_size"],
                    note=data["note"],
                )
            except services.InspectionError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("轮次已创建，请预览抽样结果后发布。"))
                return redirect("inspections:round_preview", round_.pk)
        return render(request, self.template, {"form": form}, status=400 if request.method == "POST" else 200)


class RoundUpdateView(LoginRequiredMixin, View):
    """修改轮次 (office, drafts only)."""

    template = "inspections/round_form.html"

    def _round(self, request, pk):
        round_ = get_object_or_404(Round.objects.restrict(request.user, "view"), pk=pk)
        if not is_office(request.user):
            raise PermissionDenied(_("只有文明办可以管理测评轮次。"))
        return round_

    def get(self, request, pk):
        round_ = self._round(request, pk)
        if not round_.is_draft:
            messages.warning(request, _("只有草稿状态的轮次可以修改。"))
            return redirect(round_.get_absolute_url())
        form = RoundForm(initial=RoundForm.initial_for(round_), point_types=_point_types())
        return render(request, self.template, {"form": form, "round": round_})

    def post(self, request, pk):
        round_ = self._round(request, pk)
        form = RoundForm(request.POST, point_types=_point_types())
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_round(
                    actor=request.user,
                    round=round_,
                    kind=data["kind"],
                    name=data["name"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    test_date=data["test_date"],
                    standard_set=data["standard_set"],
                    area=data["area"],
                    sampling_plan=form.plan(),
                    seed=data["seed"],
                    note=data["note"],
                    inspectors=list(data["inspectors"]),
                    team_size=data["team_size"],
                )
            except services.InspectionError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("轮次已保存。"))
                return redirect("inspections:round_preview", round_.pk)
        return render(request, self.template, {"form": form, "round": round_}, status=400)


class RoundDetailView(LoginRequiredMixin, View):
    """轮次详情: plan, progress by team, tasks and the inspections submitted."""

    template = "inspections/round_detail.html"

    def get(self, request, pk):
        round_ = get_object_or_404(
            Round.objects.restrict(request.user, "view")
            .with_progress()
            .select_related("standard_set", "area"),
            pk=pk,
        )
        tasks = Task.objects.restrict(request.user, "view").filter(round=round_)
        filterset = TaskFilterSet(request.GET, queryset=tasks)
        tasks = (
            filterset.qs.select_related("point__point_type", "point__area")
            .prefetch_related(
                "inspectors", Prefetch("inspections", queryset=Inspection.objects.only("id", "task_id"))
            )
            .order_by("team", "point__code")
        )
        teams = {}
        for m in round_.inspectors.select_related("user"):
            teams.setdefault(m.team, []).append(m.user)
        context = {
            "round": round_,
            "page_obj": _page(request, tasks, 50),
            "filter": filterset,
            "teams": sorted(teams.items()),
            "can_manage": is_office(request.user),
            "percent": round(100 * round_.tasks_done / round_.tasks_total) if round_.tasks_total else 0,
        }
        return render(request, _list_template(request, self.template), context)


class RoundPreviewView(LoginRequiredMixin, View):
    """抽样预览: the points the plan and seed draw, per type and street, with warnings — before publishing."""

    def get(self, request, pk):
        round_ = get_object_or_404(Round.objects.restrict(request.user, "view"), pk=pk)
        if not is_office(request.user):
            raise PermissionDenied(_("只有文明办可以管理测评轮次。"))
        from wenming.geo.models import Area, Point
        from wenming.standards.models import PointType

        draw = services.draw_round(round_)
        points = Point.objects.in_bulk(draw.point_ids)
        streets = {str(a.pk): a.name for a in Area.objects.filter(level="street")}
        type_names = dict(PointType.objects.values_list("code", "name"))
        rows = [
            {
                "type": type_names.get(code, code),
                "requested": t.requested,
                "available": t.available,
                "drawn": len(t.drawn),
                "allocation": [
                    (streets.get(k, _("未划分街道")), v) for k, v in sorted(t.allocation.items()) if v
                ],
                "points": [points[c.id] for c in t.drawn if c.id in points],
            }
            for code, t in draw.by_type.items()
        ]
        context = {
            "round": round_,
            "draw": draw,
            "rows": rows,
            "total": len(draw.point_ids),
        }
        return render(request, "inspections/round_preview.html", context)


class _RoundAction(LoginRequiredMixin, View):
    """POST → one service; refusals come back as a message on the round page."""

    http_method_names = ["post"]
    success = ""

    def act(self, request, round_):
        raise NotImplementedError

    def post(self, request, pk):
        round_ = get_object_or_404(Round.objects.restrict(request.user, "view"), pk=pk)
        if not is_office(request.user):
            raise PermissionDenied(_("只有文明办可以管理测评轮次。"))
        try:
            target = self.act(request, round_)
        except services.NotFound:
            raise Http404
        except services.InspectionError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(round_.get_absolute_url())
        messages.success(request, self.success)
        return redirect(target.get_absolute_url())


class RoundPublishView(_RoundAction):
    success = gettext_lazy("轮次已发布，任务已下发给测评员。")

    def act(self, request, round_):
        return services.publish_round(actor=request.user, round=round_)


class RoundCopyView(_RoundAction):
    success = gettext_lazy("已复制为新的草稿轮次（新的随机种子）。")

    def act(self, request, round_):
        return services.copy_round(
            actor=request.user, round=round_, keep_seed=request.POST.get("keep_seed") == "1"
        )


class RoundCloseView(_RoundAction):
    success = gettext_lazy("轮次已结束，得分已固化。")

    def act(self, request, round_):
        return services.close_round(actor=request.user, round=round_)


# --- the inspector's side ---------------------------------------------------------------------------------


def _position(request):
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


class TaskListView(LoginRequiredMixin, View):
    """我的任务: the inspector's own tasks in open rounds, nearest first when the phone shares its position."""

    template = "inspections/task_list.html"

    def get(self, request):
        tasks = Task.objects.restrict(request.user, "view").assigned_to(request.user).in_open_rounds()
        params = request.GET.copy()
        params.setdefault("state", TaskState.PENDING)
        filterset = TaskFilterSet(params, queryset=tasks)
        tasks = filterset.qs.select_related("round", "point__point_type", "point__area")
        here = _position(request)
        if here:
            # Equirectangular approximation for ordering (exact haversine shown per row).
            lat, lon = here
            k = math.cos(math.radians(lat))
            tasks = tasks.annotate(
                d2=(F("point__lat") - lat) * (F("point__lat") - lat)
                + (F("point__lon") - lon) * (F("point__lon") - lon) * k * k
            ).order_by("d2", "point__code")
        else:
            tasks = tasks.order_by("round__period_end", "point__code")
        page = _page(request, tasks)
        for task in page.object_list:
            task.distance_m = haversine_m(here[0], here[1], task.point.lat, task.point.lon) if here else None
        context = {"page_obj": page, "filter": filterset, "here": here}
        return render(request, _list_template(request, self.template), context)


@method_decorator(never_cache, name="dispatch")
class TaskInspectView(LoginRequiredMixin, View):
    """The phone inspection form (测评表): checklist, counts, photos, GPS; posts the same JSON as the API."""

    template = "inspections/inspect.html"

    def _task(self, request, pk) -> Task:
        return get_object_or_404(
            Task.objects.restrict(request.user, "inspect").select_related(
                "round__standard_set", "point__point_type", "point__area", "point__responsible_unit"
            ),
            pk=pk,
        )

    def get(self, request, pk):
        task = self._task(request, pk)
        done = task.inspections.order_by("-submitted_at").first()
        open_for_input = task.state == TaskState.PENDING and task.round.state == RoundState.PUBLISHED
        context = {
            "task": task,
            "point": task.point,
            "groups": checklist_for(task.round.standard_set, task.point.point_type) if open_for_input else [],
            "open_for_input": open_for_input,
            "done_inspection": done,
            "max_distance": services.max_distance_m(),
            "team": task.inspectors.all(),
            "client_id": uuid.uuid4(),
        }
        return render(request, self.template, context)

    def post(self, request, pk):
        wants_json = "application/json" in request.headers.get("Accept", "")
        task = self._task(request, pk)
        try:
            submission = submission_from_request(request, task)
            result = services.submit_inspection(actor=request.user, submission=submission)
        except services.NotFound:
            raise Http404(_("测评任务不存在，或未分配给您。"))
        except services.InspectionError as exc:
            message = " ".join(exc.messages)
            if wants_json:
                return JsonResponse({"error": message, "code": exc.code or "invalid"}, status=400)
            messages.error(request, message)
            return redirect("inspections:task_inspect", task.pk)
        inspection = result.inspection
        if wants_json:
            return JsonResponse(
                {
                    "id": inspection.pk,
                    "created": result.created,
                    "url": inspection.get_absolute_url(),
                    "cases": inspection.observations.filter(case__isnull=False).count(),
                },
                status=201 if result.created else 200,
            )
        messages.success(request, _("测评已提交。"))
        return redirect(inspection.get_absolute_url())


class ScanView(LoginRequiredMixin, View):
    """A point's QR code: opens the inspector's pending task at that point (or lets them choose one)."""

    def get(self, request, code):
        from wenming.geo.models import Point

        point = Point.objects.filter(code=code).select_related("point_type").first()
        tasks = []
        if point is not None:
            tasks = list(
                Task.objects.restrict(request.user, "inspect")
                .filter(point=point, state=TaskState.PENDING, round__state=RoundState.PUBLISHED)
                .select_related("round")
                .order_by("round__period_end")
            )
            if is_office(request.user):
                tasks = [t for t in tasks if t.inspectors.filter(pk=request.user.pk).exists()] or tasks
        if len(tasks) == 1:
            return redirect("inspections:task_inspect", tasks[0].pk)
        context = {"point": point, "tasks": tasks, "code": code}
        return render(request, "inspections/scan.html", context, status=200 if tasks else 404)


# --- review ---------------------------------------------------------------------------------------------


class InspectionListView(LoginRequiredMixin, View):
    """测评记录: inspections the user may see, filterable, exportable."""

    template = "inspections/inspection_list.html"

    def get(self, request):
        queryset = (
            Inspection.objects.restrict(request.user, "view")
            .with_counts()
            .select_related("round", "point__point_type", "inspector")
            .order_by("-submitted_at", "-pk")
        )
        filterset = InspectionFilterSet(request.GET, queryset=queryset)
        records = filterset.qs
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                "inspections",
                _("测评记录"),
                [
                    _("提交时间"),
                    _("轮次"),
                    _("点位编码"),
                    _("点位"),
                    _("点位类型"),
                    _("测评员"),
                    _("测评项"),
                    _("不符合"),
                    _("距点位（米）"),
                    _("距离过远"),
                    _("位置说明"),
                ],
                (
                    [
                        i.submitted_at,
                        i.round.name,
                        i.point.code,
                        i.point.name,
                        i.point.point_type.name,
                        str(i.inspector),
                        i.observations_total,
                        i.noncompliant_total,
                        i.distance_m,
                        _("是") if i.far_away else "",
                        i.location_note,
                    ]
                    for i in records
                ),
            )
        context = {"filter": filterset, "page_obj": _page(request, records)}
        return render(request, _list_template(request, self.template), context)


class InspectionDetailView(LoginRequiredMixin, TemplateView):
    """测评记录详情: observations, photos, GPS distance, cases opened and the score from the engine."""

    template_name = "inspections/inspection_detail.html"

    def get_context_data(self, pk, **kwargs):
        inspection = get_object_or_404(
            Inspection.objects.restrict(self.request.user, "view").select_related(
                "round__standard_set",
                "point__point_type",
                "point__responsible_unit",
                "point__responsible_person",
                "inspector",
                "task",
            ),
            pk=pk,
        )
        observations = list(
            Observation.objects.filter(inspection=inspection)
            .select_related("criterion__indicator", "criterion__block", "case")
            .prefetch_related(Prefetch("photos", queryset=ObservationPhoto.objects.order_by("pk")))
            .order_by("criterion__indicator__order", "criterion__order", "criterion__code")
        )
        score = score_inspection(inspection, observations)
        for o in observations:
            o.grade = score.grades.get(o.criterion_id)
        return {
            **super().get_context_data(**kwargs),
            "inspection": inspection,
            "observations": observations,
            "score": score,
            "co_inspectors": inspection.co_inspectors.all(),
            "max_distance": services.max_distance_m(),
        }


class ServiceWorkerView(core_views.ServiceWorkerView):
    """The offline helper (/inspections/sw.js, scope /inspections/): keeps the form and static files usable
    without a connection; drafts themselves live in localStorage (inspect.js)."""

    cache_name = "wenming-inspect-v1"
    pages_url_name = "inspections:task_list"


# --- 回头看 ---------------------------------------------------------------------------------------------


def _may_recheck(user) -> bool:
    return is_office(user) or has_role(user, "inspector")


class RecheckListView(LoginRequiredMixin, View):
    """回头看: the re-check tasks drawn from closed cases (pending first), for the office and inspectors."""

    template = "inspections/recheck_list.html"

    def get(self, request):
        from wenming.inspections.models import Recheck
        from wenming.inspections.services.rechecks import current_policy

        if not _may_recheck(request.user):
            raise PermissionDenied
        state = request.GET.get("state", "pending")
        from wenming.cases.models import Case

        rechecks = Recheck.objects.select_related("case__unit", "case__category", "checked_by")
        if not is_office(request.user):  # inspectors: the cases they may see (the ones they reported)
            rechecks = rechecks.filter(case__in=Case.objects.restrict(request.user, "view"))
        if state in RecheckState.values:
            rechecks = rechecks.filter(state=state)
        context = {
            "page_obj": _page(request, rechecks.order_by("due_at", "rank", "pk")),
            "state": state,
            "states": RecheckState.choices,
            "policy": current_policy(),
        }
        return render(request, self.template, context)


class RecheckRecordView(LoginRequiredMixin, View):
    """POST: the re-check's result (passed, or failed → the case is reopened as a rebound)."""

    def post(self, request, pk: int):
        from wenming.cases.workflow import TransitionError
        from wenming.inspections.models import Recheck
        from wenming.inspections.services.rechecks import record_recheck

        if not _may_recheck(request.user):
            raise PermissionDenied
        recheck = get_object_or_404(Recheck, pk=pk)
        passed = request.POST.get("result") == "passed"
        try:
            done = record_recheck(
                recheck, actor=request.user, passed=passed, note=request.POST.get("note", ""),
                photos=request.FILES.getlist("photos"),
            )  # fmt: skip
        except (services.InspectionError, TransitionError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                _("%(code)s：%(state)s") % {"code": done.case.code, "state": done.get_state_display()},
            )
        return redirect("inspections:recheck_list")


# --- 限时行动 -------------------------------------------------------------------------------------------


class CampaignListView(LoginRequiredMixin, View):
    """Time-boxed campaigns with their latest progress (district readers: office, leaders, auditors …)."""

    def get(self, request):
        from wenming.inspections.campaigns import campaign_progress
        from wenming.inspections.models import Campaign

        if not is_reader(request.user):
            raise PermissionDenied
        rows = [(c, campaign_progress(c)) for c in Campaign.objects.all()]
        return render(
            request, "inspections/campaign_list.html", {"rows": rows, "can_edit": is_office(request.user)}
        )


class CampaignDetailView(LoginRequiredMixin, View):
    """One campaign: goals, targets and the day-by-day progress table, plus the sentence bulletins print."""

    def get(self, request, pk: int):
        from wenming.inspections.campaigns import campaign_progress, campaign_summary
        from wenming.inspections.models import Campaign

        if not is_reader(request.user):
            raise Http404
        campaign = get_object_or_404(Campaign, pk=pk)
        progress = campaign_progress(campaign)
        context = {
            "campaign": campaign, "progress": progress, "summary": campaign_summary(campaign),
            "days": list(reversed(progress.days)),
        }  # fmt: skip
        return render(request, "inspections/campaign_detail.html", context)


class CampaignCreateView(LoginRequiredMixin, View):
    """The office sets up a campaign (the service validates and saves it)."""

    template = "inspections/campaign_form.html"

    def _form(self, data=None):
        from wenming.inspections.forms import CampaignForm

        return CampaignForm(data)

    def get(self, request):
        if not is_office(request.user):
            raise PermissionDenied
        return render(request, self.template, {"form": self._form()})

    def post(self, request):
        from django.core.exceptions import ValidationError

        from wenming.inspections.services.campaigns import save_campaign

        if not is_office(request.user):
            raise PermissionDenied
        form = self._form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            categories, points = data.pop("categories"), data.pop("points")
            try:
                campaign = save_campaign(actor=request.user, categories=categories, points=points, **data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("已创建限时行动“%(name)s”。") % {"name": campaign.name})
                return redirect(campaign.get_absolute_url())
        return render(request, self.template, {"form": form}, status=400)
