"""Factories for the inspections tests: a small standard with all five grading rules, places, people, rounds."""

import datetime
import io
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from tests.factories import (
    make_area,
    make_category,
    make_person,
    make_point,
    make_point_type,
    make_unit,
    make_user,
    n,
)
from wenming.geo.choices import AreaLevel
from wenming.inspections import services
from wenming.inspections.choices import RoundKind
from wenming.standards.models import CriteriaBlock, Criterion, Indicator, StandardSet


def make_standard(point_types, *, category=None) -> tuple[StandardSet, dict[str, Criterion]]:
    """A standard set with one criterion per grading rule for `point_types` plus a common civility block."""
    i = n()
    standard = StandardSet.objects.create(
        code=f"STD{i}", name=f"测试测评体系{i}", version="2026", scope="district"
    )
    item = Indicator.objects.create(standard_set=standard, level=1, code=f"I{i}", name="舒适便利的生活环境")
    sub = Indicator.objects.create(
        standard_set=standard, parent=item, level=2, code=f"I{i}.1", name="市容环境"
    )
    content = Indicator.objects.create(
        standard_set=standard, parent=sub, level=3, code=f"I{i}.1.1", name="背街小巷"
    )
    if category is None:
        category = make_category(parent=make_category(code=f"ENV{i}"))
    specs = {
        "compliance": ("compliance", {}, "路灯设置齐全"),
        "abc": ("abc", {}, "路面无垃圾杂物"),
        "deduction": ("deduction", {"per_problem": 0.5, "cap": 2}, "无乱张贴"),
        "quota": ("quota", {"required": 2, "per_missing": 0.5, "unit": "处"}, "公益广告不少于 2 处"),
        "sampled": (
            "sampled",
            {"sample_size": 3, "grades": {"A": 3, "B": 2}, "rates": {"A": 1, "B": 0.66, "C": 0}},
            "抽查 3 个楼道",
        ),
    }
    criteria = {}
    for order, (key, (rule, params, text)) in enumerate(specs.items()):
        c = Criterion.objects.create(
            standard_set=standard,
            indicator=content,
            code=f"{i}-{order + 1}",
            text=text,
            weight=Decimal("2"),
            rule=rule,
            rule_params=params,
            category=category,
            order=order,
            sampling_note="抽查 3 个楼道" if rule == "sampled" else "",
        )
        c.point_types.set(point_types)
        criteria[key] = c
    block = CriteriaBlock.objects.create(standard_set=standard, code=f"CIV{i}", name="公共文明通用项")
    block.point_types.set(point_types)
    criteria["block"] = Criterion.objects.create(
        standard_set=standard,
        indicator=content,
        code=f"{i}-9",
        text="无随地吐痰",
        weight=Decimal("1"),
        block=block,
        category=category,
        order=9,
    )
    return standard, criteria


def jpeg(name: str = "photo.jpg", size=(640, 480), text: str = "测评照片") -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 80, 60))
    ImageDraw.Draw(image).text((10, 10), text, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@dataclass
class World:
    """Places, people, a standard and a published round with one task per point, assigned to a pair."""

    district: object
    street: object
    other_street: object
    point_type: object
    other_type: object
    points: list
    unit: object
    person: object
    standard: object
    criteria: dict
    office: object
    inspector: object
    partner: object
    stranger: object
    street_user: object
    other_street_user: object
    unit_user: object
    round: object = None
    tasks: dict = field(default_factory=dict)


def make_world(publish: bool = True) -> World:
    district = make_area(AreaLevel.DISTRICT, name="湖里区")
    street = make_area(AreaLevel.STREET, parent=district, name="江头街道")
    other_street = make_area(AreaLevel.STREET, parent=district, name="金山街道")
    pt = make_point_type(name="背街小巷")
    other_type = make_point_type(name="农贸市场")
    unit = make_unit(name="江头街道办事处")
    person = make_person(unit=unit, name="王责任")
    points = [
        make_point(
            point_type=pt, area=street, responsible_unit=unit, responsible_person=person, name="江村路"
        ),
        make_point(
            point_type=pt,
            area=street,
            responsible_unit=unit,
            responsible_person=person,
            name="吕岭路",
            lat=24.52,
            lon=118.15,
        ),
        make_point(point_type=pt, area=other_street, name="金山路", lat=24.50, lon=118.18),
    ]
    standard, criteria = make_standard([pt])
    w = World(
        district=district,
        street=street,
        other_street=other_street,
        point_type=pt,
        other_type=other_type,
        points=points,
        unit=unit,
        person=person,
        standard=standard,
        criteria=criteria,
        office=make_user("office"),
        inspector=make_user("inspector"),
        partner=make_user("inspector"),
        stranger=make_user("inspector"),
        street_user=make_user("street", area=street),
        other_street_user=make_user("street", area=other_street),
        unit_user=make_user("unit_handler", unit=unit),
    )
    w.round = services.create_round(
        actor=w.office,
        kind=RoundKind.MOCK,
        name="2026年第一季度模拟测评",
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        standard_set=standard,
        plan={"mode": "random", "per_type": {pt.code: 3}},
        seed=2026,
        inspectors=[w.inspector, w.partner],
    )
    if publish:
        services.publish_round(actor=w.office, round=w.round)
        w.round.refresh_from_db()
        w.tasks = {t.point_id: t for t in w.round.tasks.all()}
    return w


def all_compliant(criteria: dict) -> list[dict]:
    out = []
    for key, c in criteria.items():
        obs = {"criterion": c.pk, "result": "compliant"}
        if key == "quota":
            obs["count"] = 2
        if key == "sampled":
            obs["sub_results"] = [True, True, True]
        out.append(obs)
    return out


def payload(task, criteria: dict, *, client_id=None, lat=24.515, lon=118.14, **overrides) -> dict:
    observations = overrides.pop("observations", None)
    if observations is None:
        observations = all_compliant(criteria)
    data = {
        "client_id": str(client_id or uuid.uuid4()),
        "task": task.pk,
        "started_at": "2026-03-10T09:00:00+08:00",
        "lat": lat,
        "lon": lon,
        "accuracy": 8,
        "observations": observations,
    }
    data.update(overrides)
    return data


def with_result(observations: list[dict], criterion, **values) -> list[dict]:
    return [dict(o, **values) if o["criterion"] == criterion.pk else o for o in observations]
