"""Demo step: citizens take part — ≈ 180 reports (文明随手拍) over the last two months through the public site
and one Open311 client, triaged by the office: most accepted (→ cases, dispatched by the usual routing, many
fixed and verified, some rated, a few disputed and reopened), some merged as duplicates of an earlier
report's case, some rejected with a reason, a few spam, and the most recent still pending triage (several of
them with duplicate candidates nearby). Also trains the category classifier.

Everything goes through the services (`wenming.participation.services`, `wenming.cases.services`) with explicit
timestamps. Idempotent: nothing is done when the demo's reports exist (their idempotency key contains
"demo-participation:"). Phone numbers are the demo's obviously fake ones; photos are generated.
"""

from __future__ import annotations

import datetime
import io
import math
import random
from collections import Counter
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wenming.demo.context import DemoContext

KEY = "demo-participation:"
N_REPORTS = 180
DAYS = 60
PENDING_DAYS = 2  # reports of the last two days wait for triage
CLIENT_NAME = "湖里i市民App（演示）"
# outcome weights for reports older than PENDING_DAYS
OUTCOMES = (("accept", 74), ("merge", 10), ("reject", 9), ("spam", 4), ("pending", 3))
REJECT_REASONS = (
    "经核实，该处为小区内部私人区域，请联系物业处理。",
    "照片和描述无法确认问题位置，请补充具体地址后重新上报。",
    "该问题属于12345热线受理范围，已告知上报人拨打热线。",
    "现场核查未发现所述问题。",
)
SPAM_TEXTS = ("专业疏通下水道，价格优惠，欢迎来电", "测试测试测试", "加微信领红包，转发有奖")
EXTRAS = (
    "，已经好几天了",
    "，希望尽快处理",
    "，影响居民出行",
    "，晚上路过时发现的",
    "，请相关部门管一管",
    "",
)
HOUR = datetime.timedelta(hours=1)
FOLLOW_UPS = ("in progress", "fix reported", "fixed", "rated", "disputed", "refused")


@dataclass
class _Demo:
    rng: random.Random
    now: datetime.datetime
    office: object
    client: object
    leaves: list
    spots: list  # (lat, lon, label)
    handlers: dict = field(default_factory=dict)
    tally: Counter = field(default_factory=Counter)


def load_participation(ctx: DemoContext) -> None:
    from wenming.participation.models import Report

    if Report.objects.filter(idempotency_key__contains=KEY).exists():
        ctx.log("  participation: demo reports already loaded")
        return
    demo = _build(ctx)
    if demo is None:
        return
    from wenming.participation import classifier

    model = classifier.train()
    ctx.log(
        f"  participation: classifier trained (held-out accuracy {model.accuracy}, top-3 {model.top3_accuracy})"
    )
    earlier: list = []
    for index in range(N_REPORTS):
        _play(demo, index, earlier)
    mine = Report.objects.filter(idempotency_key__contains=KEY)
    states = Counter(mine.values_list("state", flat=True))
    summary = " · ".join(f"{k} {n}" for k, n in sorted(states.items()))
    follow = " · ".join(f"{k} {n}" for k, n in sorted(demo.tally.items()) if k in FOLLOW_UPS)
    ctx.log(f"  participation: {sum(states.values())} citizen reports ({summary}; {follow}); "
            f"Open311 client “{CLIENT_NAME}”")  # fmt: skip


def _build(ctx: DemoContext) -> _Demo | None:
    from wenming.accounts.choices import Role
    from wenming.accounts.models import User
    from wenming.participation import services
    from wenming.participation.models import Open311Client
    from wenming.standards.models import ProblemCategory

    office = (
        User.objects.with_role(Role.OFFICE).filter(is_active=True).exclude(username=services.PORTAL_USERNAME)
        .order_by("-is_demo", "username").first()
    )  # fmt: skip
    leaves = [
        c
        for c in ProblemCategory.objects.public().select_related("parent").order_by("code")
        if c.example_list()
    ]
    spots = _spots()
    if office is None or not leaves or not spots:
        ctx.log("  participation: skipped (needs an office account, public categories and places)")
        return None
    client = Open311Client.objects.filter(name=CLIENT_NAME).first()
    if client is None:
        client, _key = services.issue_client(actor=None, name=CLIENT_NAME, contact="区大数据中心（演示）")
    now = ctx.extra.get("cases_now") or timezone.now()
    return _Demo(rng=ctx.rng, now=now, office=office, client=client, leaves=leaves, spots=spots)


def _spots() -> list[tuple[float, float, str]]:
    """Where citizens report: beside the inspection points (streets, markets, bus stops …)."""
    from wenming.geo.models import Point

    return [
        (p.lat, p.lon, p.name)
        for p in Point.objects.active().filter(area__isnull=False).order_by("code")
        if p.lat is not None
    ]


