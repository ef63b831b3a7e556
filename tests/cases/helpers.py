"""Test data for the cases app: a small district with units, users, categories and cases made through the
services (real rows, explicit times)."""

import datetime
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import (
    make_area,
    make_category,
    make_group,
    make_person,
    make_unit,
    make_user,
)
from wenming.cases import services
from wenming.cases.choices import CaseSource
from wenming.geo.choices import AreaLevel
from wenming.org.choices import UnitLevel

SH = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime.datetime:
    """An aware Asia/Shanghai datetime."""
    return datetime.datetime(*args, tzinfo=SH)


# Friday 2025-09-26 10:00: the next day (Saturday 27th) is a weekend, Sunday 28th a make-up working day.
T0 = local(2025, 9, 26, 10, 0)


def jpeg(name="photo.jpg", size=(64, 48), color=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@dataclass
class World:
    district: object
    street: object
    community: object
    grid: object
    other_street: object
    street_unit: object
    bureau: object
    other_unit: object
    city_unit: object
    top: object
    leaf: object
    hours_leaf: object
    group: object
    office: object
    office2: object
    leader: object
    auditor: object
    handler: object
    other_handler: object
    inspector: object
    street_user: object
    other_street_user: object
    group_lead: object
    other_group_lead: object
    person: object
    person_user: object


def build_world() -> World:
    district = make_area(AreaLevel.DISTRICT, name="湖里区")
    street_unit = make_unit(name="殿前街道办事处", level=UnitLevel.STREET)
    street = make_area(AreaLevel.STREET, parent=district, name="殿前街道", unit=street_unit)
    community = make_area(AreaLevel.COMMUNITY, parent=street, name="兴隆社区")
    grid = make_area(AreaLevel.GRID, parent=community, name="兴隆一网格")
    other_street = make_area(AreaLevel.STREET, parent=district, name="禾山街道")
    bureau = make_unit(name="区市政园林局")
    other_unit = make_unit(name="区交通局")
    city_unit = make_unit(name="市供电公司", level=UnitLevel.MUNICIPAL)
    group = make_group(name="环境卫生整治组", lead_unit=bureau)
    other_group = make_group(name="交通秩序整治组", lead_unit=other_unit)
    top = make_category(name="环境卫生", special_group=group)
    leaf = make_category(parent=top, name="暴露垃圾", deadline_value=1, deadline_unit="days")
    hours_leaf = make_category(parent=top, name="道路不洁", deadline_value=5, deadline_unit="hours")
    person = make_person(name="李责任", unit=bureau)
    return World(
        district=district, street=street, community=community, grid=grid, other_street=other_street,
        street_unit=street_unit, bureau=bureau, other_unit=other_unit, city_unit=city_unit, top=top, leaf=leaf,
        hours_leaf=hours_leaf, group=group,
        office=make_user("office", username="office1"),
        office2=make_user("office", username="office2"),
        leader=make_user("leader", username="leader1"),
        auditor=make_user("auditor", username="auditor1"),
        handler=make_user("unit_handler", unit=bureau, username="handler1"),
        other_handler=make_user("unit_handler", unit=other_unit, username="handler2"),
        inspector=make_user("inspector", username="inspector1"),
        street_user=make_user("street", area=street, username="street1"),
        other_street_user=make_user("street", area=other_street, username="street2"),
        group_lead=make_user("group_lead", special_group=group, username="grouplead1"),
        other_group_lead=make_user("group_lead", special_group=other_group, username="grouplead2"),
        person=person,
        person_user=make_user(username="person1", person=person),
    )  # fmt: skip


def new_case(w: World, *, actor=None, at=T0, category=None, area=None, **kw):
    kw.setdefault("source", CaseSource.INSPECTION)
    kw.setdefault("description", "路边暴露垃圾")
    if "point" not in kw and "lat" not in kw:
        area = area or w.grid
    return services.create_case(
        actor=actor or w.inspector, category=category or w.leaf, area=area, at=at, **kw
    )


def dispatched_case(w: World, *, unit=None, person=None, at=T0, **kw):
    case = new_case(w, at=at, **kw)
    return services.dispatch(case, actor=w.office, unit=unit or w.bureau, person=person, at=at)


def fixed_case(w: World, *, at=T0, fixer=None, **kw):
    case = dispatched_case(w, at=at, **kw)
    return services.report_fix(
        case, actor=fixer or w.handler, photos=[jpeg()], note="已清理", at=at + datetime.timedelta(hours=1)
    )


def case_in(w: World, state: str, *, at=T0, **kw):
    """A case brought to `state` through the services (one hour per step after `at`)."""
    step = datetime.timedelta(hours=1)
    case = new_case(w, at=at, **kw)
    if state == "reported":
        return case
    if state == "rejected":
        return services.reject_case(case, actor=w.office, note="不属于创城问题", at=at + step)
    if state == "registered":
        return services.register(case, actor=w.office, at=at + step)
    if state == "merged":
        survivor = new_case(w, at=at)
        return services.merge_cases(actor=w.office, duplicate=case, survivor=survivor, at=at + step)
    if state == "coordinating":
        return services.dispatch(case, actor=w.office, unit=w.city_unit, at=at + step)
    case = services.dispatch(case, actor=w.office, unit=w.bureau, at=at + step)
    if state == "dispatched":
        return case
    if state == "returned":
        return services.transition(case, "transfer", actor=w.handler, note="不是我单位职责", at=at + 2 * step)
    if state == "parked":
        return services.transition(
            case,
            "park",
            actor=w.office,
            note="需改造管网",
            park_until=datetime.date(2025, 12, 31),
            at=at + 2 * step,
        )
    case = services.transition(case, "acknowledge", actor=w.handler, at=at + 2 * step)
    if state == "acknowledged":
        return case
    case = services.transition(case, "start_fix", actor=w.handler, at=at + 3 * step)
    if state == "fixing":
        return case
    case = services.report_fix(case, actor=w.handler, photos=[jpeg()], note="已清理", at=at + 4 * step)
    if state == "fix_reported":
        return case
    case = services.verify_fix(case, actor=w.office, passed=True, at=at + 5 * step)
    if state == "closed":
        return case
    raise ValueError(state)


def snapshot(case) -> dict:
    """Everything a refused transition must leave untouched."""
    from wenming.cases.models import Case, CaseEvent, CasePhoto
    from wenming.core.models import Notification

    return {
        "row": Case.objects.filter(pk=case.pk).values().get(),
        "events": CaseEvent.objects.filter(case_id=case.pk).count(),
        "photos": CasePhoto.objects.filter(case_id=case.pk).count(),
        "history": Case.history.filter(id=case.pk).count(),
        "notifications": Notification.objects.count(),
    }
