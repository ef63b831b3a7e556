"""The shipped default standard (data/default_standard.yaml): it loads and meets the counts the brief asks."""

from collections import Counter
from decimal import Decimal

import pytest

from tests.factories import make_group, make_unit
from wenming.standards.choices import TOP_CATEGORIES, CategoryKind, DeadlineUnit, GradingRule, Method
from wenming.standards.models import (
    CriteriaBlock,
    Criterion,
    Indicator,
    PointType,
    ProblemCategory,
    StandardSet,
)
from wenming.standards.rules import validate_rule
from wenming.standards.services import DEFAULT_STANDARD_FILE, load_default_standard
from wenming.standards.transfer import Catalogue, read_document, validate_document

pytestmark = pytest.mark.django_db

BRIEF_TYPES = [
    "主次干道",
    "商业大街",
    "背街小巷",
    "主要交通路口",
    "居民小区",
    "社区",
    "农贸（集贸）市场",
    "公园",
    "公共广场",
    "公交站点",
    "公交车",
    "出租车",
    "医院",
    "中小学校及周边",
    "网吧",
    "政务大厅",
    "银行网点",
    "窗口单位",
    "宾馆酒店",
    "商场超市",
    "新时代文明实践中心/所/站",
    "建筑工地",
    "室外公共厕所",
    "景区景点",
    "公共文化设施",
    "长途汽车站/火车站",
    "城乡接合部",
]
SPECIAL_GROUPS = {f"SG{i:02d}" for i in range(1, 11)}


def test_default_file_is_valid_without_any_database_rows():
    plan, problems = validate_document(read_document(DEFAULT_STANDARD_FILE.read_bytes(), "yaml"), Catalogue())
    assert problems == []
    assert plan.standard_set.code == "HULI-2021-DEMO"


def test_default_standard_loads_with_the_required_counts():
    # when
    standard_set = load_default_standard()
    # then: the tree
    assert standard_set.name == "湖里区文明城市测评体系（示范）"
    assert standard_set.is_active is True
    levels = Counter(Indicator.objects.filter(standard_set=standard_set).values_list("level", flat=True))
    assert levels[1] == 10
    assert levels[2] >= 30
    assert levels[3] >= 70
    assert sum(i.weight for i in standard_set.indicators.filter(level=1)) == Decimal("100")
    # point types: at least 26, every type the brief lists, stable upper-case codes, each with a checklist
    assert PointType.objects.count() >= 26
    assert set(BRIEF_TYPES) <= set(PointType.objects.values_list("name", flat=True))
    for point_type in PointType.objects.all():
        assert point_type.code.isupper() and " " not in point_type.code
        assert Criterion.objects.in_set(standard_set).for_point_type(point_type).exists(), point_type.code
    # criteria
    criteria = list(Criterion.objects.filter(standard_set=standard_set))
    assert len(criteria) >= 220
    assert {c.rule for c in criteria} == set(GradingRule.values)
    assert {c.method for c in criteria} == set(Method.values)
    assert sum(1 for c in criteria if c.sampling_note) >= 100


def test_every_default_criterion_has_valid_normalised_params_and_a_place():
    standard_set = load_default_standard()
    for criterion in Criterion.objects.filter(standard_set=standard_set).prefetch_related("point_types"):
        assert validate_rule(criterion.rule, criterion.rule_params, criterion.weight) == criterion.rule_params
        if criterion.method == Method.FIELD:
            assert criterion.block_id or criterion.point_types.exists(), criterion.code
            assert criterion.category_id is not None, criterion.code
        else:
            assert not criterion.block_id and not criterion.point_types.exists(), criterion.code


def test_common_civility_block_covers_most_public_point_types():
    standard_set = load_default_standard()
    common = CriteriaBlock.objects.get(standard_set=standard_set, code="COMMON")
    assert common.name == "公共文明通用项"
    assert common.point_types.count() >= 24
    texts = " ".join(common.criteria.values_list("text", flat=True))
    for behaviour in ("随地吐痰", "乱扔垃圾", "吸烟", "遛狗", "插队", "消防通道", "公共设施"):
        assert behaviour in texts


def test_problem_categories_are_two_levels_with_deadlines_groups_and_examples():
    load_default_standard()
    tops = ProblemCategory.objects.top_level()
    assert sorted(tops.values_list("code", flat=True)) == sorted(TOP_CATEGORIES)
    leaves = list(ProblemCategory.objects.leaves().select_related("parent"))
    assert len(leaves) >= 48
    for category in leaves:
        assert category.parent.code in TOP_CATEGORIES
        assert category.code.startswith(category.parent.code + "-")
        assert category.kind in CategoryKind.values
        assert category.deadline_value and category.deadline_unit in DeadlineUnit.values
        assert category.special_group_code in SPECIAL_GROUPS
        assert category.closing_condition and category.public_name
        assert 5 <= len(category.example_list()) <= 10
    by_code = {c.code: c for c in leaves}
    # deadlines from domain.md §3
    assert (by_code["ENV-01"].name, by_code["ENV-01"].deadline_value, by_code["ENV-01"].deadline_unit) == (
        "暴露垃圾",
        1,
        "days",
    )
    assert (by_code["ENV-02"].deadline_value, by_code["ENV-02"].deadline_unit) == (5, "hours")
    assert (by_code["ORDER-05"].name, by_code["ORDER-05"].deadline_value) == ("违法建设", 15)
    assert (by_code["FACILITY-01"].deadline_value, by_code["FACILITY-01"].deadline_unit) == (2, "hours")
    # every kind is used; examples are varied (no duplicates across the whole catalogue)
    assert {c.kind for c in leaves} == set(CategoryKind.values)
    examples = [e for c in leaves for e in c.example_list()]
    assert len(examples) == len(set(examples))


def test_groups_created_before_loading_are_linked_and_later_ones_by_link_category_groups():
    # given SG01 exists before the load, SG03 only after
    sg01 = make_group(code="SG01", name="市容环境卫生整治组", lead_unit=make_unit())
    load_default_standard()
    assert ProblemCategory.objects.get(code="ENV-01").special_group == sg01
    assert ProblemCategory.objects.get(code="MARKET-01").special_group is None
    sg03 = make_group(code="SG03", name="农贸市场整治组", lead_unit=make_unit())
    # when: loading again (idempotent) links what exists now
    load_default_standard()
    # then
    assert ProblemCategory.objects.get(code="MARKET-01").special_group == sg03
    assert (
        ProblemCategory.objects.filter(special_group__isnull=False).count()
        == ProblemCategory.objects.filter(special_group_code__in=["SG01", "SG03"]).count()
    )


def test_loading_twice_does_not_duplicate_anything():
    first = load_default_standard()
    counts = (
        StandardSet.objects.count(),
        Indicator.objects.count(),
        Criterion.objects.count(),
        PointType.objects.count(),
        ProblemCategory.objects.count(),
        PointType.history.count(),
        ProblemCategory.history.count(),
    )
    second = load_default_standard()
    assert second.pk == first.pk
    assert (
        StandardSet.objects.count(),
        Indicator.objects.count(),
        Criterion.objects.count(),
        PointType.objects.count(),
        ProblemCategory.objects.count(),
        PointType.history.count(),
        ProblemCategory.history.count(),
    ) == counts
