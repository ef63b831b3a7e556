"""Demo steps: responsible units, the ten special groups, and the fine grid of people and duties
(定人定岗定责: a named person for every street, community, grid, main road, point and special group)."""

import random

from wenming.demo import huli
from wenming.demo.context import DUTY_START, DemoContext
from wenming.demo.names import FAKE_MOBILE_PREFIX
from wenming.demo.records import changed_fields, sync
from wenming.geo import services as geo_services
from wenming.geo.choices import AreaLevel, Post
from wenming.geo.models import Duty
from wenming.org import services as org_services
from wenming.org.choices import UnitLevel
from wenming.org.models import Person, SpecialGroup, Unit
from wenming.standards.models import ProblemCategory


# --- units ----------------------------------------------------------------------------------------------
def unit_facts() -> list[huli.UnitFact]:
    """Every demo unit, parents before children: the fixed list, then street offices and community committees."""
    facts = list(huli.UNITS)
    for street in huli.STREETS:
        s_code = huli.street_unit_code(street)
        facts.append(
            huli.UnitFact(
                s_code,
                f"厦门市湖里区人民政府{street.name}街道办事处",
                f"{street.name}街道办",
                UnitLevel.STREET,
                address=f"湖里区{street.name}街道",
            )
        )
        for index, name in enumerate(street.communities):
            code = huli.community_unit_code(huli.community_code(street, index))
            facts.append(
                huli.UnitFact(
                    code,
                    f"湖里区{street.name}街道{name}社区居民委员会",
                    f"{name}社区居委会",
                    UnitLevel.COMMUNITY,
                    parent=s_code,
                    address=f"湖里区{street.name}街道{name}社区",
                )
            )
    return facts


def load_units(ctx: DemoContext) -> None:
    for index, fact in enumerate(unit_facts(), start=1):
        values = {
            "name": fact.name,
            "short_name": fact.short_name,
            "level": fact.level,
            "parent": ctx.units[fact.parent] if fact.parent else None,
            "address": fact.address,
            # 0592 is Xiamen's area code; local numbers never start with 0000, so these are obviously fake.
            "contact_phone": f"0592-0000{index:03d}",
            "is_active": True,
        }
        ctx.units[fact.code] = _save_unit(fact.code, values)


def _save_unit(code: str, values: dict) -> Unit:
    existing = Unit.objects.filter(code=code).first()
    return sync(
        existing,
        values,
        create=lambda **v: org_services.create_unit(actor=None, code=code, **v),
        update=lambda **v: org_services.update_unit(actor=None, unit=existing, **v),
    )


# --- special groups -------------------------------------------------------------------------------------
def load_groups(ctx: DemoContext) -> None:
    """The ten special groups (专项整治协调组) SG01–SG10, each with a lead unit and its member units."""
    street_offices = [ctx.units[huli.street_unit_code(s)] for s in huli.STREETS]
    for order, fact in enumerate(huli.GROUPS, start=1):
        members = []
        for code in fact.members:
            members.extend(street_offices if code == huli.STREET_OFFICES else [ctx.units[code]])
        ctx.groups[fact.code] = _save_group(
            fact.code,
            {"name": fact.name, "theme": fact.theme, "lead_unit": ctx.units[fact.lead], "order": order},
            members,
        )


def _save_group(code: str, values: dict, members: list[Unit]) -> SpecialGroup:
    existing = SpecialGroup.objects.filter(code=code).first()
    if existing is None:
        return org_services.create_group(actor=None, code=code, member_units=members, **values)
    changes = changed_fields(existing, values)
    if set(existing.member_units.values_list("pk", flat=True)) != {u.pk for u in members}:
        changes["member_units"] = members  # replacing the members writes history: only when they differ
    return org_services.update_group(actor=None, group=existing, **changes) if changes else existing


