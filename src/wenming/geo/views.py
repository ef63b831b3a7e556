"""Pages for places: points (list, map, detail, QR, create/edit, import/export), areas, duties."""

from collections import defaultdict
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView, View

from wenming.core.mixins import (
    FilteredListView,
    OfficeRequiredMixin,
    ScopedQuerysetMixin,
    ServiceCreateView,
    ServiceUpdateView,
)
from wenming.core.roles import is_office
from wenming.geo import services
from wenming.geo.choices import AREA_CHILD_LEVEL, AreaLevel
from wenming.geo.exports import export_points_xlsx, point_template_xlsx
from wenming.geo.filtersets import PointFilterSet
from wenming.geo.forms import AreaForm, DutyEndForm, DutyForm, PointForm, PointImportForm
from wenming.geo.imports import POINT_COLUMNS, REQUIRED_COLUMNS, import_points
from wenming.geo.models import Area, Duty, Point
from wenming.geo.qr import qr_file, qr_svg_inline, scan_url

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- points -----------------------------------------------------------------------------------------


class PointListView(FilteredListView):
    model = Point
    filterset_class = PointFilterSet
    template_name = "geo/point_list.html"

    def base_queryset(self):
        return Point.objects.select_related(
            "point_type", "area", "area__parent", "responsible_unit", "responsible_person"
        ).order_by("code")


class PointExportView(ScopedQuerysetMixin, View):
    """The filtered point list as XLSX (the import's columns, so it can be edited and re-imported)."""

    model = Point

    def get(self, request):
        filterset = PointFilterSet(request.GET or None, queryset=self.get_queryset(), request=request)
        points = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _attachment(export_points_xlsx(points), XLSX, f"points-{stamp}.xlsx")


class PointImportTemplateView(LoginRequiredMixin, View):
    def get(self, request):
        return _attachment(point_template_xlsx(), XLSX, "point-import-template.xlsx")


class PointMapView(LoginRequiredMixin, TemplateView):
    """All points in scope on a map, coloured by type (GeoJSON from the API)."""

    template_name = "geo/point_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = PointFilterSet(
            self.request.GET or None, queryset=Point.objects.none(), request=self.request
        )
        context["filterset"] = filterset
        query = self.request.GET.urlencode()
        context["points_url"] = reverse("geo_api:point-geojson") + (f"?{query}" if query else "")
        context["areas_url"] = reverse("geo_api:area-geojson")
        return context


class PointDetailView(ScopedQuerysetMixin, DetailView):
    model = Point
    template_name = "geo/point_detail.html"

    def base_queryset(self):
        return Point.objects.select_related(
            "point_type", "area", "area__parent", "responsible_unit", "guarantor_unit", "responsible_person",
            "responsible_person__unit",
        )  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        point = self.object
        url = scan_url(point, self.request)
        duties = point.duties.select_related("person", "person__unit").order_by("-start_date", "post")
        current = set(Duty.objects.current().filter(point=point).values_list("pk", flat=True))
        context.update(
            scan_url=url,
            qr_svg=qr_svg_inline(url),
            duties=duties,
            current_duty_ids=current,
            ancestors=point.area.ancestors() + [point.area] if point.area_id else [],
            map_points_url=reverse("geo_api:point-geojson") + "?" + urlencode({"code": point.code}),
            map_areas_url=reverse("geo_api:area-geojson"),
        )
        return context


class PointQRView(ScopedQuerysetMixin, View):
    """The point's QR code (its inspection scan URL) as a PNG or SVG download."""

    model = Point

    def get(self, request, pk: int, fmt: str):
        if fmt not in ("png", "svg"):
            raise Http404
        point = get_object_or_404(self.get_queryset(), pk=pk)
        content_type = "image/png" if fmt == "png" else "image/svg+xml"
        return _attachment(
            qr_file(scan_url(point, request), kind=fmt), content_type, f"qr-{point.code}.{fmt}"
        )


class PointFormPage:
    model = Point
    form_class = PointForm
    template_name = "geo/point_form.html"

    def after_service(self, point) -> None:
        services.ensure_point_owner_duty(actor=self.request.user, point=point)


class PointCreateView(PointFormPage, ServiceCreateView):
    service = staticmethod(services.create_point)
    success_message = gettext_lazy("已新增点位 %(name)s。")

    def get_initial(self):
        return {key: self.request.GET[key] for key in ("lat", "lon", "point_type") if key in self.request.GET}


