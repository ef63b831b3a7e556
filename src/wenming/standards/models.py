"""The evaluation standard (测评体系): versioned sets, indicator tree, point types, criteria, categories."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.models import TimeStampedModel
from wenming.standards.choices import CategoryKind, DeadlineUnit, GradingRule, Method, StandardScope
from wenming.standards.querysets import (
    CriteriaBlockQuerySet,
    CriterionQuerySet,
    IndicatorQuerySet,
    PointTypeQuerySet,
    ProblemCategoryQuerySet,
    StandardSetQuerySet,
)
from wenming.standards.rules import RuleError, describe_rule, validate_rule


class StandardSet(TimeStampedModel):
    """A versioned evaluation standard (测评体系), e.g. 全国文明城市测评体系 2021 版; one active per scope."""

    code = models.CharField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=160)
    version = models.CharField(_("版本"), max_length=40)
    scope = models.CharField(_("发布层级"), max_length=20, choices=StandardScope.choices)
    is_active = models.BooleanField(_("启用"), default=False)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    description = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    objects = StandardSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("测评体系")
        verbose_name_plural = _("测评体系")
        ordering = ["-is_active", "scope", "-effective_from", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope"], condition=Q(is_active=True), name="one_active_standard_per_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.version}）"

    def get_absolute_url(self) -> str:
        return reverse("standards:standard_detail", args=[self.pk])

    def tree(self, *, with_criteria: bool = True) -> list["Indicator"]:
        """Level-Ⅰ items with `child_nodes` down to contents, each content with `criterion_list` (2–3 queries)."""
        nodes = list(self.indicators.order_by("level", "order", "code"))
        by_id = {node.pk: node for node in nodes}
        items = []
        for node in nodes:
            node.child_nodes, node.criterion_list = [], []
            if node.parent_id:
                by_id[node.parent_id].child_nodes.append(node)
            else:
                items.append(node)
        if with_criteria:
            criteria = (
                Criterion.objects.filter(standard_set=self)
                .select_related("block", "category")
                .prefetch_related("point_types")
                .order_by("order", "code")
            )
            for criterion in criteria:
                by_id[criterion.indicator_id].criterion_list.append(criterion)
        return items


class Indicator(models.Model):
    """A node of the indicator tree: 测评项目 (level 1) → 指标 (2) → 测评内容 (3)."""

    standard_set = models.ForeignKey(StandardSet, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField(
        _("层级"), choices=[(1, _("测评项目")), (2, _("测评指标")), (3, _("测评内容"))]
    )
    code = models.CharField(_("编号"), max_length=30)
    name = models.CharField(_("名称"), max_length=300)
    weight = models.DecimalField(_("权数"), max_digits=8, decimal_places=3, default=Decimal("0"))
    methods = models.JSONField(_("测评方法"), default=list, blank=True, help_text=_("Method 代码列表"))
    order = models.PositiveIntegerField(_("排序"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("测评指标")
        verbose_name_plural = _("测评指标")
        ordering = ["standard_set_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["standard_set", "code"], name="indicator_code_unique_in_set")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.parent_id and self.parent.level != self.level - 1:
            raise ValidationError(_("上级指标的层级必须比本级高一级。"))
        if self.level == 1 and self.parent_id:
            raise ValidationError(_("测评项目（一级）不能有上级。"))
        bad = [str(m) for m in self.methods or [] if m not in Method.values]
        if bad:
            raise ValidationError(_("未知测评方法：%(m)s") % {"m": "、".join(bad)})
        if self.parent_id and self.parent.standard_set_id != self.standard_set_id:
            raise ValidationError(_("上级指标必须属于同一测评体系。"))

    def method_labels(self) -> list[str]:
        labels = dict(Method.choices)
        return [str(labels.get(m, m)) for m in self.methods or []]


class PointType(TimeStampedModel):
    """An inspection point type (点位类型), e.g. 农贸市场, 背街小巷; field criteria attach to types."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    objects = PointTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("点位类型")
        verbose_name_plural = _("点位类型")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class CriteriaBlock(models.Model):
    """A block of criteria attached to many point types at once, e.g. the common civility block (公共文明通用项)."""

    standard_set = models.ForeignKey(StandardSet, on_delete=models.CASCADE, related_name="blocks")
    code = models.CharField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=120)
    point_types = models.ManyToManyField(
        PointType, verbose_name=_("适用点位类型"), blank=True, related_name="blocks"
    )

    objects = CriteriaBlockQuerySet.as_manager()

    class Meta:
        verbose_name = _("通用测评模块")
        verbose_name_plural = _("通用测评模块")
        constraints = [
            models.UniqueConstraint(fields=["standard_set", "code"], name="block_code_unique_in_set")
        ]

    def __str__(self) -> str:
        return self.name


