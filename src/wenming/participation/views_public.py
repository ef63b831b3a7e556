"""The public site (/public/): no login, Chinese first, phone first. Report a problem (with "me too" on similar
open reports nearby), track it with its code (confirm, dispute, rate), the public map, list and figures, the
points lookup. Nothing here ever shows a reporter's name or phone (see `public.py`)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from wenming.accounts import audit
from wenming.cases.choices import CaseState, PhotoStage
from wenming.core.media import file_response
from wenming.participation import exports, public, ratelimit, services
from wenming.participation.choices import PUBLIC_STATUS_BADGE, PublicStatus
from wenming.participation.duplicates import similar_open_reports
from wenming.participation.filtersets import PublicReportFilterSet
from wenming.participation.forms import DisputeForm, PointsForm, RateForm, ReportForm, SupportForm, TrackForm
from wenming.participation.models import PointsEntry, Report, ReportPhoto, normalise_tracking_code
from wenming.participation.privacy import client_ip, normalise_phone, public_report
from wenming.participation.ratelimit import RateLimited

STATUS_COLOURS = {
    "green": "#1e8e3e",
    "orange": "#d68910",
    "blue": "#2563eb",
    "grey": "#8895a7",
    "purple": "#7c3aed",
}


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _public_reports():
    return Report.objects.public().select_related(
        "category__parent",
        "street",
        "case__category__parent",
        "case__unit",
        "case__merged_into__category__parent",
        "case__merged_into__unit",
    )


class HomeView(View):
    def get(self, request):
        streets, total = public.street_figures(Report.objects.open311_visible(), days=30)
        return TemplateResponse(request, "participation/public/home.html", {"total": total, "tab": "home"})


# --- reporting ----------------------------------------------------------------------------------------------


class ReportView(View):
    template = "participation/public/report_form.html"

    def get(self, request):
        return TemplateResponse(request, self.template, {"form": ReportForm(), "tab": "report"})

    def post(self, request):
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.submit_report(
                    description=data["description"], category=form.category_object(), lat=data["lat"] or None,
                    lon=data["lon"] or None, coord_system=data["coord_system"],
                    position_source=data["position_source"], address=data["address"], photos=data["photos"],
                    reporter_name=data["reporter_name"], reporter_phone=data["reporter_phone"],
                    consent=data["consent"], ip=client_ip(request), idempotency_key=data["idempotency_key"] or None,
                )  # fmt: skip
            except RateLimited as exc:
                form.add_error(None, exc.message)
                return TemplateResponse(request, self.template, {"form": form, "tab": "report"}, status=429)
            except ValidationError as exc:
                _errors_to_form(form, exc)
                codes = {e.code for errors in getattr(exc, "error_dict", {}).values() for e in errors}
                if "idempotency" in codes:  # a fresh key for the next try
                    form.data = form.data.copy()
                    form.data["idempotency_key"] = uuid.uuid4().hex
            else:
                return redirect(f"{report.get_tracking_url()}?new=1")
        return TemplateResponse(request, self.template, {"form": form, "tab": "report"}, status=400)


class SimilarView(View):
    """The "similar open reports nearby" panel of the report form (HTML fragment)."""

    def get(self, request):
        from wenming.geo.positions import normalise_position
        from wenming.standards.models import ProblemCategory

        if response := _throttled(request):
            return response
        try:
            lat, lon, _system = normalise_position(
                request.GET.get("lat"), request.GET.get("lon"), request.GET.get("coord_system") or "WGS84"
            )
        except ValidationError:
            return HttpResponse("")
        category_id = request.GET.get("category") or ""
        category = (
            ProblemCategory.objects.public().filter(pk=int(category_id)).first()
            if category_id.isascii() and category_id.isdigit() and len(category_id) <= 18
            else None
        )
        found = similar_open_reports(lat, lon, category=category)
        # distances to the nearest 50 m: an exact distance from a chosen point would give the position away
        cards = [c for r, d in found if (c := public.card(r, 50 * round(d / 50))) is not None]
        return TemplateResponse(
            request, "participation/public/_similar.html", {"cards": cards, "category": category}
        )


class SupportView(View):
    def post(self, request, pk: int):
        report = get_object_or_404(Report.objects.public(), pk=pk)
        form = SupportForm(request.POST)
        form.is_valid()
        try:
            report, created = services.add_support(
                report, phone=form.cleaned_data.get("phone", ""), ip=client_ip(request)
            )
        except RateLimited as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if created:
                messages.success(request, _("感谢反馈！已为该问题增加一次“我也遇到”，无需重复上报。"))
            else:
                messages.info(request, _("您已对该问题表示过“我也遇到”。"))
        return redirect("participation_public:report_detail", pk=report.pk)


# --- tracking -----------------------------------------------------------------------------------------------


class TrackLookupView(View):
    def get(self, request):
        form = TrackForm(request.GET or None)
        if form.is_bound and form.is_valid():
            code = normalise_tracking_code(form.cleaned_data["code"])
            if Report.objects.filter(code=code).exists():
                return redirect("participation_public:track", code=code)
            form.add_error("code", _("查询码不存在，请核对后再试。"))
        return TemplateResponse(
            request, "participation/public/track_lookup.html", {"form": form, "tab": "track"}
        )


def tracking_context(report, *, reporter: bool = False) -> dict:
    """What a page shows of a report: `privacy.public_report` decides (the reporter's own tracking page also
    sees the status of a pending or rejected report, never more content). 404 when it is not public."""
    view = public_report(report, reporter=reporter)
    if view is None:
        raise Http404
    case, status = view["case"], view["status"]
    return {
        "report": report,
        "case": case,
        "status": status,
        "status_label": view["status_label"],
        "status_badge": PUBLIC_STATUS_BADGE.get(status, "grey"),
        "status_note": view["status_note"],
        "unit": view["unit"],
        "category": view["category"] if report.case_id or report.category_id else "",
        "description": view["description"],
        "address": view["address"],
        "timeline": public.timeline(report, view["chain"]),
        "photos": view["photos"],
        "after_photos": public.after_photos(case) if view["visible"] else [],
        "is_fixed": status == PublicStatus.FIXED,
    }


class TrackView(View):
    """The reporter's tracking page (by the secret code): status, unit, timeline, after-photos, follow-ups."""

    template = "participation/public/track.html"

    def report(self, code):
        return get_object_or_404(
            Report.objects.select_related("case__unit", "street"), code=normalise_tracking_code(code)
        )

    def context(self, request, report, **forms):
        context = tracking_context(report, reporter=True)
        context.update(
            tab="track",
            is_new=request.GET.get("new") == "1",
            dispute_form=forms.get("dispute_form") or DisputeForm(),
            rate_form=forms.get("rate_form") or RateForm(),
            can_confirm=context["is_fixed"]
            and not services.already_done(report.confirmed_at, context["case"]),
            can_rate=context["is_fixed"] and not services.already_done(report.rated_at, context["case"]),
            tracking_url=request.build_absolute_uri(report.get_tracking_url()),
        )
        return context

    def get(self, request, code):
        report = self.report(code)
        return TemplateResponse(request, self.template, self.context(request, report))


