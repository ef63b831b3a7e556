"""Demo step: inspection rounds over the last three months — two daily patrols, a supervision round, a mock
evaluation and the city's quarterly test (recorded afterwards), all closed and frozen, plus one open patrol —
with ≈ 350 inspections whose failures became inspection cases (through the cases service).

Everything goes through the services (`wenming.inspections.services`, `wenming.cases.services`), with explicit
timestamps. Idempotent: each round carries a stable key in its note and is skipped when it exists. Failures
are more frequent in two of the five streets and on the "easily lost" themes (cleaning, behaviour, traffic,
compounds, public-service ads), and become rarer round after round — so rankings and comparisons tell.
"""

from __future__ import annotations

import datetime
import io
import random
import uuid
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wenming.demo.context import DemoContext

MARK = "【演示数据】"
TEAM_SIZE = 2
EXTRA_INSPECTORS = 5  # besides the demo account `inspector`: three pairs in all
EASY_LOSS_THEMES = {"ENV", "BEHAVIOR", "TRAFFIC", "COMMUNITY", "PUBLICITY"}
BASE_FAILURE = 0.05
STREET_FACTORS = (1.5, 0.8, 1.0, 0.6, 1.3)  # by street code order: two streets clearly worse
FAR_AWAY_SHARE = 0.03
FIXED_ON_SPOT_SHARE = 0.12
DISPATCHED_SHARE = 0.85


@dataclass(frozen=True)
class RoundSpec:
    key: str
    kind: str
    name: str
    start_days_ago: int
    days: int
    plan: str  # "busy" (the most numerous types), "themed" (a seeded selection), "all" (every type)
    per_type: int
    stratified: bool
    closed: bool = True
    done_share: float = 1.0
    recorded: bool = False  # the real test, typed in afterwards from the evaluators' sheets


ROUNDS = (
    RoundSpec("daily-1", "daily", "常态巡查（第一期）", 84, 5, "busy", 10, False),
    RoundSpec("daily-2", "daily", "常态巡查（第二期）", 56, 5, "busy", 10, False),
    RoundSpec("supervision-1", "supervision", "重点点位专项督查", 42, 4, "themed", 8, False),
    RoundSpec("mock-1", "mock", "全区模拟测评", 28, 6, "all", 3, True),
    RoundSpec(
        "city-quarterly", "city_quarterly", "市季度测评（湖里区）", 14, 2, "all", 3, True, recorded=True
    ),
    RoundSpec(
        "daily-3", "daily", "常态巡查（本期）", 4, 10, "busy", 10, False, closed=False, done_share=0.45
    ),
)


def load_inspections(ctx: DemoContext) -> None:
    from wenming.inspections.models import Round

    world = _World.build(ctx)
    made = 0
    for index, spec in enumerate(ROUNDS):
        if Round.objects.filter(note__contains=f"[demo:{spec.key}]").exists():
            continue
        rng = random.Random(f"{ctx.seed}:inspections:{spec.key}")
        made += _load_round(world, spec, index, rng)
    ctx.log(f"  inspections: {made} new inspections in {len(ROUNDS)} rounds")


class _World:
    """What the rounds share: actors, the standard, the points, street factors and photos."""

    @classmethod
    def build(cls, ctx: DemoContext) -> _World:
        from django.db.models import Count

        from wenming.accounts.models import User
        from wenming.geo.choices import AreaLevel
        from wenming.geo.models import Area
        from wenming.standards.models import PointType, StandardSet

        w = cls()
        w.ctx = ctx
        w.office = User.objects.get(username="office")
        w.inspectors = _ensure_inspectors(ctx)
        w.standard = StandardSet.objects.active().order_by("scope").first()
        types = PointType.objects.annotate(n=Count("points")).filter(n__gt=0).order_by("-n", "code")
        w.type_codes = [t.code for t in types]
        streets = list(Area.objects.filter(level=AreaLevel.STREET).order_by("code"))
        w.street_factor = {s.path: STREET_FACTORS[i % len(STREET_FACTORS)] for i, s in enumerate(streets)}
        return w

    def factor_of(self, point) -> float:
        path = point.area.path if point.area_id else ""
        return next((f for prefix, f in self.street_factor.items() if path.startswith(prefix)), 1.0)


