"""The example library (典型示例库): right and wrong practice per point type, linked to criteria, with photos."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wenming.inspections.exports import xlsx_response
from wenming.surveys import services
from wenming.surveys.choices import EXAMPLE_KIND_BADGE
from wenming.surveys.filtersets import ExampleFilterSet
from wenming.surveys.forms import ExampleForm
from wenming.surveys.models import Example, ExamplePhoto
from wenming.surveys.views.common import (
    ServiceCreatePage,
    ServiceDeletePage,
    ServiceUpdatePage,
    error_text,
    is_office,
    list_template,
    page_of,
    require_office,
)


def visible_example(request, pk) -> Example:
    return get_object_or_404(
        Example.objects.restrict(request.user, "view").select_related("point_type", "criterion", "point"),
        pk=pk,
    )


class ExampleListView(LoginRequiredMixin, View):
    """典型示例: by point type, right and wrong practice side by side."""

    template = "surveys/example_list.html"

    def get(self, request):
        from wenming.standards.models import PointType

        examples = (
            Example.objects.restrict(request.user, "view")
            .select_related("point_type", "criterion")
            .prefetch_related(Prefetch("photos", queryset=ExamplePhoto.objects.order_by("pk")))
            .order_by("point_type__order", "point_type__code", "kind", "-pk")
        )
        filterset = ExampleFilterSet(request.GET, queryset=examples)
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                "examples",
                _("典型示例"),
                [_("点位类型"), _("类型"), _("标题"), _("测评标准"), _("照片数"), _("已发布")],
                (
                    [
                        e.point_type.name,
                        e.get_kind_display(),
                        e.title,
                        e.criterion.code if e.criterion else "",
                        len(e.photos.all()),
                        _("是") if e.is_published else _("否"),
                    ]
                    for e in filterset.qs
                ),
            )
        context = {"filter": filterset, "page_obj": page_of(request, filterset.qs, 24), "badges": EXAMPLE_KIND_BADGE,
                   "point_types": PointType.objects.order_by("order", "code"), "can_manage": is_office(request.user)}  # fmt: skip
        return render(request, list_template(request, self.template), context)


class ExampleCreateView(ServiceCreatePage):
    template = "surveys/example_form.html"
    form_class = ExampleForm
    success_message = gettext_lazy("典型示例已保存。")

    def initial(self, obj) -> dict:
        initial = {"is_published": True}
        for name in ("point_type", "criterion", "kind"):
            if self.request.GET.get(name):
                initial[name] = self.request.GET[name]
        return initial

    def bound_form(self, request):
        return self.form_class(request.POST, request.FILES)

    def save(self, request, form, obj):
        return services.create_example(actor=request.user, photos=request.FILES.getlist("photos"),
                                       **form.service_args())  # fmt: skip


class ExampleUpdateView(ServiceUpdatePage):
    template = "surveys/example_form.html"
    form_class = ExampleForm
    success_message = gettext_lazy("典型示例已保存。")
    lookup = staticmethod(visible_example)
    object_name = "example"

    def save(self, request, form, example):
        services.update_example(actor=request.user, example=example, **form.service_args())
        return example


class ExampleDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        example = visible_example(request, pk)
        context = {"example": example, "photos": example.photos.order_by("pk"), "can_manage": is_office(request.user),
                   "badges": EXAMPLE_KIND_BADGE}  # fmt: skip
        return render(request, "surveys/example_detail.html", context)


class ExampleDeleteView(ServiceDeletePage):
    lookup = staticmethod(visible_example)
    success_message = gettext_lazy("典型示例已删除。")
    success_url = "surveys:example_list"

    def delete_object(self, request, example) -> None:
        services.delete_example(actor=request.user, example=example)


class ExamplePhotoAddView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        example = visible_example(request, pk)
        require_office(request.user)
        try:
            services.add_example_photos(actor=request.user, example=example, uploads=request.FILES.getlist("photos"),
                                        caption=request.POST.get("caption", ""))  # fmt: skip
        except services.SurveyError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("照片已添加。"))
        return redirect(example.get_absolute_url())


class ExamplePhotoDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        photo = get_object_or_404(ExamplePhoto.objects.select_related("example"), pk=pk)
        if not Example.objects.restrict(request.user, "view").filter(pk=photo.example_id).exists():
            raise Http404
        require_office(request.user)
        example = services.delete_example_photo(actor=request.user, photo=photo)
        messages.success(request, _("照片已删除。"))
        return redirect(example.get_absolute_url())
