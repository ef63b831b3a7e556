"""Pages of the standard: sets, the indicator tree, criteria search, per-type checklists, point types,
problem categories, import / export / activation. Everyone signed in reads; admin and office change."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from wenming.core.roles import is_office
from wenming.standards.choices import GradingRule, Method
from wenming.standards.filtersets import (
    CriterionFilterSet,
    PointTypeFilterSet,
    ProblemCategoryFilterSet,
    StandardSetFilterSet,
)
from wenming.standards.forms import StandardImportForm
from wenming.standards.models import Criterion, Indicator, PointType, ProblemCategory, StandardSet
from wenming.standards.services import (
    StandardImportError,
    activate_standard,
    export_standard,
    format_from_name,
    import_standard,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "yaml": "application/yaml; charset=utf-8"}


class _FilteredListView(LoginRequiredMixin, ListView):
    """A list = FilterSet + paginated table partial (returned alone to htmx)."""

    filterset_class = None
    paginate_by = 50
    partial = "table"

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        self.filterset = self.filterset_class(self.request.GET or None, queryset=self.base_queryset())
        return self.filterset.qs

    def get_template_names(self):
        name = super().get_template_names()[0]
        return [f"{name}#{self.partial}"] if self.request.htmx else [name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["can_change"] = is_office(self.request.user)
        return context


class StandardListView(_FilteredListView):
    model = StandardSet
    template_name = "standards/standard_list.html"
    filterset_class = StandardSetFilterSet
    paginate_by = 20

    def base_queryset(self):
        return (
            StandardSet.objects.restrict(self.request.user, "view")
            .with_counts()
            .order_by("-is_active", "scope", "-effective_from", "code")
        )


class StandardDetailView(LoginRequiredMixin, DetailView):
    """The indicator tree with weights and methods, criteria per content, and counts."""

    template_name = "standards/standard_detail.html"
    context_object_name = "standard_set"

    def get_queryset(self):
        return StandardSet.objects.restrict(self.request.user, "view")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        standard_set = self.object
        items = standard_set.tree()
        criteria = [
            c
            for item in items
            for ind in item.child_nodes
            for con in ind.child_nodes
            for c in con.criterion_list
        ]
        rule_labels, method_labels = dict(GradingRule.choices), dict(Method.choices)
        rules, methods = Counter(c.rule for c in criteria), Counter(c.method for c in criteria)
        context.update(
            items=items,
            criterion_count=len(criteria),
            indicator_count=sum(len(item.child_nodes) for item in items),
            content_count=sum(len(ind.child_nodes) for item in items for ind in item.child_nodes),
            total_weight=sum((item.weight for item in items), start=0),
            rule_counts=[(rule_labels[r], rules[r]) for r in GradingRule.values if rules[r]],
            method_counts=[(method_labels[m], methods[m]) for m in Method.values if methods[m]],
            point_types=PointType.objects.restrict(self.request.user, "view")
            .with_criterion_counts(standard_set)
            .order_by("order", "code"),
            blocks=standard_set.blocks.prefetch_related("point_types").order_by("code"),
            can_change=is_office(self.request.user),
        )
        return context


class CriterionListView(_FilteredListView):
    """Criteria of one set, searchable by text, point type, rule, method; XLSX of the filtered list."""

    model = Criterion
    template_name = "standards/criterion_list.html"
    filterset_class = CriterionFilterSet

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.standard_set = get_object_or_404(
                StandardSet.objects.restrict(request.user, "view"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return (
            Criterion.objects.restrict(self.request.user, "view")
            .in_set(self.standard_set)
            .select_related("indicator", "block", "category")
            .prefetch_related("point_types")
            .order_by("order", "code")
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return _criteria_xlsx(self.get_queryset(), self.standard_set)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            standard_set=self.standard_set,
            point_types=PointType.objects.restrict(self.request.user, "view"),
            rules=GradingRule.choices,
            methods=Method.choices,
            query=self.request.GET.urlencode(),
        )
        return context


def _criteria_xlsx(criteria, standard_set) -> HttpResponse:
    from wenming.core.spreadsheets import SafeWorkbook, workbook_bytes

    workbook = SafeWorkbook()
    sheet = workbook.active
    sheet.title = "测评标准"
    sheet.append(
        [
            "编号",
            "测评内容",
            "测评标准",
            "分值",
            "测评方法",
            "适用点位类型",
            "通用模块",
            "点内抽样说明",
            "评分规则",
            "评分说明",
            "问题分类",
        ]
    )
    for c in criteria:
        sheet.append(
            [
                c.code,
                f"{c.indicator.code} {c.indicator.name}",
                c.text,
                float(c.weight),
                c.get_method_display(),
                "、".join(p.name for p in c.point_types.all()),
                c.block.name if c.block_id else "",
                c.sampling_note,
                c.get_rule_display(),
                c.rule_description(),
                f"{c.category.code} {c.category.name}" if c.category_id else "",
            ]
        )
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{standard_set.code}-criteria.xlsx"'
    return response


class ChecklistView(LoginRequiredMixin, TemplateView):
    """What an inspector sees at one type of point: the applicable criteria grouped by indicator, then the
    common blocks (公共文明通用项 …), each with its sampling note, grading rule and weight."""

    template_name = "standards/checklist.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        standard_set = get_object_or_404(StandardSet.objects.restrict(user, "view"), pk=kwargs["pk"])
        point_type = get_object_or_404(
            PointType.objects.restrict(user, "view"), code=kwargs["point_type_code"]
        )
        indicators = {i.pk: i for i in Indicator.objects.in_set(standard_set)}
        criteria = list(
            Criterion.objects.restrict(user, "view")
            .in_set(standard_set)
            .for_point_type(point_type)
            .select_related("block", "category")
            .order_by("order", "code")
        )
        direct, blocks = [], {}
        for criterion in criteria:
            if criterion.block_id:
                blocks.setdefault(criterion.block, []).append(criterion)
            else:
                direct.append(criterion)
        context.update(
            standard_set=standard_set,
            point_type=point_type,
            groups=_group_by_content(direct, indicators),
            blocks=[(block, _group_by_content(items, indicators)) for block, items in blocks.items()],
            criterion_count=len(criteria),
            total_weight=sum((c.weight for c in criteria), start=0),
            point_types=PointType.objects.restrict(user, "view"),
        )
        return context


def _group_by_content(criteria, indicators: dict) -> list[dict]:
    """[{item, indicator, content, criteria}] in criteria order, one group per 测评内容."""
    groups: dict[int, dict] = {}
    for criterion in criteria:
        content = indicators[criterion.indicator_id]
        if content.pk not in groups:
            indicator = indicators.get(content.parent_id)
            item = indicators.get(indicator.parent_id) if indicator else None
            groups[content.pk] = {"item": item, "indicator": indicator, "content": content, "criteria": []}
        groups[content.pk]["criteria"].append(criterion)
    return list(groups.values())


class PointTypeListView(_FilteredListView):
    model = PointType
    template_name = "standards/point_type_list.html"
    filterset_class = PointTypeFilterSet

    def base_queryset(self):
        self.active = (
            StandardSet.objects.restrict(self.request.user, "view").active().order_by("scope").first()
        )
        return (
            PointType.objects.restrict(self.request.user, "view")
            .with_criterion_counts(self.active)
            .order_by("order", "code")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active_set"] = self.active
        return context


class CategoryListView(_FilteredListView):
    """The two-level category tree: subcategories (paginated) under their top-level heading."""

    model = ProblemCategory
    template_name = "standards/category_list.html"
    filterset_class = ProblemCategoryFilterSet

    def base_queryset(self):
        return (
            ProblemCategory.objects.restrict(self.request.user, "view")
            .leaves()
            .select_related("parent", "special_group")
            .order_by("parent__order", "parent__code", "order", "code")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tops = (
            ProblemCategory.objects.restrict(self.request.user, "view").top_level().order_by("order", "code")
        )
        context["tops"] = tops
        context["kinds"] = ProblemCategory._meta.get_field("kind").choices
        return context


class StandardImportView(LoginRequiredMixin, View):
    """Upload form; on failure every problem is shown in a table (sheet, row, column, message)."""

    template_name = "standards/standard_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_office(request.user):
            raise PermissionDenied(_("只有系统管理员和文明办可以导入测评体系。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": StandardImportForm()})

    def post(self, request):
        form = StandardImportForm(request.POST, request.FILES)
        problems = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                standard_set = import_standard(
                    actor=request.user,
                    file=upload,
                    fmt=format_from_name(upload.name),
                    activate=form.cleaned_data["activate"],
                )
            except StandardImportError as exc:
                problems = exc.problems
            else:
                messages.success(
                    request,
                    _("已导入测评体系「%(name)s」：%(n)d 条测评标准。")
                    % {"name": standard_set.name, "n": standard_set.criteria.count()},
                )
                return redirect(standard_set)
        status = 400 if problems or form.errors else 200
        return render(request, self.template_name, {"form": form, "problems": problems}, status=status)


class StandardExportView(LoginRequiredMixin, View):
    """Download a set as the XLSX template or YAML (`?fmt=xlsx|yaml`)."""

    def get(self, request, pk):
        standard_set = get_object_or_404(StandardSet.objects.restrict(request.user, "view"), pk=pk)
        fmt = request.GET.get("fmt", "xlsx")
        if fmt not in CONTENT_TYPES:
            return HttpResponse(
                _("不支持的格式，只支持 xlsx 或 yaml。"), status=400, content_type="text/plain; charset=utf-8"
            )
        content = export_standard(standard_set=standard_set, fmt=fmt)
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{standard_set.code}.{fmt}"'
        return response


class StandardActivateView(LoginRequiredMixin, View):
    """Confirmation page (GET) and activation (POST); sets the user may not change are 404."""

    template_name = "standards/standard_activate.html"

    def get_object(self, request, pk):
        return get_object_or_404(StandardSet.objects.restrict(request.user, "change"), pk=pk)

    def get(self, request, pk):
        standard_set = self.get_object(request, pk)
        current = (
            StandardSet.objects.active().filter(scope=standard_set.scope).exclude(pk=standard_set.pk).first()
        )
        return render(request, self.template_name, {"standard_set": standard_set, "current": current})

    def post(self, request, pk):
        standard_set = activate_standard(actor=request.user, standard_set=self.get_object(request, pk))
        messages.success(request, _("已启用测评体系「%(name)s」。") % {"name": standard_set.name})
        return redirect(standard_set)
