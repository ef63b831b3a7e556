"""Pages for the organisation registry: units, special groups, people, and the duty matrix (定人定岗定责).

Places (areas, points, duties) belong to the geo app, which sits above org; these pages reach them
through the app registry (`apps.get_model`) and their scoped querysets, never by importing geo.
"""

from collections import defaultdict
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, TemplateView

from wenming.core.mixins import (
    FilteredListView,
    ScopedQuerysetMixin,
    ServiceCreateView,
    ServiceUpdateView,
    can_change,
)
from wenming.org import services
from wenming.org.filtersets import PersonFilterSet, SpecialGroupFilterSet, UnitFilterSet
from wenming.org.forms import PersonForm, SpecialGroupForm, UnitForm
from wenming.org.models import Person, SpecialGroup, Unit


def geo_model(name: str):
    return apps.get_model("geo", name)


# --- units ------------------------------------------------------------------------------------------


class UnitListView(FilteredListView):
    model = Unit
    filterset_class = UnitFilterSet
    template_name = "org/unit_list.html"

    def base_queryset(self):
        return (
            Unit.objects.select_related("parent")
            .annotate(n_people=Count("people", distinct=True), n_points=Count("points", distinct=True))
            .order_by("level", "code")
        )


class UnitDetailView(ScopedQuerysetMixin, DetailView):
    model = Unit
    template_name = "org/unit_detail.html"

    def base_queryset(self):
        return Unit.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit, user = self.object, self.request.user
        Point = geo_model("Point")
        points = (
            Point.objects.restrict(user, "view").answered_by([unit.pk])
            .select_related("point_type", "area").order_by("code")
        )  # fmt: skip
        groups = SpecialGroup.objects.restrict(user, "view").filter(
            Q(lead_unit=unit) | Q(pk__in=SpecialGroup.member_units.through.objects.filter(unit=unit).values(
                "specialgroup_id"))
        ).select_related("lead_unit")  # fmt: skip
        context.update(
            people=Person.objects.restrict(user, "view").filter(unit=unit).order_by("name"),
            children=Unit.objects.restrict(user, "view").filter(parent=unit).order_by("code"),
            point_count=points.count(),
            points=points[:50],
            groups=groups,
            territories=geo_model("Area").objects.restrict(user, "view").filter(unit=unit).order_by("code"),
        )
        return context


class UnitFormPage:
    model = Unit
    form_class = UnitForm
    template_name = "org/form.html"
    success_message = gettext_lazy("已保存单位 %(name)s。")


class UnitCreateView(UnitFormPage, ServiceCreateView):
    service = staticmethod(services.create_unit)


class UnitEditView(UnitFormPage, ServiceUpdateView):
    service = staticmethod(services.update_unit)
    object_kwarg = "unit"


# --- special groups ---------------------------------------------------------------------------------


class GroupListView(FilteredListView):
    model = SpecialGroup
    filterset_class = SpecialGroupFilterSet
    template_name = "org/group_list.html"

    def base_queryset(self):
        return (
            SpecialGroup.objects.select_related("lead_unit")
            .annotate(
                n_members=Count("member_units", distinct=True),
                n_categories=Count("categories", distinct=True),
            )
            .order_by("order", "code")
        )


class GroupDetailView(ScopedQuerysetMixin, DetailView):
    model = SpecialGroup
    template_name = "org/group_detail.html"
    context_object_name = "group"

    def base_queryset(self):
        return SpecialGroup.objects.select_related("lead_unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = self.object
        context.update(
            members=group.member_units.order_by("level", "code"),
            categories=group.categories.select_related("parent").order_by("order", "code"),
            category_duties=geo_model("Duty").objects.restrict(self.request.user, "view").current()
            .filter(category__special_group=group).select_related("person", "person__unit", "category"),
        )  # fmt: skip
        return context


class GroupFormPage:
    model = SpecialGroup
    form_class = SpecialGroupForm
    template_name = "org/form.html"
    success_message = gettext_lazy("已保存专项整治组 %(name)s。")


class GroupCreateView(GroupFormPage, ServiceCreateView):
    service = staticmethod(services.create_group)


class GroupEditView(GroupFormPage, ServiceUpdateView):
    service = staticmethod(services.update_group)
    object_kwarg = "group"


# --- people -----------------------------------------------------------------------------------------


class PersonListView(FilteredListView):
    model = Person
    filterset_class = PersonFilterSet
    template_name = "org/person_list.html"

    def base_queryset(self):
        return (
            Person.objects.select_related("unit")
            .annotate(n_duties=Count("duties", filter=Q(duties__end_date__isnull=True), distinct=True))
            .order_by("unit__level", "unit__code", "name", "id")
        )


class PersonDetailView(ScopedQuerysetMixin, DetailView):
    model = Person
    template_name = "org/person_detail.html"

    def base_queryset(self):
        return Person.objects.select_related("unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person, user = self.object, self.request.user
        Duty = geo_model("Duty")
        duties = (
            Duty.objects.restrict(user, "view").filter(person=person)
            .select_related("area", "point", "category").order_by("-start_date", "post")
        )  # fmt: skip
        context.update(
            duties=duties,
            current_duty_ids=set(Duty.objects.current().filter(person=person).values_list("pk", flat=True)),
            points=geo_model("Point").objects.restrict(user, "view").filter(responsible_person=person)
            .select_related("point_type").order_by("code")[:100],
        )  # fmt: skip
        return context


class PersonFormPage:
    model = Person
    form_class = PersonForm
    template_name = "org/form.html"
    success_message = gettext_lazy("已保存人员 %(name)s。")


class PersonCreateView(PersonFormPage, ServiceCreateView):
    service = staticmethod(services.create_person)

    def get_initial(self):
        return {"unit": self.request.GET.get("unit")} if self.request.GET.get("unit") else {}


class PersonEditView(PersonFormPage, ServiceUpdateView):
    service = staticmethod(services.update_person)
    object_kwarg = "person"


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

    template_name = "org/duty_matrix.html"
    paginate_by = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        Area, Point, Duty = geo_model("Area"), geo_model("Point"), geo_model("Duty")
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
            total=len(all_ids), gap_count=len(gap_ids), can_change=can_change(user),
            subject_param="point" if kind == "point" else "area",
            next_url=self.request.path + ("?" + urlencode(query) if query else ""),
        )  # fmt: skip
        return context