class TrackActionView(View):
    action = ""

    def post(self, request, code):
        report = get_object_or_404(Report, code=normalise_tracking_code(code))
        view = TrackView()
        forms = {}
        try:
            if self.action == "confirm":
                services.confirm_fix(report)
                messages.success(request, _("感谢确认！"))
            elif self.action == "dispute":
                form = DisputeForm(request.POST, request.FILES)
                if not form.is_valid():
                    forms["dispute_form"] = form
                    raise ValidationError(_("请填写问题仍然存在的情况。"))
                services.dispute_fix(
                    report, reason=form.cleaned_data["reason"], photos=form.cleaned_data["photos"]
                )
                messages.success(request, _("已收到您的异议，问题已重新交由责任单位处理。"))
            elif self.action == "rate":
                form = RateForm(request.POST)
                if not form.is_valid():
                    forms["rate_form"] = form
                    raise ValidationError(_("请选择满意度。"))
                services.rate_satisfaction(report, satisfaction=form.cleaned_data["satisfaction"])
                messages.success(request, _("感谢您的评价！"))
        except ValidationError as exc:
            report.refresh_from_db()
            context = view.context(request, report, **forms)
            context["action_error"] = " ".join(exc.messages)
            return TemplateResponse(request, view.template, context, status=400)
        return redirect("participation_public:track", code=report.code)


# --- the public list, map, figures ---------------------------------------------------------------------------


def _filter_options():
    from wenming.geo.choices import AreaLevel
    from wenming.geo.models import Area
    from wenming.standards.models import ProblemCategory

    return {
        "streets": Area.objects.filter(level=AreaLevel.STREET).order_by("code"),
        "groups": ProblemCategory.objects.top_level().filter(is_public=True).order_by("order", "code"),
    }


# Hard caps on anonymous reads (each also charged against the per-IP read limit).
LIST_PAGE_SIZE = 20
LIST_MAX_PAGE = 500
EXPORT_PAGE_ROWS = 5000
GEOJSON_MAX_FEATURES = 1000


