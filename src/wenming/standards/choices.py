from django.db import models
from django.utils.translation import gettext_lazy as _


class StandardScope(models.TextChoices):
    """Who issued a standard set; one set is active per scope."""

    NATIONAL = "national", _("全国")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")


class Method(models.TextChoices):
    """How an indicator is evaluated (测评方法)."""

    FIELD = "field", _("实地考察")
    SURVEY = "survey", _("问卷调查")
    MATERIAL = "material", _("材料审核/网上申报")
    ONLINE = "online", _("网络调查")
    SIMULATION = "simulation", _("模拟验证")


class GradingRule(models.TextChoices):
    """How one criterion is graded from its observations (domain.md §2); params: `standards/rules.py`."""

    COMPLIANCE = "compliance", _("符合/不符合")  # params: {}
    ABC = (
        "abc",
        _("A/B/C/C# 分档"),
    )  # params: {"thresholds": [0, 1, 2, 3], "rates": [1, 0.66, 0.33, 0], "letters": […]}
    DEDUCTION = "deduction", _("按次扣分（封顶）")  # params: {"per_problem": 0.5, "cap": <= weight}
    QUOTA = (
        "quota",
        _("数量达标"),
    )  # params: {"required": 2, "per_missing": 0.5, "cap": <= weight, "unit": "处"}
    SAMPLED = (
        "sampled",
        _("抽样子单元"),
    )  # params: {"sample_size": 5, "grades": {"A": 5, "B": 4}, "fallback": "C", "rates": {…}, "unit": "个"}


class CategoryKind(models.TextChoices):
    """City-management classification: components, events, plus the campaign's behaviours."""

    COMPONENT = "component", _("部件")
    EVENT = "event", _("事件")
    BEHAVIOR = "behavior", _("行为")


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("工作小时")
    DAYS = "days", _("工作日")


# The eight top-level problem categories (fixed codes; names editable).
TOP_CATEGORIES = {
    "ENV": _("环境卫生"),
    "ORDER": _("市容秩序"),
    "TRAFFIC": _("交通秩序"),
    "FACILITY": _("设施设备"),
    "PUBLICITY": _("公益宣传"),
    "BEHAVIOR": _("文明行为"),
    "MARKET": _("市场与窗口服务"),
    "COMMUNITY": _("社区小区管理"),
}
