"""A known month (October 2026) for the bulletin, appraisal and dashboard tests; every figure is worked out by
hand in the docstring of `build_dataset`, and the tests compare the documents with those numbers.

Inspections and observations are rows made directly (as the scoring tests do); the cases their
non-compliances became go through the cases services (create, dispatch, fix, verify, reopen) with explicit
times, and are linked to their observations the way the inspections service links them.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import (
    make_area,
    make_category,
    make_group,
    make_person,
    make_point,
    make_point_type,
    make_unit,
    make_user,
    n,
)
from wenming.cases import services as case_services
from wenming.cases.choices import CaseSource
from wenming.geo.choices import AreaLevel
from wenming.inspections.models import Inspection, Observation, Round
from wenming.org.choices import UnitLevel
from wenming.scoring.models import DeductionTheme
from wenming.standards.models import Criterion, Indicator, StandardSet
from wenming.standards.rules import validate_rule

SH = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SH)


# The reference "now" of the exact-figure tests (after every deadline of the month has passed).
NOW = local(2026, 11, 16, 12, 0)


def jpeg(name="photo.jpg", size=(320, 240), color=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@dataclass
class Dataset:
    district: object
    s1: object
    s2: object
    su1: object
    su2: object
    u1: object
    u2: object
    g1: object
    g2: object
    env: object
    traffic: object
    pt1: object
    pt2: object
    points: dict
    k1: object
    k2: object
    round: object
    prev_round: object
    cases: dict
    office: object
    leader: object
    auditor: object
    handler_u1: object
    handler_u2: object
    street1: object
    inspector: object
    theme_env: object
    people: dict = field(default_factory=dict)


def _criterion(standard, code, text, category, weight=2) -> Criterion:
    i = n()
    indicator = Indicator.objects.create(standard_set=standard, level=1, code=f"I{i}", name=f"测评项目{i}")
    return Criterion.objects.create(
        standard_set=standard, indicator=indicator, code=code, text=text, weight=Decimal(weight), rule="compliance",
        rule_params=validate_rule("compliance", {}, Decimal(weight)), category=category,
    )  # fmt: skip


def _inspect(round_obj, point, observations, inspector, at) -> Inspection:
    inspection = Inspection.objects.create(round=round_obj, point=point, inspector=inspector, submitted_at=at)
    made = []
    for criterion, result, *rest in observations:
        made.append(
            Observation.objects.create(
                inspection=inspection,
                criterion=criterion,
                result=result,
                fixed_on_spot=bool(rest and rest[0]),
            )
        )
    inspection.made = made
    return inspection


def _case_of(observation, point, inspector, at, *, on_spot=False):
    case = case_services.create_case(
        actor=inspector, source=CaseSource.INSPECTION, category=observation.criterion.category,
        criterion=observation.criterion, description=f"{observation.criterion.code} {observation.criterion.text}",
        point=point, photos=[jpeg("before.jpg")], after_photos=[jpeg("after.jpg", color=(30, 160, 60))] if on_spot else (),
        fixed_on_spot=on_spot, source_ref=f"observation:{observation.pk}", at=at,
    )  # fmt: skip
    Observation.objects.filter(pk=observation.pk).update(case=case)
    return case


def build_dataset() -> Dataset:
    """Two streets, four points, two criteria (both 符合/不符合, weight 2), October 2026.

    Round R1 (督查, 2026-10-01…31), inspections on 12 October 10:00:
      P1 湖里街道·背街小巷·区市政园林局·王一:  K1 符合, K2 不符合 → case A (交通, U1), fixed and closed 13 Oct
      P2 湖里街道·农贸市场·区市政园林局·王二:  K1 不符合            → case B (环境, U1), open → overdue
      P3 殿前街道·背街小巷·区交通局·李三:      K1 符合, K2 符合    → passes
      P4 殿前街道·农贸市场·区交通局（no person）: K1 不符合 当场整改 → case C (closed on the spot),
                                               K2 不符合            → case D (交通, U2), open → overdue
    Scores: P1 50, P2 0, P3 100, P4 0. Streets: 殿前 50 (1/2 pass) rank 1, 湖里 25 (0/2) rank 2.
    Units: 区交通局 50 rank 1, 区市政园林局 25 rank 2. Groups: 市容环境卫生整治组 (K1) 50 (2/4),
    交通秩序整治组 (K2) 33.33 (1/3). Compliance: 1 of 4 points pass (25 %).
    Citizen case E (环境, 湖里街道 grid, 20 Oct) dispatched to 湖里街道办事处, open → overdue.
    Round R0 (督查, September): P1 on 10 September, K1 不符合 → case F, closed 11 Sep, reopened 25 Oct (反弹).
    Problems of R1: A B C D (4); of October: A B C D E (5); September: F (1).
    """
    district = make_area(AreaLevel.DISTRICT, name="湖里区")
    su1 = make_unit(name="湖里街道办事处", level=UnitLevel.STREET)
    su2 = make_unit(name="殿前街道办事处", level=UnitLevel.STREET)
    s1 = make_area(AreaLevel.STREET, parent=district, name="湖里街道", unit=su1, code="350206001000")
    s2 = make_area(AreaLevel.STREET, parent=district, name="殿前街道", unit=su2, code="350206002000")
    c1 = make_area(AreaLevel.COMMUNITY, parent=s1, name="村里社区")
    grid1 = make_area(AreaLevel.GRID, parent=c1, name="村里一网格")
    c2 = make_area(AreaLevel.COMMUNITY, parent=s2, name="兴隆社区")
    u1 = make_unit(name="区市政园林局", code="U-MUNI")
    u2 = make_unit(name="区交通局", code="U-TRAF")
    g1 = make_group(name="市容环境卫生整治组", lead_unit=u1)
    g2 = make_group(name="交通秩序整治组", lead_unit=u2)
    env_top = make_category(code="ENV", name="环境卫生", special_group=g1)
    env = make_category(
        parent=env_top, code="ENV-01", name="暴露垃圾", deadline_value=1, deadline_unit="days"
    )
    traffic_top = make_category(code="TRAFFIC", name="交通秩序", special_group=g2)
    traffic = make_category(
        parent=traffic_top, code="TRAFFIC-01", name="非机动车乱停放", deadline_value=1, deadline_unit="days"
    )
    pt1 = make_point_type(name="背街小巷", order=1)
    pt2 = make_point_type(name="农贸市场", order=2)
    people = {
        "wang1": make_person(name="王一", unit=u1),
        "wang2": make_person(name="王二", unit=u1),
        "li3": make_person(name="李三", unit=u2),
    }
    points = {
        "p1": make_point(name="村里路", code="P-1", area=grid1, point_type=pt1, responsible_unit=u1,
                         responsible_person=people["wang1"], lat=24.50, lon=118.10),
        "p2": make_point(name="村里农贸市场", code="P-2", area=c1, point_type=pt2, responsible_unit=u1,
                         responsible_person=people["wang2"], lat=24.51, lon=118.11),
        "p3": make_point(name="兴隆路", code="P-3", area=c2, point_type=pt1, responsible_unit=u2,
                         responsible_person=people["li3"], lat=24.52, lon=118.12),
        "p4": make_point(name="兴隆农贸市场", code="P-4", area=c2, point_type=pt2, responsible_unit=u2,
                         lat=24.53, lon=118.13),
    }  # fmt: skip
    standard = StandardSet.objects.create(
        code=f"STD{n()}", name="测试测评体系", version="2026", scope="district"
    )
    k1 = _criterion(standard, "K1", "路面无暴露垃圾", env)
    k2 = _criterion(standard, "K2", "非机动车停放有序", traffic)
    office = make_user("office", username="office-b")
    inspector = make_user("inspector", username="inspector-b")
    handler_u1 = make_user("unit_handler", unit=u1, username="handler-u1")
    handler_u2 = make_user("unit_handler", unit=u2, username="handler-u2")
    prev_round = Round.objects.create(
        kind="supervision", name="2026年9月督查", period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 30), standard_set=standard, state="published", seed=1,
    )  # fmt: skip
    rnd = Round.objects.create(
        kind="supervision", name="2026年10月督查", period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 10, 31), standard_set=standard, state="published", seed=2,
    )  # fmt: skip
    at = local(2026, 10, 12, 10, 0)
    i1 = _inspect(rnd, points["p1"], [(k1, "compliant"), (k2, "noncompliant")], inspector, at)
    i2 = _inspect(rnd, points["p2"], [(k1, "noncompliant")], inspector, at)
    _inspect(rnd, points["p3"], [(k1, "compliant"), (k2, "compliant")], inspector, at)
    i4 = _inspect(rnd, points["p4"], [(k1, "noncompliant", True), (k2, "noncompliant")], inspector, at)
    cases = {}
    a = _case_of(i1.made[1], points["p1"], inspector, at)
    a = case_services.dispatch(
        a, actor=office, unit=u1, person=people["wang1"], at=at + datetime.timedelta(minutes=30)
    )
    a = case_services.report_fix(
        a, actor=handler_u1, photos=[jpeg("after.jpg", color=(30, 160, 60))], at=local(2026, 10, 12, 16, 0)
    )
    cases["A"] = case_services.verify_fix(a, actor=office, passed=True, at=local(2026, 10, 13, 9, 0))
    b = _case_of(i2.made[0], points["p2"], inspector, at)
    cases["B"] = case_services.dispatch(
        b, actor=office, unit=u1, person=people["wang2"], at=at + datetime.timedelta(minutes=30)
    )
    cases["C"] = _case_of(i4.made[0], points["p4"], inspector, at, on_spot=True)
    d = _case_of(i4.made[1], points["p4"], inspector, at)
    cases["D"] = case_services.dispatch(d, actor=office, unit=u2, at=at + datetime.timedelta(minutes=30))
    e = case_services.create_case(
        actor=office, source=CaseSource.CITIZEN, category=env, description="小区门口垃圾堆积", area=grid1,
        lat=24.505, lon=118.105, at=local(2026, 10, 20, 9, 0),
    )  # fmt: skip
    cases["E"] = case_services.dispatch(e, actor=office, unit=su1, at=local(2026, 10, 20, 9, 30))
    sep = local(2026, 9, 10, 10, 0)
    i0 = _inspect(prev_round, points["p1"], [(k1, "noncompliant")], inspector, sep)
    f = _case_of(i0.made[0], points["p1"], inspector, sep)
    f = case_services.dispatch(
        f, actor=office, unit=u1, person=people["wang1"], at=sep + datetime.timedelta(minutes=30)
    )
    f = case_services.report_fix(
        f, actor=handler_u1, photos=[jpeg("after.jpg")], at=local(2026, 9, 10, 15, 0)
    )
    f = case_services.verify_fix(f, actor=office, passed=True, at=local(2026, 9, 11, 9, 0))
    cases["F"] = case_services.transition(f, "reopen", actor=office, note="回头看复查发现垃圾反弹", reason="recheck",
                                          at=local(2026, 10, 25, 10, 0))  # fmt: skip
    theme_env = DeductionTheme.objects.create(name="保洁（测试）", category_codes=["ENV"], order=100)
    return Dataset(
        district=district, s1=s1, s2=s2, su1=su1, su2=su2, u1=u1, u2=u2, g1=g1, g2=g2, env=env, traffic=traffic,
        pt1=pt1, pt2=pt2, points=points, k1=k1, k2=k2, round=rnd, prev_round=prev_round, cases=cases,
        office=office, leader=make_user("leader", username="leader-b"), auditor=make_user("auditor", username="auditor-b"),
        handler_u1=handler_u1, handler_u2=handler_u2,
        street1=make_user("street", area=s1, username="street-b1"), inspector=inspector, theme_env=theme_env,
        people=people,
    )  # fmt: skip
