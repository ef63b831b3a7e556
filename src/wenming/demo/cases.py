"""Demo step: ≈ 330 problem cases over the last three months, played through the cases services with explicit
timestamps — every source, every problem category, all five streets, and every state: reported, registered,
rejected, merged, dispatched, coordinating (市属/省属 units), acknowledged, fixing, returned ("not ours"),
fix reported, parked, closed; with transfers (upheld and rejected), extensions (approved and refused),
reworks, reopenings (反弹), manual and automatic reminders, escalations (督办), satisfaction follow-ups,
generated before/after photos (Pillow-drawn JPEGs with text) and the notifications all of this sends.

Units differ: each unit is good, average or poor (seeded from its code), which sets how fast it acknowledges,
how close to the deadline it fixes, how often its fixes fail verification and how often it asks for more time
— so the KPI page, rankings and the overdue board tell a story. Idempotent: nothing is done when the demo's
cases exist (their `source_ref` starts with "demo:case:").
"""

from __future__ import annotations

import datetime
import io
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wenming.demo.context import DemoContext

REF_PREFIX = "demo:case:"
N_CASES = 330
DAYS = 90
RECENT = 14  # cases reported in the last hours, so that the early states are on show
SOURCES = (
    ("inspection", 30),
    ("citizen", 24),
    ("hotline", 14),
    ("leadership", 7),
    ("bulletin", 10),
    ("manual", 15),
)
QUALITY = (("good", 35), ("average", 40), ("poor", 25))
# per quality: (acknowledge hours, fix share of the deadline span (low, high), P(never fixed), P(rework),
#               P(extension request), P(transfer))
BEHAVIOUR = {
    "good": ((0.2, 1.5), (0.15, 0.8), 0.01, 0.05, 0.04, 0.03),
    "average": ((0.5, 4.0), (0.3, 1.1), 0.04, 0.12, 0.08, 0.05),
    "poor": ((2.0, 12.0), (0.5, 2.0), 0.15, 0.28, 0.15, 0.09),
}
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
HOUR = datetime.timedelta(hours=1)
DESCRIPTIONS = {
    "citizen": ("市民通过“文明随手拍”反映：{cat}，位置见定位。", "群众反映{cat}，已持续多日，希望尽快处理。"),
    "hotline": ("12345 热线工单：{cat}，来电人要求限期整改并回复。",),
    "leadership": ("区领导督查时指出：{cat}，请责任单位立即整改。",),
    "bulletin": ("市创建办通报：{cat}，要求举一反三、限期整改。",),
    "manual": ("网格巡查发现：{cat}。", "社区日常巡查发现{cat}。"),
    "inspection": ("督查发现：{cat}。", "实地测评发现{cat}，已拍照取证。"),
}


@dataclass
class _World:
    rng: random.Random
    now: datetime.datetime
    office: object
    admin: object
    leader: object
    inspectors: list
    reporters: dict
    leaves: list
    points: list
    grids: list
    handlers: dict = field(default_factory=dict)
    quality: dict = field(default_factory=dict)
    units: list = field(default_factory=list)
    font: object = None
    phones: object = None
    names: object = None
    refusals: Counter = field(default_factory=Counter)


def load_cases(ctx: DemoContext) -> None:
    from wenming.cases.models import Case

    if Case.objects.filter(source_ref__startswith=REF_PREFIX).exists():
        ctx.log("  cases: demo cases already loaded")
        return
    world = _build(ctx)
    states: Counter = Counter()
    for index, spec in enumerate(_plan(world)):
        case = _play(world, index, spec)
        if case is not None:
            states[case.state] += 1
    states += _progress_inspection_cases(world)
    _send_due_alerts(world)
    summary = " · ".join(f"{state} {n}" for state, n in sorted(states.items()))
    ctx.log(f"  cases: {sum(states.values())} demo cases ({summary})")
    for message, n in world.refusals.most_common():
        ctx.log(f"  cases: {n} stories stopped by a refusal: {message}")