def _throttled(request):
    """429 when this IP spent its hourly allowance of anonymous reads (`ratelimit.public_read_limit`)."""
    try:
        ratelimit.consume(ratelimit.public_read_limit(), client_ip(request))
    except RateLimited as exc:
        response = HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(exc.retry_after)
        return response
    return None


def _page_number(request, maximum: int) -> int:
    raw = request.GET.get("page") or "1"
    ok = raw.isascii() and raw.isdigit() and len(raw) <= 9 and int(raw) >= 1
    return min(int(raw), maximum) if ok else 1


class PublicListView(View):
    def get(self, request):
        if response := _throttled(request):
            return response
        filterset = PublicReportFilterSet(request.GET or None, queryset=_public_reports())
        qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else _public_reports().none()
        page = Paginator(qs.order_by("-submitted_at", "-id"), LIST_PAGE_SIZE).get_page(
            _page_number(request, LIST_MAX_PAGE)
        )
        context = {
            "filterset": filterset,
            "page_obj": page,
            "cards": [c for r in page.object_list if (c := public.card(r)) is not None],
            "tab": "list",
            "query": request.GET.urlencode(),
            **_filter_options(),
        }
        template = "participation/public/list.html"
        if getattr(request, "htmx", False) and not request.htmx.boosted:
            template += "#table"
        return TemplateResponse(request, template, context)


class PublicExportView(View):
    """Open data as CSV, `EXPORT_PAGE_ROWS` rows per `?page=` (newest first); `X-Next-Page` names the next."""

    def get(self, request):
        if response := _throttled(request):
            return response
        filterset = PublicReportFilterSet(request.GET or None, queryset=_public_reports())
        qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else _public_reports().none()
        page = _page_number(request, 1000)
        start = (page - 1) * EXPORT_PAGE_ROWS
        rows = list(qs.order_by("-submitted_at", "-id")[start : start + EXPORT_PAGE_ROWS + 1])
        response = HttpResponse(exports.export_public_csv(rows[:EXPORT_PAGE_ROWS]),
                                content_type="text/csv; charset=utf-8")  # fmt: skip
        response["Content-Disposition"] = 'attachment; filename="citizen-reports.csv"'
        if len(rows) > EXPORT_PAGE_ROWS:
            response["X-Next-Page"] = str(page + 1)
        # open data, but a download of it all the same: recorded with the (usually anonymous) caller's address
        audit.record(request.user, audit.EXPORT, "participation.Report:public-csv", {"rows": len(rows[:EXPORT_PAGE_ROWS]), "page": page, "query": request.GET.urlencode()[:500]}, request=request)  # fmt: skip
        return response


class PublicDetailView(View):
    """A report's public page (anonymised; no follow-up actions — those need the tracking code)."""

    def get(self, request, pk: int):
        report = get_object_or_404(_public_reports(), pk=pk)
        context = tracking_context(report)
        context.update(
            tab="list",
            support_form=SupportForm(),
            can_support=context["status"]
            in (
                PublicStatus.ACCEPTED,
                PublicStatus.IN_PROGRESS,
                PublicStatus.FIX_REPORTED,
                PublicStatus.PLANNED,
            ),
        )
        return TemplateResponse(request, "participation/public/detail.html", context)


class PublicMapView(View):
    def get(self, request):
        return TemplateResponse(request, "participation/public/map.html", {"tab": "map", "query": request.GET.urlencode(),
                                                                          **_filter_options()})  # fmt: skip


class PublicGeoJsonView(View):
    def get(self, request):
        if response := _throttled(request):
            return response
        filterset = PublicReportFilterSet(request.GET or None, queryset=_public_reports())
        qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else _public_reports().none()
        qs = qs.filter(lat__isnull=False).order_by("-submitted_at", "-id")[:GEOJSON_MAX_FEATURES]
        features, counts = [], {}
        for report in qs:
            card = public.card(report)
            if card is None:
                continue
            counts[card["status"]] = counts.get(card["status"], 0) + 1
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [card["lon"], card["lat"]]},
                "properties": {
                    "id": card["id"], "name": card["category"], "code": card["status_label"], "type": card["status"],
                    "status_label": card["street"], "address": card["description"][:80],
                    "color": STATUS_COLOURS.get(card["badge"], "#8895a7"),
                    "url": reverse("participation_public:report_detail", args=[report.pk]),
                },
            })  # fmt: skip
        legend = [
            {"id": s.value, "name": str(s.label), "count": counts[s.value],
             "color": STATUS_COLOURS.get(PUBLIC_STATUS_BADGE[s], "#8895a7")}
            for s in PublicStatus if s.value in counts
        ]  # fmt: skip
        audit.record(request.user, audit.EXPORT, "participation.Report:public-geojson", {"features": len(features), "query": request.GET.urlencode()[:500]}, request=request)  # fmt: skip
        return JsonResponse({"type": "FeatureCollection", "features": features, "point_types": legend},
                            json_dumps_params={"ensure_ascii": False})  # fmt: skip