class ProblemCategory(TimeStampedModel):
    """A problem category (问题分类), two levels; the top level is the eight fixed codes."""

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=CategoryKind.choices, blank=True)
    special_group = models.ForeignKey(
        "org.SpecialGroup",
        verbose_name=_("主管专项组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="categories",
    )
    # The group's code as written in the standard file; kept so the link can be made once the group exists
    # (`services.link_category_groups`). When `special_group` is set the two agree.
    special_group_code = models.CharField(_("主管专项组编码"), max_length=40, blank=True)
    deadline_value = models.PositiveIntegerField(_("处置时限"), null=True, blank=True)
    deadline_unit = models.CharField(_("时限单位"), max_length=10, choices=DeadlineUnit.choices, blank=True)
    closing_condition = models.CharField(_("结案条件"), max_length=300, blank=True)
    description = models.TextField(_("说明"), blank=True)
    examples = models.TextField(_("示例描述"), blank=True, help_text=_("每行一条，用于自动分类训练"))
    public_name = models.CharField(_("群众可见名称"), max_length=80, blank=True)
    is_public = models.BooleanField(_("群众可选"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    objects = ProblemCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题分类")
        verbose_name_plural = _("问题分类")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.parent_id:
            raise ValidationError(_("问题分类只有两级。"))
        if self.parent_id and (self.deadline_value is None or not self.deadline_unit):
            raise ValidationError(_("二级分类必须设置处置时限及其单位。"))
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError(_("上级分类不能是自身。"))
        if self.special_group_id:
            self.special_group_code = self.special_group.code

    @property
    def is_top_level(self) -> bool:
        return self.parent_id is None

    @property
    def top_code(self) -> str:
        """The code of the top-level category (one of the eight) this category belongs to."""
        return self.parent.code if self.parent_id else self.code

    def example_list(self) -> list[str]:
        return [line.strip() for line in self.examples.splitlines() if line.strip()]


class Criterion(models.Model):
    """A numbered sub-standard (测评标准) with its grading rule; field ones apply to point types."""

    standard_set = models.ForeignKey(StandardSet, on_delete=models.CASCADE, related_name="criteria")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("测评内容"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(_("编号"), max_length=40)
    text = models.TextField(_("测评标准"))
    weight = models.DecimalField(_("分值"), max_digits=8, decimal_places=3, default=Decimal("1"))
    method = models.CharField(_("测评方法"), max_length=20, choices=Method.choices, default=Method.FIELD)
    point_types = models.ManyToManyField(
        PointType, verbose_name=_("适用点位类型"), blank=True, related_name="criteria"
    )
    block = models.ForeignKey(
        CriteriaBlock,
        verbose_name=_("所属通用模块"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="criteria",
    )
    sampling_note = models.CharField(_("点内抽样说明"), max_length=300, blank=True)
    rule = models.CharField(
        _("评分规则"), max_length=20, choices=GradingRule.choices, default=GradingRule.COMPLIANCE
    )
    rule_params = models.JSONField(_("规则参数"), default=dict, blank=True)
    category = models.ForeignKey(
        ProblemCategory,
        verbose_name=_("对应问题分类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="criteria",
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    objects = CriterionQuerySet.as_manager()

    class Meta:
        verbose_name = _("测评标准")
        verbose_name_plural = _("测评标准")
        ordering = ["standard_set_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["standard_set", "code"], name="criterion_code_unique_in_set")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    def clean(self) -> None:
        errors = {}
        try:
            self.rule_params = validate_rule(self.rule, self.rule_params, self.weight)
        except RuleError as exc:
            errors["rule_params"] = str(exc)
        if self.indicator_id:
            if self.indicator.level != 3:
                errors["indicator"] = _("测评标准只能挂在测评内容（三级指标）下。")
            elif self.standard_set_id and self.indicator.standard_set_id != self.standard_set_id:
                errors["indicator"] = _("测评内容必须属于同一测评体系。")
        if self.category_id and self.category.parent_id is None:
            errors["category"] = _("对应问题分类必须是二级分类。")
        if errors:
            raise ValidationError(errors)

    def rule_description(self) -> str:
        """How the item is graded, in one sentence (shown on the checklist)."""
        try:
            params = validate_rule(self.rule, self.rule_params, self.weight)
        except RuleError as exc:
            return str(exc)
        return describe_rule(self.rule, params, self.weight)