# --- people ---------------------------------------------------------------------------------------------
def ensure_person(ctx: DemoContext, key: str, unit: Unit, title: str) -> Person:
    """The demo person playing `key` (e.g. "grid_worker:<grid>:1"): a seeded name, a fake mobile.

    A person is identified by the mobile number, handed out in a seeded order, so a reload finds it again.
    """
    if key not in ctx.people:
        name, phone = ctx.new_name(), ctx.phones.next()
        existing = _people_by_phone(ctx)
        person = sync(
            existing.get(phone),
            {"name": name, "unit": unit, "title": title, "is_active": True},
            create=lambda **v: org_services.create_person(actor=ctx.actor, phone=phone, **v),
            update=lambda **v: org_services.update_person(actor=ctx.actor, person=existing[phone], **v),
        )
        ctx.people[key] = existing[phone] = person
    return ctx.people[key]


def _people_by_phone(ctx: DemoContext) -> dict[str, Person]:
    """Demo people already in the database, read once per run (a reload then needs no query per person)."""
    if "people_by_phone" not in ctx.extra:
        people = Person.objects.filter(phone__startswith=FAKE_MOBILE_PREFIX).order_by("-pk")
        ctx.extra["people_by_phone"] = {p.phone: p for p in people}  # the oldest wins a duplicate number
    return ctx.extra["people_by_phone"]


def ensure_duty(
    ctx: DemoContext,
    person: Person,
    post: str,
    *,
    area=None,
    point=None,
    category=None,
    responsibilities: str,
) -> Duty:
    """The duty (person, post, subject) from DUTY_START, open-ended; created once, corrected if edited."""
    key = (
        person.pk,
        post,
        getattr(area, "pk", None),
        getattr(point, "pk", None),
        getattr(category, "pk", None),
    )
    existing = _duties_by_subject(ctx)
    subject = {"person": person, "post": post, "area": area, "point": point, "category": category}
    duty = sync(
        existing.get(key),
        {"responsibilities": responsibilities, "start_date": DUTY_START, "end_date": None},
        create=lambda **v: geo_services.create_duty(actor=ctx.actor, **subject, **v),
        update=lambda **v: geo_services.update_duty(actor=ctx.actor, duty=existing[key], **v),
    )
    existing[key] = duty
    return duty


def _duties_by_subject(ctx: DemoContext) -> dict[tuple, Duty]:
    """Duties already in the database by (person, post, area, point, category), read once per run."""
    if "duties_by_subject" not in ctx.extra:
        duties = Duty.objects.filter(person__phone__startswith=FAKE_MOBILE_PREFIX).order_by("-pk")
        ctx.extra["duties_by_subject"] = {
            (d.person_id, d.post, d.area_id, d.point_id, d.category_id): d for d in duties
        }
    return ctx.extra["duties_by_subject"]


def community_guarantors(ctx: DemoContext) -> dict[str, str]:
    """Each community's 包保 bureau: the district bureaus in a seeded order, round-robin over communities."""
    if not ctx.community_guarantor:
        bureaus = list(huli.GUARANTOR_UNITS)
        random.Random(f"{ctx.seed}:guarantors").shuffle(bureaus)
        codes = sorted(code for code, a in ctx.areas.items() if a.level == AreaLevel.COMMUNITY)
        ctx.community_guarantor.update({code: bureaus[i % len(bureaus)] for i, code in enumerate(codes)})
    return ctx.community_guarantor


# --- duties (定人定岗定责) -------------------------------------------------------------------------------
RESPONSIBILITIES = {
    Post.STREET_LEAD: "统筹本街道创建工作，组织属地问题兜底处置，督促社区和责任单位按期整改。",
    Post.COMMUNITY_LEAD: "负责本社区创建工作和网格管理，组织居民参与，落实属地兜底。",
    Post.GRID_LEAD: "统筹本网格日常巡查，调度网格员，协调问题整改并对网格内点位负总责。",
    Post.GRID_WORKER: "每日巡查网格，发现问题及时上报、跟踪整改直至销号，入户宣传文明创建。",
    Post.ROAD_CHIEF: "负责路段市容秩序、环境卫生和交通秩序的日常督查，协调沿线单位整改。",
    Post.POINT_OWNER: "负责点位日常管理，对照测评标准逐项自查整改，确保点位逐一过关。",
    Post.GUARANTOR: "包保挂钩社区，每周下沉督导，协调解决社区创建难点问题。",
    Post.CATEGORY_LEAD: "牵头本专项问题的统筹协调、督导检查和整改销号。",
}