class PointEditView(PointFormPage, ServiceUpdateView):
    service = staticmethod(services.update_point)
    object_kwarg = "point"
    success_message = gettext_lazy("已保存点位 %(name)s。")


class PointImportView(OfficeRequiredMixin, FormView):
    """Upload an XLSX/CSV inventory: all rows are checked first; any error and nothing is written."""

    form_class = PointImportForm
    template_name = "geo/point_import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(columns=POINT_COLUMNS, required_columns=REQUIRED_COLUMNS)
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        from wenming.geo.tables import max_bytes

        if upload.size > max_bytes():
            form.add_error("file", _("文件过大（上限 %(mb).1f MB）。") % {"mb": max_bytes() / 1024 / 1024})
            return self.form_invalid(form)
        try:
            result = import_points(
                actor=self.request.user, data=upload.read(), filename=upload.name,
                update_existing=form.cleaned_data["update_existing"],
            )  # fmt: skip
        except services.ImportRejected as exc:
            context = self.get_context_data(form=form, import_errors=exc.errors[:200],
                                            error_count=len(exc.errors))  # fmt: skip
            return self.render_to_response(context, status=400)
        messages.success(self.request, result.summary())
        return redirect("geo:point_list")


# --- areas ------------------------------------------------------------------------------------------


def _tree_rows(areas: list[Area], point_counts: dict[int, int]) -> list[dict]:
    """Pre-order rows (depth, area, points in subtree) for the area tree."""
    children = defaultdict(list)
    ids = {a.pk for a in areas}
    roots = []
    for area in areas:
        (children[area.parent_id] if area.parent_id in ids else roots).append(area)
    rows: list[dict] = []

    def walk(area, depth):
        row = {"area": area, "depth": depth, "points": point_counts.get(area.pk, 0)}
        rows.append(row)
        start = len(rows)
        for child in children[area.pk]:
            walk(child, depth + 1)
        row["points"] += sum(r["own"] for r in rows[start:])
        row["own"] = point_counts.get(area.pk, 0)
        row["children"] = len(children[area.pk])

    for root in roots:
        walk(root, 0)
    return rows