def _progress_inspection_cases(world: _World) -> Counter:
    """Cases opened by the inspection rounds were dispatched when their round closed; since then the units
    have worked them at their own pace (acknowledged, fixed, reworked, verified — or left overdue)."""
    from django.core.exceptions import ValidationError

    from wenming.cases.choices import CaseSource as Source
    from wenming.cases.models import Case
    from wenming.cases.workflow import TransitionError

    states: Counter = Counter()
    waiting = (
        Case.objects.filter(source=Source.INSPECTION, state="dispatched", dispatched_at__isnull=False)
        .select_related("unit", "category", "point")
        .order_by("pk")
    )
    for case in waiting:
        rng = random.Random(f"{world.rng.random()}:inspection:{case.pk}")
        spec = _Spec(
            at=case.dispatched_at, source=Source.INSPECTION, category=case.category, point=case.point,
            grid=None, severity=case.severity, case=case,
        )  # fmt: skip
        life = _Life(world, case, rng, case.dispatched_at, spec)
        try:
            life._unit_works()
        except _Stop:
            pass
        except (TransitionError, ValidationError) as exc:
            world.refusals[getattr(exc, "message", None) or "; ".join(exc.messages)] += 1
        states[life.case.state] += 1
    return states


# --- the world -------------------------------------------------------------------------------------------


def _build(ctx: DemoContext) -> _World:
    from wenming.accounts.models import User
    from wenming.geo.choices import AreaLevel
    from wenming.geo.models import Area, Point
    from wenming.org.models import Unit
    from wenming.standards.models import ProblemCategory

    rng = ctx.rng
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    inspectors = [u for name, u in sorted(users.items()) if name.startswith("inspector")]
    world = _World(
        rng=rng,
        now=ctx.extra.get("cases_now") or timezone.now(),  # tests pin "now" for a reproducible story
        office=users["office"],
        admin=users["admin"],
        leader=users["leader"],
        inspectors=inspectors,
        reporters={k: users[k] for k in ("grid", "community", "street") if k in users},
        leaves=list(ProblemCategory.objects.leaves().select_related("parent").order_by("code")),
        points=list(
            Point.objects.active().filter(area__isnull=False).select_related("area").order_by("code")
        ),
        grids=[a for a in Area.objects.filter(level=AreaLevel.GRID, boundary__isnull=False).order_by("code")],
        font=_font(),
        phones=ctx.phones,
        names=ctx.new_name,
    )
    world.units = list(Unit.objects.active().order_by("code"))
    world.quality = {u.pk: _quality(ctx.seed, u.code) for u in world.units}
    world.handlers = {m.unit_id: m.user for m in _unit_memberships()}
    return world


def _unit_memberships():
    from wenming.accounts.choices import Role
    from wenming.accounts.models import Membership

    return (
        Membership.objects.active()
        .filter(role=Role.UNIT_HANDLER, user__is_active=True)
        .select_related("user")
    )


def _quality(seed: int, code: str) -> str:
    rng = random.Random(f"{seed}:quality:{code}")
    return rng.choices([q for q, _w in QUALITY], weights=[w for _q, w in QUALITY])[0]


def _handler(world: _World, unit):
    """The unit's handler account (a demo account `unit-<code>`, same password), created when first needed."""
    if unit.pk in world.handlers:
        return world.handlers[unit.pk]
    from django.conf import settings

    from wenming.accounts.choices import Role
    from wenming.accounts.services import ensure_demo_accounts

    username = f"unit-{unit.code.lower()}"
    spec = {"role": Role.UNIT_HANDLER, "unit": unit, "display_name": f"{unit.short_name or unit.name}经办人"}
    user = ensure_demo_accounts(password=settings.DEMO_PASSWORD, scopes={username: spec})[username]
    world.handlers[unit.pk] = user
    return user


# --- planning ----------------------------------------------------------------------------------------------


@dataclass
class _Spec:
    at: datetime.datetime
    source: str
    category: object
    point: object | None
    grid: object | None
    severity: str
    position: dict | None = None  # lat/lon/area/address for cases without a point
    duplicate_of: _Spec | None = None  # the same problem reported again while the first is open → merged
    case: object = None  # the case made from this spec
    ending: str = ""  # a scripted stop for a few recent cases: registered, returned, extension_pending


ENDINGS = (
    "reported", "reported", "registered", "registered", "returned", "returned", "extension_pending",
    "extension_pending",
)  # fmt: skip
DUPLICATES = 14
REPEATS = 16