class PublicAreasView(View):
    """Street and community outlines for the public map (synthetic boundaries are flagged)."""

    def get(self, request):
        from wenming.geo.choices import AreaLevel
        from wenming.geo.models import Area

        areas = Area.objects.filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY], boundary__isnull=False)
        features = []
        synthetic = False
        for a in areas.order_by("code"):
            synthetic = synthetic or a.boundary_is_synthetic
            features.append({
                "type": "Feature", "geometry": a.boundary,
                "properties": {"name": a.name, "level": a.level, "level_label": a.get_level_display(), "code": a.code,
                               "centroid": [a.centroid_lon, a.centroid_lat] if a.centroid_lat is not None else None},
            })  # fmt: skip
        return JsonResponse({"type": "FeatureCollection", "features": features, "synthetic": synthetic},
                            json_dumps_params={"ensure_ascii": False})  # fmt: skip


class PublicStatsView(View):
    def get(self, request):
        period = request.GET.get("period", "90")
        days = public.PERIODS.get(period, 90)
        streets, total = public.street_figures(Report.objects.open311_visible(), days=days)
        return TemplateResponse(request, "participation/public/stats.html", {
            "streets": streets, "total": total, "formulas": public.FORMULAS, "period": period if period in public.PERIODS else "90",
            "tab": "stats",
        })  # fmt: skip


# --- points ---------------------------------------------------------------------------------------------------


class PointsView(View):
    """积分: by phone number + any of that phone's tracking codes (POST, so neither lands in access logs)."""

    template = "participation/public/points.html"

    def get(self, request):
        return TemplateResponse(request, self.template, {"form": PointsForm(), "tab": "points"})

    def post(self, request):
        form = PointsForm(request.POST)
        context = {"form": form, "tab": "points"}
        if form.is_valid():
            try:
                phone = normalise_phone(form.cleaned_data["phone"], required=True)
            except ValidationError:
                phone = ""
            code = normalise_tracking_code(form.cleaned_data["code"])
            if not phone or not Report.objects.filter(code=code, reporter_phone=phone).exists():
                form.add_error(None, _("手机号与查询码不匹配。"))
            else:
                entries = PointsEntry.objects.for_phone(phone).select_related("report")
                reports = (
                    Report.objects.for_phone(phone)
                    .select_related("case", "category")
                    .order_by("-submitted_at")
                )
                context.update(
                    form=PointsForm(),  # not echoing the phone number back into the page
                    total=entries.total(),
                    entries=list(entries[:100]),
                    reports=[(r, public.status_label(public.status_of(r))) for r in reports[:50]],
                )
                return TemplateResponse(request, self.template, context)
        return TemplateResponse(request, self.template, context, status=400)


# --- photos ---------------------------------------------------------------------------------------------------


def _file_response(field):
    """Through the proxy when `MEDIA_ACCEL` is set (core.media); short caching: a photo hidden or redacted
    later must not live on in caches for long."""
    return file_response(field, cache="public, max-age=300")


class PublicPhotoView(View):
    """A report photo as the public sees it (redacted copy if any; hidden or untriaged photos are 404)."""

    def get(self, request, pk: int):
        photo = get_object_or_404(
            ReportPhoto.objects.filter(report__in=Report.objects.public()),
            pk=pk,
        )
        field = photo.public_file()
        if not field:
            raise Http404
        return _file_response(field)


class PublicFixPhotoView(View):
    """An after-photo (整改后) of a case that carries a public report, once the fix is reported."""

    def get(self, request, pk: int):
        from wenming.cases.models import CasePhoto

        reports = Report.objects.public()
        photo = get_object_or_404(
            CasePhoto.objects.filter(
                stage=PhotoStage.AFTER, case__state__in=[CaseState.FIX_REPORTED, CaseState.CLOSED]
            )
            .filter(Q(case__citizen_reports__in=reports) | Q(case__duplicates__citizen_reports__in=reports))
            .distinct(),
            pk=pk,
        )
        return _file_response(photo.image)