def _jitter(rng: random.Random, lat: float, lon: float, metres: float) -> tuple[float, float]:
    angle, distance = rng.uniform(0, 2 * math.pi), rng.uniform(0, metres)
    dlat = distance * math.cos(angle) / 111_195
    dlon = distance * math.sin(angle) / (111_195 * math.cos(math.radians(lat)))
    return round(lat + dlat, 7), round(lon + dlon, 7)


def _daytime(rng: random.Random, at: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(at)
    return local.replace(hour=rng.randrange(7, 22), minute=rng.randrange(60), second=rng.randrange(60))


@dataclass
class _Spec:
    at: datetime.datetime
    category: object
    lat: float
    lon: float
    place: str
    outcome: str
    duplicate_of: object | None = None


def _plan(demo: _Demo, index: int, earlier: list) -> _Spec:
    rng = demo.rng
    days_ago = DAYS * (1 - index / N_REPORTS) ** 1.3  # more reports lately, as the campaign gets known
    at = _daytime(rng, demo.now - datetime.timedelta(days=days_ago))
    at = min(at, demo.now - datetime.timedelta(minutes=30))
    recent = demo.now - at < datetime.timedelta(days=PENDING_DAYS)
    outcome = (
        "pending" if recent else rng.choices([o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES])[0]
    )
    if outcome == "merge" or (recent and earlier and rng.random() < 0.25):
        if earlier:  # the same problem reported again a little later, a few metres away
            previous, category, place = rng.choice(earlier[-40:])
            lat, lon = _jitter(rng, previous.lat, previous.lon, 25)
            return _Spec(at, category, lat, lon, place, outcome, previous)
        outcome = "accept"
    lat, lon, place = rng.choice(demo.spots)
    lat, lon = _jitter(rng, lat, lon, 40)
    return _Spec(at, rng.choice(demo.leaves), lat, lon, place, outcome)


def _play(demo: _Demo, index: int, earlier: list) -> None:
    from django.core.exceptions import ValidationError

    from wenming.participation import services

    rng = demo.rng
    spec = _plan(demo, index, earlier)
    spam = spec.outcome == "spam"
    example = rng.choice(spec.category.example_list())
    description = rng.choice(SPAM_TEXTS) if spam else f"{spec.place}附近：{example}{rng.choice(EXTRAS)}"
    if not spam and rng.random() < 0.06:
        description += f"，有事可打我电话{_fake_phone(rng)}"  # masked on every public page
    via_app = rng.random() < 0.2
    named = rng.random() < 0.55
    try:
        report = _submit(demo, spec, index, description, via_app, named)
    except ValidationError:  # a jittered position just outside the district's edge: report at the spot itself
        demo.tally["refused"] += 1
        return
    demo.tally[spec.outcome] += 1
    if spec.outcome == "pending":
        return
    triage_at = _working(spec.at + datetime.timedelta(minutes=rng.randrange(20, 240)), rng)
    if triage_at >= demo.now:
        demo.tally["pending"] += 1
        demo.tally[spec.outcome] -= 1
        return
    if spec.outcome == "reject":
        services.reject_report(report, actor=demo.office, reason=rng.choice(REJECT_REASONS), at=triage_at)
    elif spec.outcome == "spam":
        services.mark_spam(report, actor=demo.office, at=triage_at)
    elif spec.outcome == "merge" and _open_case(spec.duplicate_of):
        services.merge_report(report, actor=demo.office, case=spec.duplicate_of.case, at=triage_at)
    else:
        report = services.accept_report(report, actor=demo.office, category=spec.category, at=triage_at)
        earlier.append((report, spec.category, spec.place))
        _follow(demo, report, triage_at)


def _submit(demo: _Demo, spec: _Spec, index: int, description: str, via_app: bool, named: bool):
    from wenming.participation import services
    from wenming.participation.choices import Channel

    rng = demo.rng
    return services.submit_report(
        channel=Channel.OPEN311 if via_app else Channel.WEB,
        client=demo.client if via_app else None,
        description=description,
        category=None if rng.random() < 0.2 else spec.category,  # "not sure": the classifier suggests
        lat=spec.lat, lon=spec.lon, position_source="client" if via_app else rng.choice(["device", "device", "map"]),
        address=spec.place if rng.random() < 0.5 else "",
        photos=[_photo(rng, spec.category.public_name or spec.category.name, spec.at)],
        reporter_name=_name(rng) if named else "",
        reporter_phone=_fake_phone(rng) if named or rng.random() < 0.3 else "",
        consent=True, idempotency_key=f"{KEY}{index}", at=spec.at,
    )  # fmt: skip


def _open_case(report) -> bool:
    from wenming.cases.choices import OPEN_STATES

    if report is None or report.case_id is None:
        return False
    report.case.refresh_from_db()
    return report.case.state in OPEN_STATES and report.case.state != "merged"


def _working(t: datetime.datetime, rng: random.Random) -> datetime.datetime:
    from wenming.core.workcal import next_working_moment

    return next_working_moment(t) + datetime.timedelta(minutes=rng.randrange(0, 20))


def _handler(demo: _Demo, unit):
    """The unit's handler account (the cases demo's `unit-<code>` convention, created when first needed)."""
    if unit.pk in demo.handlers:
        return demo.handlers[unit.pk]
    from django.conf import settings

    from wenming.accounts.choices import Role
    from wenming.accounts.models import Membership
    from wenming.accounts.services import ensure_demo_accounts

    membership = (
        Membership.objects.active().filter(role=Role.UNIT_HANDLER, unit=unit, user__is_active=True)
        .select_related("user").order_by("pk").first()
    )  # fmt: skip
    if membership is not None:
        user = membership.user
    else:
        username = f"unit-{unit.code.lower()}"
        spec = {
            "role": Role.UNIT_HANDLER,
            "unit": unit,
            "display_name": f"{unit.short_name or unit.name}经办人",
        }
        user = ensure_demo_accounts(password=settings.DEMO_PASSWORD, scopes={username: spec})[username]
    demo.handlers[unit.pk] = user
    return user


def _follow(demo: _Demo, report, t: datetime.datetime) -> None:
    """The case's life after acceptance: most get fixed and verified; reporters rate, confirm or dispute."""
    from wenming.cases import services as cases
    from wenming.cases.choices import CaseState
    from wenming.participation import services

    rng = demo.rng
    case = report.case
    if case.state != CaseState.DISPATCHED or case.unit is None or case.unit.is_above_district:
        return
    handler = _handler(demo, case.unit)
    fix_hours = rng.uniform(2, 60)
    fixed_at = _working(t + datetime.timedelta(hours=fix_hours), rng)
    if fixed_at >= demo.now or rng.random() < 0.12:
        acknowledged_at = _working(t + HOUR, rng)
        if acknowledged_at < demo.now:
            cases.transition(case, "acknowledge", actor=handler, at=acknowledged_at)
        demo.tally["in progress"] += 1
        return
    case = cases.transition(case, "acknowledge", actor=handler, at=_working(t + 0.5 * HOUR, rng))
    case = cases.report_fix(case, actor=handler, photos=[_photo(rng, "整改后", fixed_at, after=True)],
                            note="已安排人员现场整改完毕。", at=fixed_at)  # fmt: skip
    verified_at = _working(fixed_at + datetime.timedelta(hours=rng.uniform(1, 20)), rng)
    if verified_at >= demo.now:
        demo.tally["fix reported"] += 1
        return
    case = cases.verify_fix(case, actor=demo.office, passed=True, note="现场核查已整改。", at=verified_at)
    demo.tally["fixed"] += 1
    follow_at = verified_at + datetime.timedelta(hours=rng.uniform(2, 48))
    if follow_at >= demo.now:
        return
    roll = rng.random()
    if roll < 0.06:
        services.dispute_fix(report, reason="问题又出现了，现场和之前一样。", at=follow_at)
        demo.tally["disputed"] += 1
        return
    if roll < 0.55:
        satisfaction = rng.choices(["satisfied", "basic", "dissatisfied"], weights=[70, 22, 8])[0]
        services.rate_satisfaction(report, satisfaction=satisfaction, at=follow_at)
        demo.tally["rated"] += 1
    if roll < 0.35:
        services.confirm_fix(report, at=follow_at + datetime.timedelta(minutes=1))


# --- fake people and photos ---------------------------------------------------------------------------------


def _fake_phone(rng: random.Random) -> str:
    return f"1390000{rng.randrange(10_000):04d}"  # the demo's obviously fake numbers (139-0000-xxxx)


def _name(rng: random.Random) -> str:
    from wenming.demo.names import person_name

    return person_name(rng)


def _photo(rng: random.Random, caption: str, at: datetime.datetime, *, after: bool = False):
    """A generated photo (clearly synthetic): a street scene of coloured blocks and a caption."""
    from PIL import Image, ImageDraw

    from wenming.demo.cases import _font

    base = (120, 170, 110) if after else (150, 140, 125)
    image = Image.new("RGB", (480, 360), base)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 250, 480, 360), fill=(110, 110, 115))  # the road
    for _ in range(6):
        x, y = rng.randrange(0, 420), rng.randrange(120, 300)
        colour = (rng.randrange(60, 230), rng.randrange(60, 230), rng.randrange(60, 230))
        draw.rectangle((x, y, x + rng.randrange(20, 70), y + rng.randrange(15, 50)), fill=colour)
    text = f"【演示照片】{caption} {timezone.localtime(at):%m-%d %H:%M}"
    font = _font()
    draw.rectangle((0, 0, 480, 34), fill=(0, 0, 0))
    if font is not None:  # without a CJK font the photo simply has no caption
        draw.text((8, 6), text, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return SimpleUploadedFile("demo.jpg", out.getvalue(), content_type="image/jpeg")