def _plan(world: _World) -> list[_Spec]:
    rng = world.rng
    specs = []
    categories = world.leaves * (N_CASES // max(1, len(world.leaves)) + 1)
    rng.shuffle(categories)
    categories = sorted(world.leaves, key=lambda c: c.code) + categories  # every category at least once
    for index in range(N_CASES):
        ending = ENDINGS[index - RECENT] if RECENT <= index < RECENT + len(ENDINGS) else ""
        if index < RECENT:
            at = world.now - datetime.timedelta(minutes=rng.randrange(5, 300))
        elif ending == "reported":  # just in, not yet seen by the office
            at = world.now - datetime.timedelta(minutes=rng.randrange(10, 40))
        elif ending:
            at = world.now - datetime.timedelta(days=rng.uniform(3, 6))
        else:
            # more cases recently (the campaign is warming up before the test)
            at = world.now - datetime.timedelta(
                days=DAYS * rng.random() ** 1.3, minutes=rng.randrange(0, 600)
            )
        at = _daytime(at, rng)
        if at > world.now:
            at = world.now - datetime.timedelta(minutes=rng.randrange(5, 60))
        source = rng.choices([s for s, _w in SOURCES], weights=[w for _s, w in SOURCES])[0]
        use_point = world.points and (
            source in ("inspection", "bulletin", "leadership") or rng.random() < 0.45
        )
        grid = None if use_point else rng.choice(world.grids)
        specs.append(
            _Spec(
                at=at,
                source=source,
                category=categories[index],
                point=rng.choice(world.points) if use_point else None,
                grid=grid,
                severity=rng.choices(["normal", "serious", "urgent"], weights=[75, 20, 5])[0],
                position=None if use_point else _inside(grid, rng),
                ending=ending,
            )
        )
    specs.sort(key=lambda s: s.at)
    older = [s for s in specs if s.at < world.now - datetime.timedelta(days=3) and not s.ending]
    # the same problem reported twice within a day (merged), and again weeks after closing (recurrence)
    for first in rng.sample(older, min(DUPLICATES, len(older))):
        specs.append(
            _again(first, first.at + datetime.timedelta(hours=rng.uniform(0.5, 20)), "citizen", first)
        )
    for first in rng.sample(older[: len(older) // 2], min(REPEATS, len(older) // 2)):
        specs.append(
            _again(first, first.at + datetime.timedelta(days=rng.uniform(8, 25)), "inspection", None)
        )
    return sorted((s for s in specs if s.at <= world.now), key=lambda s: s.at)


def _again(first: _Spec, at: datetime.datetime, source: str, duplicate_of: _Spec | None) -> _Spec:
    return _Spec(at=at, source=source, category=first.category, point=first.point, grid=first.grid,
                 severity=first.severity, position=first.position, duplicate_of=duplicate_of)  # fmt: skip


def _daytime(at: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """Most reports come in during the day (07:30–21:00 local)."""
    local = timezone.localtime(at)
    if 7 <= local.hour < 21:
        return at
    return local.replace(hour=rng.randrange(8, 20), minute=rng.randrange(0, 60))


# --- one case's life -------------------------------------------------------------------------------------


class _Stop(Exception):
    """The next step would happen after now: the case stays where it is."""


def _play(world: _World, index: int, spec: _Spec):
    from django.core.exceptions import ValidationError

    from wenming.cases.workflow import TransitionError

    rng = random.Random(f"{world.rng.random()}:{index}")
    try:
        case = _create(world, index, spec, rng)
    except ValidationError as exc:
        print(f"demo case {index} not created: {exc.messages}")  # noqa: T201 - demo log
        return None
    spec.case = case
    life = _Life(world, case, rng, spec.at, spec)
    try:
        life.run()
    except _Stop:
        pass
    except (TransitionError, ValidationError) as exc:
        # a refusal ends this case's story where it stands (not expected: counted in the log)
        world.refusals[getattr(exc, "message", None) or "; ".join(exc.messages)] += 1
    return life.case


def _create(world: _World, index: int, spec: _Spec, rng: random.Random):
    from wenming.cases import services

    reporter = {
        "inspection": rng.choice(world.inspectors) if world.inspectors else world.office,
        "citizen": None,
        "hotline": world.office,
        "leadership": world.leader,
        "bulletin": world.office,
        "manual": rng.choice(list(world.reporters.values()) or [world.office]),
    }[spec.source]
    if spec.source == "manual" and reporter is not None and not _reaches(reporter, spec):
        reporter = world.office
    place = {"point": spec.point} if spec.point else spec.position
    text = rng.choice(DESCRIPTIONS[spec.source]).format(cat=spec.category.name)
    fixed_on_spot = spec.source == "inspection" and rng.random() < 0.08
    contact = {}
    if spec.source in ("citizen", "hotline"):
        contact = {
            "reporter_name": world.names(),
            "reporter_phone": world.phones.next() if world.phones else "",
        }
    ref = f"{REF_PREFIX}{index:04d}"
    return services.create_case(
        actor=reporter, source=spec.source, category=spec.category, description=text, severity=spec.severity,
        photos=[_photo(world, spec.category.name, spec.at, "before", rng)],
        after_photos=[_photo(world, spec.category.name, spec.at, "after", rng)] if fixed_on_spot else (),
        fixed_on_spot=fixed_on_spot, source_ref=ref, idempotency_key=ref, at=spec.at, **place, **contact,
    )  # fmt: skip


def _reaches(user, spec: _Spec) -> bool:
    """A street/community/grid account reports only inside its own area."""
    area = spec.point.area if spec.point else spec.grid
    return area is not None and area.pk in user.scope().area_ids


def _inside(grid, rng: random.Random) -> dict:
    """A random position inside the grid's (synthetic) boundary."""
    from shapely.geometry import Point as ShapelyPoint
    from shapely.geometry import shape

    polygon = shape(grid.boundary)
    minx, miny, maxx, maxy = polygon.bounds
    for _ in range(50):
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if polygon.contains(ShapelyPoint(lon, lat)):
            return {"lat": round(lat, 6), "lon": round(lon, 6), "area": grid, "address": f"{grid.name}附近"}
    return {"area": grid}


class _Life:
    """Plays one case forward in time through the services until it settles or reaches now."""

    def __init__(self, world: _World, case, rng: random.Random, t: datetime.datetime, spec: _Spec):
        self.world, self.case, self.rng, self.t, self.spec = world, case, rng, t, spec

    # -- helpers --
    def later(self, low_hours: float, high_hours: float) -> datetime.datetime:
        self.t = _working(
            self.t + datetime.timedelta(hours=self.rng.uniform(low_hours, high_hours)), self.rng
        )
        if self.t > self.world.now:
            raise _Stop
        _alerts_until(self.case, self.t)
        return self.t

    def act(self, action: str, actor, **params):
        from wenming.cases import services

        self.case = services.transition(self.case, action, actor=actor, at=self.t, **params)
        return self.case

    def photo(self, stage: str):
        return [_photo(self.world, self.case.category.name, self.t, stage, self.rng, code=self.case.code)]

    @property
    def behaviour(self):
        quality = self.world.quality.get(self.case.unit_id, "average")
        return BEHAVIOUR[quality]

    # -- the story --
    def run(self) -> None:
        if self.case.state == "closed" or self.spec.ending == "reported":  # fixed on the spot / just in
            return
        w, rng = self.world, self.rng
        self.later(0.1, 0.8)
        roll = rng.random()
        if roll < 0.03:
            self.act(
                "reject",
                w.office,
                note=rng.choice(("不属于创城问题，已转相关部门。", "信息不全，无法核实。")),
            )
            return
        if self.spec.duplicate_of is not None and self.spec.duplicate_of.case is not None:
            survivor = self.spec.duplicate_of.case
            self.act("merge", w.office, survivor=survivor, note=f"与 {survivor.code} 为同一问题，合并处理。")
            return
        if roll < 0.05 and self._merge():
            return
        self.act("register", w.office)
        if self.spec.ending == "registered":
            raise _Stop
        self.later(0.05, 0.6)
        self._dispatch()
        if self.case.state == "coordinating":
            self._coordinate()
            return
        self._unit_works()

    def _merge(self) -> bool:
        from wenming.cases.recurrence import duplicate_candidates

        pairs = duplicate_candidates(self.case)
        older = [c for c, _d in pairs if c.reported_at < self.case.reported_at]
        if not older:
            return False
        self.act("merge", self.world.office, survivor=older[0], note="与已有案件重复，合并处理。")
        return True

    def _dispatch(self, unit=None) -> None:
        from wenming.cases.workflow import TransitionError

        try:
            self.act("dispatch", self.world.office, unit=unit)
        except TransitionError:
            area = self.case.street or self.case.area
            if area is None or area.unit is None:
                raise
            self.act("dispatch", self.world.office, unit=area.unit, note="无匹配规则，按属地派遣。")

    def _coordinate(self) -> None:
        w = self.world
        if self.rng.random() < 0.35:
            self.later(4, 30)
            self.act("comment", w.leader, note="请文明办加快与市直单位协调。")
        self.later(20, 160)
        self.act("coordinate_done", w.office, note="经协调，责任单位已整改完毕。", photos=self.photo("after"))
        self.later(2, 24)
        self.act("verify", w.admin, note="现场核查已整改。")

    def _unit_works(self) -> None:
        w, rng = self.world, self.rng
        (ack_low, ack_high), (fix_low, fix_high), p_never, p_rework, p_extension, p_transfer = self.behaviour
        handler = _handler(w, self.case.unit)
        self.later(ack_low, ack_high)
        if self.spec.ending == "returned":
            self.act("transfer", handler, note="经核实，该问题不属于本单位职责范围。")
            raise _Stop
        if rng.random() < p_transfer:
            self._transfer(handler)
            handler = _handler(w, self.case.unit)
            if self.case.state == "dispatched":
                self.later(ack_low, ack_high)
        self.act("acknowledge", handler)
        self.later(0.2, 3)
        self.act("start_fix", handler)
        if rng.random() < 0.03:
            self._park()
            return
        if self.spec.ending == "extension_pending":
            self.later(0.5, 2)
            until = self.case.fix_deadline + datetime.timedelta(days=3)
            self.act("request_extension", handler, note="需采购材料，申请延期三天。", deadline=until)
            raise _Stop
        if rng.random() < p_extension:
            self._extension(handler)
        if rng.random() < p_never:
            if rng.random() < 0.5:
                self.later(10, 40)
                self.act("remind", w.leader, note="请抓紧整改，按期反馈。")
            raise _Stop  # never fixed: overdue, escalated by the deadline job
        self._fix(handler, fix_low, fix_high)
        while True:
            self.later(1, 20)
            verifier = _verifier(w, self.case)
            if rng.random() < p_rework and self.case.reworks < 2:
                self.act(
                    "rework", verifier, note="核查发现整改不到位，请返工。", photos=self.photo("verification")
                )
                self.later(2, 30)
                self.act("report_fix", handler, note="已返工整改。", photos=self.photo("after"))
                continue
            self.act("verify", verifier, note="现场核查，整改到位。")
            break
        self._after_closing()

    def _fix(self, handler, low: float, high: float) -> None:
        span = (self.case.fix_deadline - self.t).total_seconds() / 3600
        self.later(max(0.3, span * low), max(0.5, span * high))
        self.act("report_fix", handler, note=self.rng.choice(("已清理完毕。", "已整改到位，附整改后照片。", "已修复。")),
                 photos=self.photo("after"))  # fmt: skip

    def _transfer(self, handler) -> None:
        w, rng = self.world, self.rng
        self.act("transfer", handler, note="经核实，该问题不属于本单位职责范围。")
        self.later(0.3, 6)
        if rng.random() < 0.6:
            others = [u for u in w.units if u.pk != self.case.unit_id and not u.is_above_district]
            self._dispatch(unit=rng.choice(others))
        else:
            self.act("reject_transfer", w.office, note="经核实属于该单位职责，原处置时限不变。")

    def _extension(self, handler) -> None:
        w, rng = self.world, self.rng
        self.later(1, 6)
        until = self.case.fix_deadline + datetime.timedelta(days=rng.choice((2, 3, 5, 7)))
        self.act("request_extension", handler, note="需采购材料/协调施工，申请延期。", deadline=until)
        self.later(0.5, 8)
        if rng.random() < 0.7:
            self.act("approve_extension", w.office, note="同意延期。")
        else:
            self.act("refuse_extension", w.office, note="时限合理，请按期完成。")

    def _park(self) -> None:
        w, rng = self.world, self.rng
        self.later(2, 24)
        until = timezone.localtime(self.t).date() + datetime.timedelta(days=rng.choice((20, 30, 45, 60)))
        self.act("park", w.office, note="需结合道路改造工程实施，纳入挂账整改计划。", park_until=until)
        if rng.random() < 0.4:
            self.later(24 * 10, 24 * 25)
            self.act("unpark", w.office, note="工程已启动，恢复整改计时。")

    def _after_closing(self) -> None:
        w, rng = self.world, self.rng
        if self.case.source in ("citizen", "hotline") or rng.random() < 0.2:
            self.later(4, 48)
            quality = w.quality.get(self.case.unit_id, "average")
            weights = {"good": (80, 17, 3), "average": (60, 28, 12), "poor": (35, 35, 30)}[quality]
            value = rng.choices(["satisfied", "basic", "dissatisfied"], weights=weights)[0]
            self.act("record_satisfaction", w.office, satisfaction=value)
        if rng.random() < 0.05:
            self.later(24 * 5, 24 * 20)
            reason = rng.choice(("recheck", "dispute"))
            note = "回头看复查发现问题反弹。" if reason == "recheck" else "群众对整改结果有异议。"
            self.act("reopen", _verifier(w, self.case), note=note, reason=reason,
                     photos=self.photo("verification"))  # fmt: skip
            handler = _handler(w, self.case.unit)
            self.later(1, 10)
            self.act("acknowledge", handler)
            self._fix(handler, 0.3, 1.2)


def _verifier(world: _World, case):
    """The inspector who found the problem re-inspects it; otherwise the office verifies."""
    if case.reported_by_id and case.reported_by in world.inspectors:
        return case.reported_by
    return world.office


def _working(t: datetime.datetime, rng: random.Random) -> datetime.datetime:
    """Staff act in working time: the next working moment, plus a few minutes."""
    from wenming.core.workcal import next_working_moment

    return next_working_moment(t) + datetime.timedelta(minutes=rng.randrange(0, 20))


def _alerts_until(case, t: datetime.datetime) -> None:
    """Send the case's reminders/escalations that fell due before `t`, each at its own due time."""
    from wenming.cases.alerts import process_case_alerts
    from wenming.cases.models import Case

    for _ in range(10):
        due = Case.objects.filter(pk=case.pk).values_list("next_alert_at", flat=True).first()
        if due is None or due > t:
            return
        process_case_alerts(case.pk, due)


def _send_due_alerts(world: _World) -> None:
    """Bring the open cases' reminders and escalations up to now (as the periodic job would)."""
    from wenming.cases.alerts import process_case_alerts
    from wenming.cases.models import Case

    for _ in range(10):
        due = list(Case.objects.alerts_due(world.now).values_list("pk", "next_alert_at"))
        if not due:
            return
        for pk, at in due:
            process_case_alerts(pk, at)


# --- photos ----------------------------------------------------------------------------------------------


def _font():
    from PIL import ImageFont

    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, 22)
    return None


STAGE_LOOK = {
    "before": ((178, 84, 60), "整改前", "FOUND"),
    "after": ((64, 140, 88), "整改后", "FIXED"),
    "verification": ((70, 96, 150), "核查", "CHECK"),
}


def _photo(
    world: _World, category: str, at: datetime.datetime, stage: str, rng: random.Random, code: str = ""
):
    """A generated evidence photo: a coloured scene with shapes and a caption (clearly synthetic)."""
    from PIL import Image, ImageDraw

    colour, label, ascii_label = STAGE_LOOK[stage]
    jitter = tuple(max(0, min(255, c + rng.randrange(-25, 25))) for c in colour)
    image = Image.new("RGB", (480, 360), jitter)
    draw = ImageDraw.Draw(image)
    for _ in range(7):
        x, y = rng.randrange(0, 420), rng.randrange(70, 320)
        draw.rectangle(
            (x, y, x + rng.randrange(20, 70), y + rng.randrange(10, 45)), outline=(255, 255, 255), width=2
        )
    when = f"{timezone.localtime(at):%Y-%m-%d %H:%M}"
    if world.font is not None:
        draw.text((14, 12), f"【演示】{label} {code}", fill=(255, 255, 255), font=world.font)
        draw.text((14, 40), f"{category} {when}", fill=(255, 255, 255), font=world.font)
    else:
        draw.text((14, 12), f"DEMO {ascii_label} {code} {when}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"demo-{stage}.jpg", buffer.getvalue(), content_type="image/jpeg")