def _ensure_inspectors(ctx: DemoContext) -> list:
    """The demo `inspector` plus five more inspector accounts (demo accounts, same password), in pairs."""
    from django.conf import settings

    from wenming.accounts.choices import Role
    from wenming.accounts.models import User
    from wenming.accounts.services import ensure_demo_accounts

    names = ["督查员" + ctx.new_name() for _ in range(EXTRA_INSPECTORS)]
    scopes = {
        f"inspector{i}": {"role": Role.INSPECTOR, "display_name": name}
        for i, name in enumerate(names, start=2)
    }
    existing = set(User.objects.filter(username__in=scopes).values_list("username", flat=True))
    missing = {u: s for u, s in scopes.items() if u not in existing}
    if missing:
        ensure_demo_accounts(password=settings.DEMO_PASSWORD, scopes=missing)
    return [
        User.objects.get(username="inspector"),
        *User.objects.filter(username__in=scopes).order_by("username"),
    ]


def _plan(world: _World, spec: RoundSpec, rng: random.Random) -> dict:
    if spec.plan == "busy":
        codes = world.type_codes[:6]
    elif spec.plan == "themed":
        codes = sorted(rng.sample(world.type_codes[6:], min(6, len(world.type_codes[6:]))))
    else:
        codes = world.type_codes
    return {
        "mode": "stratified" if spec.stratified else "random",
        "per_type": {c: spec.per_type for c in codes},
    }


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _load_round(world: _World, spec: RoundSpec, index: int, rng: random.Random) -> int:
    from wenming.inspections import services

    today = timezone.localdate()
    start = today - datetime.timedelta(days=spec.start_days_ago)
    end = start + datetime.timedelta(days=spec.days - 1)
    note = f"{MARK}[demo:{spec.key}] " + ("根据测评机构反馈表事后录入。" if spec.recorded else "")
    round_ = services.create_round(
        actor=world.office,
        kind=spec.kind,
        name=spec.name,
        period_start=start,
        period_end=end,
        test_date=end if spec.recorded else None,
        standard_set=world.standard,
        plan=_plan(world, spec, rng),
        seed=rng.randrange(1, 2**31),
        note=note.strip(),
        inspectors=world.inspectors,
        team_size=TEAM_SIZE,
    )
    services.publish_round(actor=world.office, round=round_, now=_at(start, 8))
    tasks = list(
        round_.tasks.select_related("point__area", "point__point_type").prefetch_related("inspectors")
    )
    if spec.done_share < 1:  # an open round: every team is part-way through its points
        tasks = sorted(rng.sample(tasks, round(len(tasks) * spec.done_share)), key=lambda t: t.pk)
    trend = 1.3 - 0.11 * index  # problems get rarer round after round
    inspections = []
    for task in tasks:
        day = start + datetime.timedelta(days=rng.randrange(spec.days if spec.closed else min(spec.days, 5)))
        inspections.append(_inspect(world, round_, task, day, trend, rng))
    if spec.closed:
        _dispatch_cases(world, inspections, rng)
        services.close_round(actor=world.office, round=round_, now=_at(end, 18))
    return len(inspections)


def _observation(criterion, fail: bool, rng: random.Random) -> dict:
    from wenming.inspections.checklist import rule_params

    params = rule_params(criterion)
    obs = {"criterion": criterion.pk, "result": "noncompliant" if fail else "compliant"}
    if criterion.rule in ("abc", "deduction"):
        obs["problems"] = rng.choice((1, 1, 1, 2, 2, 3)) if fail else 0
    elif criterion.rule == "quota":
        required = int(params.get("required", 1))
        obs["count"] = rng.randrange(0, required) if fail else required + rng.choice((0, 0, 1, 2))
    elif criterion.rule == "sampled":
        size = int(params.get("sample_size", 1))
        subs = [True] * size
        if fail:
            for i in rng.sample(range(size), rng.choice((1, 1, 2)) if size > 1 else 1):
                subs[i] = False
        obs["sub_results"] = subs
    return obs