def load_duties(ctx: DemoContext) -> None:
    """Street, community, grid, guarantor, road-chief, point-owner and special-group duties."""
    for code, area in ctx.areas.items():
        if area.level == AreaLevel.STREET:
            lead = ensure_person(ctx, f"street_lead:{code}", area.unit, "街道办事处副主任（分管文明创建）")
            ensure_duty(
                ctx, lead, Post.STREET_LEAD, area=area, responsibilities=RESPONSIBILITIES[Post.STREET_LEAD]
            )
        elif area.level == AreaLevel.COMMUNITY:
            _community_duties(ctx, code, area)
        elif area.level == AreaLevel.GRID:
            _grid_duties(ctx, code, area)
    for point in ctx.points.values():
        ensure_duty(
            ctx,
            point.responsible_person,
            Post.POINT_OWNER,
            point=point,
            responsibilities=RESPONSIBILITIES[Post.POINT_OWNER],
        )
    for point in ctx.extra.get("main_roads", []):
        chief = ensure_person(
            ctx, f"road_chief:{point.guarantor_unit.code}", point.guarantor_unit, "副局长（路长）"
        )
        ensure_duty(
            ctx, chief, Post.ROAD_CHIEF, point=point, responsibilities=RESPONSIBILITIES[Post.ROAD_CHIEF]
        )
    for code, group in ctx.groups.items():
        _group_duty(ctx, code, group)


def _community_duties(ctx: DemoContext, code: str, area) -> None:
    lead = ensure_person(ctx, f"community_lead:{code}", area.unit, "社区党委书记、居委会主任")
    ensure_duty(
        ctx, lead, Post.COMMUNITY_LEAD, area=area, responsibilities=RESPONSIBILITIES[Post.COMMUNITY_LEAD]
    )
    guarantor = ctx.units[community_guarantors(ctx)[code]]
    liaison = ensure_person(ctx, f"guarantor:{guarantor.code}", guarantor, "包保联络员")
    ensure_duty(ctx, liaison, Post.GUARANTOR, area=area, responsibilities=RESPONSIBILITIES[Post.GUARANTOR])


def _grid_duties(ctx: DemoContext, code: str, area) -> None:
    lead = ensure_person(ctx, f"grid_lead:{code}", area.unit, "网格长")
    ensure_duty(ctx, lead, Post.GRID_LEAD, area=area, responsibilities=RESPONSIBILITIES[Post.GRID_LEAD])
    for i in range(1, ctx.rng.randint(1, 2) + 1):
        worker = ensure_person(ctx, f"grid_worker:{code}:{i}", area.unit, "专职网格员")
        ensure_duty(
            ctx, worker, Post.GRID_WORKER, area=area, responsibilities=RESPONSIBILITIES[Post.GRID_WORKER]
        )


def _group_duty(ctx: DemoContext, code: str, group: SpecialGroup) -> None:
    """The group's 专项负责人 answers for the first subcategory the standard gives the group."""
    category = (
        ProblemCategory.objects.filter(special_group=group, parent__isnull=False)
        .order_by("order", "code")
        .first()
        or ProblemCategory.objects.filter(special_group=group).order_by("order", "code").first()
    )
    if category is None:
        raise RuntimeError(f"专项组 {code} 没有关联的问题分类：请先加载默认测评体系。")
    person = ensure_person(ctx, f"category_lead:{code}", group.lead_unit, f"{group.name}专项负责人")
    ensure_duty(
        ctx,
        person,
        Post.CATEGORY_LEAD,
        category=category,
        responsibilities=RESPONSIBILITIES[Post.CATEGORY_LEAD],
    )
