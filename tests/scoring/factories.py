"""Rows for the scoring tests: a standard with criteria, rounds, inspections with observations, and a small
district ("world") whose scores are computed by hand in the tests."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from tests.factories import (
    make_area,
    make_category,
    make_group,
    make_point,
    make_point_type,
    make_unit,
    make_user,
    n,
)
from wenming.geo.choices import AreaLevel
from wenming.inspections.models import Inspection, Observation, Round
from wenming.standards.models import Criterion, Indicator, StandardSet
from wenming.standards.rules import validate_rule


def make_standard(**kw) -> StandardSet:
    i = n()
    kw.setdefault("code", f"STD{i}")
    kw.setdefault("name", f"测评体系{i}")
    kw.setdefault("version", "2026")
    kw.setdefault("scope", "district")
    return StandardSet.objects.create(**kw)


def make_criterion(standard, *, weight=1, rule="compliance", params=None, category=None, **kw) -> Criterion:
    i = n()
    indicator = Indicator.objects.create(standard_set=standard, level=1, code=f"I{i}", name=f"测评项目{i}")
    normalised = validate_rule(rule, params or {}, Decimal(str(weight)))
    kw.setdefault("code", f"K{i}")
    kw.setdefault("text", f"测评标准{i}")
    return Criterion.objects.create(
        standard_set=standard,
        indicator=indicator,
        weight=Decimal(str(weight)),
        rule=rule,
        rule_params=normalised,
        category=category,
        **kw,
    )


def make_round(standard, *, kind="daily", state="published", **kw) -> Round:
    i = n()
    kw.setdefault("name", f"测评轮次{i}")
    kw.setdefault("period_start", datetime.date(2026, 5, 1))
    kw.setdefault("period_end", datetime.date(2026, 5, 31))
    kw.setdefault("seed", i)
    if state == "closed":
        kw.setdefault("closed_at", timezone.now())
    return Round.objects.create(standard_set=standard, kind=kind, state=state, **kw)


def make_inspection(round_obj, point, observations, *, inspector=None, at=None) -> Inspection:
    """`observations`: tuples (criterion, result[, problems[, count[, sub_results]]])."""
    inspection = Inspection.objects.create(
        round=round_obj,
        point=point,
        inspector=inspector or make_user("inspector"),
        submitted_at=at or timezone.now(),
    )
    for spec in observations:
        criterion, result, *rest = spec
        problems, count, subs = (list(rest) + [0, None, None])[:3]
        Observation.objects.create(
            inspection=inspection,
            criterion=criterion,
            result=result,
            problems=problems or 0,
            count=count,
            sub_results=subs,
        )
    return inspection


@dataclass
class World:
    standard: StandardSet
    district: object
    s1: object
    s2: object
    c1: object
    c2: object
    c3: object
    u1: object
    u2: object
    group: object
    k1: Criterion
    k2: Criterion
    k3: Criterion
    p1: object
    p2: object
    p3: object
    point_type: object
    round: Round
    inspections: dict


def make_world(state="published", kind="daily", at=None) -> World:
    """Two streets (S1: C1, C2; S2: C3), three points, three criteria; hand-computed scores:

    P1 (C1, U1): K1 ok, K2 ok, K3 ok            → 9 / 9 = 100,    passes
    P2 (C2, U1): K1 ok, K2 3 problems (−3), K3 ok → 6 / 9 = 66.67, fails K2
    P3 (C3, U2): K1 not ok, K2 ok, K3 N/A        → 4 / 6 = 66.67, fails K1
    S1 = (100 + 66.67) / 2 = 83.33 (1 of 2 pass), S2 = 66.67 (0 of 1). Losses: K2 3.0, K1 2.0.
    """
    standard = make_standard()
    env = make_category(code="ENV", name="环境卫生")
    traffic = make_category(code="TRAFFIC", name="交通秩序")
    publicity = make_category(code="PUBLICITY", name="公益宣传")
    group = make_group(name="市容环境卫生整治组")
    env01 = make_category(parent=env, code="ENV-01", name="道路不洁", special_group=group)
    traffic01 = make_category(parent=traffic, code="TRAFFIC-04", name="非机动车交通违法")
    publicity01 = make_category(parent=publicity, code="PUBLICITY-01", name="公益广告缺失")
    k1 = make_criterion(standard, weight=2, category=env01, code="K-ENV")
    k2 = make_criterion(
        standard, weight=4, rule="deduction", params={"per_problem": 1}, category=traffic01, code="K-TRF"
    )
    k3 = make_criterion(standard, weight=3, rule="abc", category=publicity01, code="K-PUB")
    district = make_area(AreaLevel.DISTRICT, name="湖里区")
    s1 = make_area(AreaLevel.STREET, district, name="湖里街道")
    s2 = make_area(AreaLevel.STREET, district, name="殿前街道")
    c1 = make_area(AreaLevel.COMMUNITY, s1, name="村里社区")
    c2 = make_area(AreaLevel.COMMUNITY, s1, name="徐厝社区")
    c3 = make_area(AreaLevel.COMMUNITY, s2, name="兴隆社区")
    grid = make_area(AreaLevel.GRID, c1, name="村里一网格")
    u1 = make_unit(name="湖里区市政园林局")
    u2 = make_unit(name="殿前街道办事处")
    pt = make_point_type(name="背街小巷")
    p1 = make_point(name="村里路", area=grid, responsible_unit=u1, point_type=pt)
    p2 = make_point(name="徐厝路", area=c2, responsible_unit=u1, point_type=pt)
    p3 = make_point(name="兴隆路", area=c3, responsible_unit=u2, point_type=pt)
    rnd = make_round(standard, state=state, kind=kind)
    at = at or timezone.now()
    inspections = {
        "p1": make_inspection(rnd, p1, [(k1, "compliant"), (k2, "compliant"), (k3, "compliant")], at=at),
        "p2": make_inspection(
            rnd, p2, [(k1, "compliant"), (k2, "noncompliant", 3), (k3, "compliant")], at=at
        ),
        "p3": make_inspection(rnd, p3, [(k1, "noncompliant"), (k2, "compliant"), (k3, "na")], at=at),
    }
    return World(
        standard, district, s1, s2, c1, c2, c3, u1, u2, group, k1, k2, k3, p1, p2, p3, pt, rnd, inspections
    )