def _inspect(world: _World, round_, task, day: datetime.date, trend: float, rng: random.Random):
    from wenming.inspections import services
    from wenming.inspections.checklist import applicable_criteria

    point = task.point
    criteria = list(
        applicable_criteria(round_.standard_set, point.point_type).select_related("category__parent")
    )
    p_street = BASE_FAILURE * world.factor_of(point) * trend
    observations, photos, after = [], {}, {}
    for criterion in sorted(criteria, key=lambda c: c.code):
        theme = (
            criterion.category.parent.code if criterion.category_id and criterion.category.parent_id else ""
        )
        if rng.random() < 0.03:
            observations.append({"criterion": criterion.pk, "result": "na"})
            continue
        fail = rng.random() < p_street * (1.6 if theme in EASY_LOSS_THEMES else 0.8)
        obs = _observation(criterion, fail, rng)
        if fail:
            obs["note"] = rng.choice(
                ("现场发现，已拍照取证。", "与责任人现场确认。", "多处存在，需限期整改。", "")
            )
            photos[criterion.pk] = [_photo(point.code, criterion.code, day, rng)]
            if rng.random() < FIXED_ON_SPOT_SHARE:
                obs["fixed_on_spot"] = True
                after[criterion.pk] = [_photo(point.code, criterion.code, day, rng, fixed=True)]
        observations.append(obs)
    submitted = _at(day, rng.randrange(9, 17), rng.randrange(60))
    submitted = min(
        submitted, timezone.now() - datetime.timedelta(minutes=rng.randrange(5, 90))
    )  # never ahead
    lat, lon, location_note = _position(point, rng)
    data = {
        "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "task": task.pk,
        "started_at": (submitted - datetime.timedelta(minutes=rng.randrange(12, 45))).isoformat(),
        "lat": lat,
        "lon": lon,
        "accuracy": rng.choice((5, 8, 10, 15, 25)),
        "location_note": location_note,
        "observations": observations,
    }
    team = sorted(task.inspectors.all(), key=lambda u: u.username)
    actor = team[rng.randrange(len(team))] if team else world.office
    submission = services.parse_submission(data, photos, after)
    return services.submit_inspection(actor=actor, submission=submission, now=submitted).inspection


def _position(point, rng: random.Random) -> tuple[float, float, str]:
    """The phone's GPS: a few dozen metres from the point; now and then far away, with the reason."""
    import math

    far = rng.random() < FAR_AWAY_SHARE
    metres = rng.uniform(400, 800) if far else rng.uniform(3, 60)
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = metres * math.cos(bearing) / 111_320
    dlon = metres * math.sin(bearing) / (111_320 * math.cos(math.radians(point.lat)))
    note = "点位坐标与实际位置不符，已在现场核实。" if far else ""
    return round(point.lat + dlat, 6), round(point.lon + dlon, 6), note


def _photo(point_code: str, criterion_code: str, day: datetime.date, rng: random.Random, fixed: bool = False):
    """A generated evidence photo (Pillow-drawn JPEG, clearly synthetic)."""
    from PIL import Image, ImageDraw

    colour = (
        (70, 150, 90) if fixed else (rng.randrange(120, 200), rng.randrange(60, 120), rng.randrange(40, 90))
    )
    image = Image.new("RGB", (480, 360), colour)
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(0, 420), rng.randrange(60, 320)
        draw.rectangle(
            (x, y, x + rng.randrange(20, 60), y + rng.randrange(10, 40)), outline=(255, 255, 255), width=2
        )
    label = "FIXED" if fixed else "FOUND"
    draw.text((12, 12), f"DEMO {label} {point_code} {criterion_code} {day:%Y-%m-%d}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    name = f"{point_code}-{criterion_code}-{'after' if fixed else 'before'}.jpg"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _dispatch_cases(world: _World, inspections: list, rng: random.Random) -> None:
    """Most problems found in a closed round were dispatched by the office within the hour."""
    from django.core.exceptions import ValidationError

    from wenming.cases.services import dispatch
    from wenming.cases.workflow import TransitionError
    from wenming.inspections.models import Observation

    failures = (
        Observation.objects.filter(inspection__in=inspections, case__isnull=False, case__state="reported")
        .select_related("case", "inspection")
        .order_by("pk")
    )
    for observation in failures:
        if rng.random() >= DISPATCHED_SHARE:
            continue
        at = observation.inspection.submitted_at + datetime.timedelta(minutes=rng.randrange(15, 55))
        try:
            dispatch(observation.case, actor=world.office, at=at)
        except (TransitionError, ValidationError):  # e.g. no unit routable: stays with the office
            continue