class AreaListView(ScopedQuerysetMixin, TemplateView):
    """The area tree (district → street → community → grid) with point counts, population and a map."""

    model = Area
    template_name = "geo/area_list.html"
    LEVELS = [AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        depth = self.request.GET.get("depth", AreaLevel.COMMUNITY)
        if depth not in AreaLevel.values:
            depth = AreaLevel.COMMUNITY
        shown = self.LEVELS[: self.LEVELS.index(depth) + 1]
        areas = list(self.get_queryset().select_related("unit").defer("boundary").order_by("code"))
        counts = dict(
            Point.objects.restrict(self.request.user, "view").exclude(area__isnull=True)
            .values_list("area_id").annotate(n=Count("id")).order_by()
        )  # fmt: skip
        rows = [r for r in _tree_rows(areas, counts) if r["area"].level in shown]
        context.update(rows=rows, depth=depth, levels=AreaLevel.choices,
                       areas_url=reverse("geo_api:area-geojson"))  # fmt: skip
        return context


def _child_point_counts(area: Area, points) -> dict[int, int]:
    """Points in each child's subtree, from one grouped count and the subtree's paths."""
    per_area = dict(
        points.exclude(area__isnull=True).values_list("area_id").annotate(n=Count("id")).order_by()
    )
    depth = len(area.path.strip("/").split("/"))
    counts: dict[int, int] = defaultdict(int)
    for pk, path in (
        Area.objects.filter(path__startswith=area.path).exclude(pk=area.pk).values_list("id", "path")
    ):
        child_id = int(path.strip("/").split("/")[depth])
        counts[child_id] += per_area.get(pk, 0)
    return counts


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class AreaDetailView(ScopedQuerysetMixin, DetailView):
    model = Area
    template_name = "geo/area_detail.html"

    def base_queryset(self):
        return Area.objects.select_related("unit", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = self.object
        user = self.request.user
        points = Point.objects.restrict(user, "view").in_area(area)
        children = (
            Area.objects.restrict(user, "view").filter(parent=area).select_related("unit").defer("boundary")
            .order_by("code")
        )  # fmt: skip
        child_counts = _child_point_counts(area, points)
        duties = (
            Duty.objects.restrict(user, "view").current().filter(area=area)
            .select_related("person", "person__unit").order_by("post")
        )  # fmt: skip
        context.update(
            ancestors=area.ancestors(),
            children=[(c, child_counts.get(c.pk, 0)) for c in children],
            child_level=AREA_CHILD_LEVEL.get(area.level),
            point_count=points.count(),
            points=points.select_related("point_type").order_by("code")[:20],
            duties=duties,
            areas_url=reverse("geo_api:area-geojson") + f"?within={area.pk}",
            points_url=reverse("geo_api:point-geojson") + f"?area={area.pk}",
        )
        return context


class AreaEditView(ServiceUpdateView):
    model = Area
    form_class = AreaForm
    template_name = "geo/area_form.html"
    success_message = gettext_lazy("已保存区域 %(name)s。")

    def call_service(self, form):
        data = dict(form.cleaned_data)
        parent = data.pop("parent", None)
        boundary = data.pop("boundary_file", None)
        area = services.update_area(actor=self.request.user, area=self.object, **data)
        if "parent" in form.fields and parent is not None and parent.pk != area.parent_id:
            area = services.move_area(actor=self.request.user, area=area, new_parent=parent)
        if boundary:
            area = services.set_area_boundary(actor=self.request.user, area=area, boundary=boundary)
            services.assign_point_areas(actor=self.request.user)
        return area


# --- duties -----------------------------------------------------------------------------------------


class DutyFormPage:
    model = Duty
    form_class = DutyForm
    template_name = "geo/duty_form.html"

    def get_success_url(self):
        return reverse("org:person_detail", args=[self.object.person_id])


class DutyCreateView(DutyFormPage, ServiceCreateView):
    service = staticmethod(services.create_duty)
    success_message = gettext_lazy("已新增岗位职责：%(name)s。")

    def get_initial(self):
        initial = {"start_date": timezone.localdate()}
        for key in ("person", "area", "point", "category", "post"):
            if self.request.GET.get(key):
                initial[key] = self.request.GET[key]
        return initial

    def get_success_url(self):
        return safe_next(self.request, super().get_success_url())


class DutyEditView(DutyFormPage, ServiceUpdateView):
    service = staticmethod(services.update_duty)
    object_kwarg = "duty"
    success_message = gettext_lazy("已保存岗位职责：%(name)s。")


class DutyEndView(OfficeRequiredMixin, View):
    """POST: end a duty (default today)."""

    def post(self, request, pk: int):
        duty = get_object_or_404(Duty.objects.restrict(request.user, "change"), pk=pk)
        form = DutyEndForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("结束日期格式不正确。"))
            services.end_duty(actor=request.user, duty=duty, end_date=form.cleaned_data.get("end_date"))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已结束岗位职责：%(duty)s。") % {"duty": duty})
        return redirect(safe_next(request, reverse("org:person_detail", args=[duty.person_id])))


# --- the duty matrix --------------------------------------------------------------------------------

# Posts each kind of row must have filled; a row missing one is a gap (shown in red).
REQUIRED_POSTS = {
    "grid": ("grid_lead", "grid_worker"),
    "community": ("community_lead",),
    "street": ("street_lead",),
    "point": ("point_owner",),
}
ROW_KINDS = (
    ("grid", gettext_lazy("网格")),
    ("community", gettext_lazy("社区")),
    ("street", gettext_lazy("街道")),
    ("point", gettext_lazy("测评点位")),
)


class DutyMatrixView(LoginRequiredMixin, TemplateView):
    """定人定岗定责: rows = areas of one level or points, columns = posts, cells = the people on duty now."""

    template_name = "geo/duty_matrix.html"
    paginate_by = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        kind = self.request.GET.get("rows", "grid")
        if kind not in REQUIRED_POSTS:
            kind = "grid"
        streets = Area.objects.restrict(user, "view").filter(level="street").order_by("code")
        street = streets.filter(pk=self.request.GET.get("street")).first() if self.request.GET.get(
            "street", "").isdigit() else None  # fmt: skip
        gaps_only = self.request.GET.get("gaps") == "1"
        if kind == "point":
            rows_qs = (
                Point.objects.restrict(user, "view").active().select_related("area", "responsible_person")
            )
            if street:
                rows_qs = rows_qs.in_area(street)
            subject = "point_id"
        else:
            rows_qs = (
                Area.objects.restrict(user, "view")
                .filter(level=kind)
                .select_related("parent")
                .defer("boundary")
            )
            if street:
                rows_qs = rows_qs.subtree(street)
            subject = "area_id"
        rows_qs = rows_qs.order_by("code")
        duties = Duty.objects.restrict(user, "view").current().filter(**{f"{subject}__isnull": False})
        if kind == "point" and street:
            duties = duties.filter(point__area__path__startswith=street.path)
        elif kind != "point":
            duties = duties.filter(area__level=kind)
            if street:
                duties = duties.filter(area__path__startswith=street.path)
        filled = defaultdict(set)  # row id -> posts filled
        for row_id, post in duties.values_list(subject, "post"):
            filled[row_id].add(post)
        required = REQUIRED_POSTS[kind]
        registered_owner = {}
        if kind == "point":
            # A point's registered responsible person counts as its owner even without a duty row.
            registered_owner = dict(rows_qs.filter(responsible_person__isnull=False).values_list(
                "id", "responsible_person_id"))  # fmt: skip
            for row_id in registered_owner:
                filled[row_id].add("point_owner")
        all_ids = list(rows_qs.values_list("id", flat=True))
        gap_ids = {i for i in all_ids if not set(required) <= filled.get(i, set())}
        if gaps_only:
            rows_qs = rows_qs.filter(pk__in=gap_ids)
        page = Paginator(rows_qs, self.paginate_by).get_page(self.request.GET.get("page"))
        page_ids = [r.pk for r in page.object_list]
        cells = defaultdict(list)  # (row id, post) -> [(person, from_duty)]
        page_duties = (
            duties.filter(**{f"{subject}__in": page_ids}).select_related("person").order_by("person__name")
        )
        posts_present = set()
        for duty in page_duties:
            cells[(getattr(duty, subject), duty.post)].append((duty.person, True))
            posts_present.add(duty.post)
        if kind == "point":
            for point in page.object_list:
                if point.responsible_person_id and not cells.get((point.pk, "point_owner")):
                    cells[(point.pk, "point_owner")].append((point.responsible_person, False))
        post_labels = dict(Duty._meta.get_field("post").choices)
        columns = list(required) + sorted(posts_present - set(required))
        table = []
        for row in page.object_list:
            row_cells = [
                {"post": post, "people": cells.get((row.pk, post), []), "required": post in required,
                 "gap": post in required and not cells.get((row.pk, post))}
                for post in columns
            ]  # fmt: skip
            table.append({"row": row, "cells": row_cells, "gap": row.pk in gap_ids})
        query = {k: v for k, v in self.request.GET.items() if k != "page"}
        context.update(
            kind=kind, kinds=ROW_KINDS, streets=streets, street=street, gaps_only=gaps_only,
            columns=[(post, post_labels.get(post, post)) for post in columns], table=table, page_obj=page,
            total=len(all_ids), gap_count=len(gap_ids), can_change=is_office(user),
            subject_param="point" if kind == "point" else "area",
            next_url=self.request.path + ("?" + urlencode(query) if query else ""),
        )  # fmt: skip
        return context


class RosterImportView(OfficeRequiredMixin, FormView):
    """Upload people and duties (kind "people") or units (kind "units"): names, abbreviations or codes."""

    template_name = "geo/roster_import.html"

    def get_form_class(self):
        from wenming.geo.forms import RosterImportForm

        return RosterImportForm

    def kind(self) -> str:
        kind = self.kwargs.get("kind")
        if kind not in ("people", "units"):
            raise Http404
        return kind

    def get_context_data(self, **kwargs):
        from wenming.geo import roster

        context = super().get_context_data(**kwargs)
        people = self.kind() == "people"
        context.update(
            kind=self.kind(),
            title=_("导入人员与岗位职责") if people else _("导入责任单位"),
            columns=roster.COLUMNS if people else roster.UNIT_COLUMNS,
            required_columns=(roster.C_NAME, roster.C_UNIT) if people else (roster.U_CODE, roster.U_NAME),
        )
        return context

    def form_valid(self, form):
        from wenming.geo import roster
        from wenming.geo.tables import max_bytes

        upload = form.cleaned_data["file"]
        if upload.size > max_bytes():
            form.add_error("file", _("文件过大（上限 %(mb).1f MB）。") % {"mb": max_bytes() / 1024 / 1024})
            return self.form_invalid(form)
        run = roster.import_roster if self.kind() == "people" else roster.import_units
        try:
            result = run(actor=self.request.user, data=upload.read(), filename=upload.name)
        except services.ImportRejected as exc:
            context = self.get_context_data(
                form=form, import_errors=exc.errors[:200], error_count=len(exc.errors)
            )
            return self.render_to_response(context, status=400)
        messages.success(self.request, result.summary())
        return redirect(self.request.path)
