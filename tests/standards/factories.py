"""Factories for standards tests: a small valid standard file (dict → YAML/XLSX bytes) and DB snapshots."""

import copy
import io

import yaml

from wenming.standards.models import (
    CriteriaBlock,
    Criterion,
    Indicator,
    PointType,
    ProblemCategory,
    StandardSet,
)
from wenming.standards.services import import_standard
from wenming.standards.transfer import read_document, validate_document
from wenming.standards.transfer.spec import FORMAT
from wenming.standards.transfer.validate import Catalogue
from wenming.standards.transfer.writers import write_xlsx

SMALL = {
    "format": FORMAT,
    "standard_set": {
        "code": "T-1",
        "name": "测试体系",
        "version": "1",
        "scope": "district",
        "effective_from": "2024-01-01",
    },
    "point_types": [
        {"code": "T_ROAD", "name": "测试道路", "description": "道路"},
        {"code": "T_MARKET", "name": "测试市场"},
    ],
    "categories": [
        {"code": "ENV", "name": "环境卫生"},
        {
            "code": "ENV-T1",
            "name": "测试暴露垃圾",
            "parent": "ENV",
            "kind": "event",
            "special_group": "SG01",
            "deadline_value": 1,
            "deadline_unit": "days",
            "public_name": "垃圾没清运",
            "examples": ["路边有垃圾", "垃圾堆了三天"],
        },
        {"code": "BEHAVIOR", "name": "文明行为"},
        {
            "code": "BEHAVIOR-T1",
            "name": "测试随地吐痰",
            "parent": "BEHAVIOR",
            "kind": "behavior",
            "deadline_value": 5,
            "deadline_unit": "hours",
        },
    ],
    "blocks": [{"code": "COMMON", "name": "公共文明通用项", "point_types": ["T_ROAD", "T_MARKET"]}],
    "items": [{"code": "A", "name": "项目一", "weight": 4, "methods": ["field", "material"]}],
    "indicators": [{"code": "A01", "parent": "A", "name": "指标一", "weight": 4, "methods": ["field"]}],
    "contents": [
        {"code": "A01-01", "parent": "A01", "name": "道路与市场", "weight": 2, "methods": ["field"]},
        {"code": "A01-02", "parent": "A01", "name": "公共文明", "weight": 1.5, "methods": ["field"]},
        {"code": "A01-03", "parent": "A01", "name": "台账", "weight": 0.5, "methods": ["material"]},
    ],
    "criteria": [
        {
            "code": "A01-01-01",
            "content": "A01-01",
            "text": "路面无暴露垃圾",
            "weight": 1,
            "method": "field",
            "point_types": ["T_ROAD"],
            "sampling_note": "沿道路步行 500 米",
            "rule": "deduction",
            "rule_params": {"per_problem": 0.5},
            "category": "ENV-T1",
        },
        {
            "code": "A01-01-02",
            "content": "A01-01",
            "text": "公益广告 ≥ 2 处",
            "weight": 1,
            "method": "field",
            "point_types": ["T_MARKET"],
            "rule": "quota",
            "rule_params": {"required": 2, "per_missing": 0.5},
        },
        {
            "code": "A01-02-01",
            "content": "A01-02",
            "text": "无随地吐痰",
            "weight": 1.5,
            "method": "field",
            "block": "COMMON",
            "rule": "abc",
            "category": "BEHAVIOR-T1",
        },
        {
            "code": "A01-03-01",
            "content": "A01-03",
            "text": "台账齐全",
            "weight": 0.5,
            "method": "material",
            "rule": "compliance",
        },
    ],
}


def small_doc(**overrides) -> dict:
    doc = copy.deepcopy(SMALL)
    doc["standard_set"].update(overrides)
    return doc


def to_yaml(doc: dict) -> bytes:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()


def to_xlsx(doc: dict) -> bytes:
    """The XLSX template filled with `doc` (through the real YAML reader and the real writer)."""
    plan, problems = validate_document(read_document(to_yaml(doc), "yaml"), Catalogue())
    assert not problems, problems
    return write_xlsx(plan)


def edit_xlsx(data: bytes, edit) -> bytes:
    """Open the workbook, let `edit(workbook)` change it, return the saved bytes."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def import_small(actor=None, **overrides) -> StandardSet:
    return import_standard(actor=actor, file=to_yaml(small_doc(**overrides)), fmt="yaml")


def snapshot() -> dict:
    """Row counts and catalogue contents: what a refused import must leave untouched."""
    return {
        "sets": list(StandardSet.objects.values_list("code", "is_active").order_by("code")),
        "indicators": Indicator.objects.count(),
        "criteria": Criterion.objects.count(),
        "blocks": CriteriaBlock.objects.count(),
        "point_types": list(
            PointType.objects.values_list("code", "name", "description", "order").order_by("code")
        ),
        "categories": list(
            ProblemCategory.objects.values_list("code", "name", "parent__code", "deadline_value").order_by(
                "code"
            )
        ),
    }
