"""Pages for the organisation registry: units, special groups, people, and the duty matrix (定人定岗定责).

Places (areas, points, duties) belong to the geo app, which sits above org: these pages show a unit's or a
person's places through the reverse relations geo's foreign keys declare (`unit.points`, `unit.territories`,
`person.duties` …) and the scoped querysets their managers return, never by importing geo. The duty matrix
(定人定岗定责) is a geo page.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from wenming.core.mixins import (
    FilteredListView,
    ScopedQuerysetMixin,
    ServiceCreateView,
    ServiceUpdateView,
)
from wenming.org import services
from wenming.org.filtersets import PersonFilterSet, SpecialGroupFilterSet, UnitFilterSet
from wenming.org.forms import PersonForm, SpecialGroupForm, UnitForm
from wenming.org.models import Person, SpecialGroup, Unit


def _duties():
    """Geo's duty manager, reached through the relation geo declares on `Person`."""
    return Person.duties.rel.related_model.objects


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
        points = (
            Unit.points.rel.related_model.objects.restrict(user, "view").answered_by([unit.pk])
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
            territories=unit.territories.restrict(user, "view").order_by("code"),
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
            category_duties=_duties().restrict(self.request.user, "view").current()
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
        duties = (
            person.duties.restrict(user, "view")
            .select_related("area", "point", "category").order_by("-start_date", "post")
        )  # fmt: skip
        context.update(
            duties=duties,
            current_duty_ids=set(person.duties.current().values_list("pk", flat=True)),
            points=person.points.restrict(user, "view").select_related("point_type").order_by("code")[:100],
        )
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
