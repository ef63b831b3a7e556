"""The example library (典型示例库): right and wrong practice per point type, linked to criteria, with photos."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from wenming.inspections.exports import xlsx_response
from wenming.surveys import services
from wenming.surveys.choices import EXAMPLE_KIND_BADGE
from wenming.surveys.filtersets import ExampleFilterSet
from wenming.surveys.forms import ExampleForm
from wenming.surveys.models import Example, ExamplePhoto
from wenming.surveys.views.common import (
    OfficeMixin,
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


class ExampleCreateView(OfficeMixin, View):
    template = "surveys/example_form.html"

    def get(self, request):
        initial = {"is_published": True}
        for name in ("point_type", "criterion", "kind"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        return render(request, self.template, {"form": ExampleForm(initial=initial)})

    def post(self, request):
        form = ExampleForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                example = services.create_example(actor=request.user, photos=request.FILES.getlist("photos"),
                                                   **form.service_args())  # fmt: skip
            except services.SurveyError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("典型示例已保存。"))
                return redirect(example.get_absolute_url())
        return render(request, self.template, {"form": form}, status=400)


class ExampleUpdateView(LoginRequiredMixin, View):
    template = "surveys/example_form.html"

    def _example(self, request, pk):
        example = visible_example(request, pk)
        require_office(request.user)
        return example

    def get(self, request, pk):
        example = self._example(request, pk)
        return render(request, self.template, {"form": ExampleForm(initial=ExampleForm.initial_for(example)),
                                               "example": example})  # fmt: skip

    def post(self, request, pk):
        example = self._example(request, pk)
        form = ExampleForm(request.POST)
        if form.is_valid():
            try:
                services.update_example(actor=request.user, example=example, **form.service_args())
            except services.SurveyError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("典型示例已保存。"))
                return redirect(example.get_absolute_url())
        return render(request, self.template, {"form": form, "example": example}, status=400)


class ExampleDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        example = visible_example(request, pk)
        context = {"example": example, "photos": example.photos.order_by("pk"), "can_manage": is_office(request.user),
                   "badges": EXAMPLE_KIND_BADGE}  # fmt: skip
        return render(request, "surveys/example_detail.html", context)


class ExampleDeleteView(LoginRequiredMixin, View):
    def get(self, request, pk):
        example = visible_example(request, pk)
        require_office(request.user)
        return render(
            request, "core/confirm_delete.html", {"object": example, "cancel_url": example.get_absolute_url()}
        )

    def post(self, request, pk):
        example = visible_example(request, pk)
        require_office(request.user)
        services.delete_example(actor=request.user, example=example)
        messages.success(request, _("典型示例已删除。"))
        return redirect("surveys:example_list")


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
