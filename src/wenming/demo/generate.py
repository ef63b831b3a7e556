"""`wenming generate`: a large district on demand, reproducibly from a seed (docs/generate.md).

The registries (calendar, units, groups, standard, areas, points, people, duties) are the demo's own
foundation steps; then one account per role (`gen-office`, `gen-unit`, … with a random password: they are
for benchmarks and `force_login`, not for people), then N cases with their whole timeline.

Cases are not written through `services.transition()` one by one (≈ 25 ms a case): each case's life is
sampled, and every step of it is applied IN MEMORY by the very effect function the service runs
(`cases.services.effects.EFFECTS`), so the fields, deadlines (work calendar), counters and event rows are
the ones the service would write. Rows are then stored with `bulk_create` in chunks, with keys computed
beforehand (events point at their case without a round trip), one transaction per chunk, SQLite pragmas
relaxed during the load (`synchronous=OFF`, larger cache) and put back afterwards.

What the bulk path does not write (and why that is still valid): no photos (the files would dominate the
disk), no notifications, no simple_history rows (the KPI code reads the current row of a case that has no
history row as of a period end, as for any bulk import), no reminder/escalation events (`next_alert_at` is
set from the final state with no alert sent, so the periodic job sends what is due on its first run).
"""

from __future__ import annotations

import datetime
import random
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

CASES_PER_YEAR = 100_000  # a busy district: Xiamen's offices bulletined 13,817 problems in 2022 alone
CHUNK = 5_000
GENERATED_PREFIX = "gen-"
ROLES = ("office", "leader", "unit", "street", "community", "grid", "group", "inspector", "auditor")

# Where cases come from (the KPI bench's proportions: inspections and citizens dominate).
SOURCES = (
    ("inspection", 0.45),
    ("citizen", 0.30),
    ("hotline", 0.10),
    ("leadership", 0.05),
    ("bulletin", 0.05),
    ("manual", 0.05),
)
# Probabilities of the side paths of one case.
P_REJECT = 0.04
P_MERGE = 0.02
P_STUCK = 0.03  # left lying: fixed only 2–8 × the time allowed after dispatch (open and overdue meanwhile)
P_TRANSFER = 0.03
P_EXTENSION = 0.06
P_EXTENSION_REFUSED = 0.2
P_REWORK = 0.07
P_PARK = 0.02
P_REOPEN = 0.02
P_SATISFACTION = 0.4


class GenerateRefused(Exception):
    pass


@dataclass
class GenerateReport:
    cases: int = 0
    events: int = 0
    inspections: int = 0
    observations: int = 0
    reports: int = 0
    answers: int = 0
    states: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)

    @property
    def cases_per_second(self) -> float:
        s = self.seconds.get("cases", 0)
        return round(self.cases / s, 1) if s else 0.0

    @property
    def cases_per_cpu_second(self) -> float:
        """Per second of this process's CPU time: the figure a busy shared machine does not distort."""
        s = self.seconds.get("cases_cpu", 0)
        return round(self.cases / s, 1) if s else 0.0


# --- safety -------------------------------------------------------------------------------------------


def real_data_present(using: str = "default") -> list[str]:
    """Which tables hold rows that `generate` did not make (cases, users): a reason to refuse."""
    from wenming.accounts.models import User
    from wenming.cases.models import Case

    found = []
    users = User.objects.using(using).exclude(username__startswith=GENERATED_PREFIX)
    if users.exists():
        found.append(_("账号 %(n)d 个") % {"n": users.count()})
    generated_ids = set(
        User.objects.using(using).filter(username__startswith=GENERATED_PREFIX).values_list("pk", flat=True)
    )
    cases = Case.objects.using(using).exclude(created_by_id__in=generated_ids) if generated_ids else None
    if cases is None:
        cases = Case.objects.using(using).all()
    cases = cases.exclude(created_by__isnull=True, source_ref__startswith="gen:")
    if cases.exists():
        found.append(_("问题案件 %(n)d 件") % {"n": cases.count()})
    return found


# --- SQLite pragmas --------------------------------------------------------------------------------------


class fast_sqlite:
    """synchronous=OFF and a 256 MB page cache while loading; the previous values afterwards."""

    def __init__(self, using: str):
        self.conn = connections[using]

    def __enter__(self):
        self.saved = {}
        if self.conn.vendor != "sqlite" or self.conn.in_atomic_block:
            return self  # (inside a transaction, e.g. a test, SQLite refuses to change them)
        with self.conn.cursor() as c:
            self.saved = {p: c.execute(f"PRAGMA {p}").fetchone()[0] for p in ("synchronous", "cache_size")}
            c.execute("PRAGMA synchronous=OFF")
            c.execute("PRAGMA cache_size=-262144")
        return self

    def __exit__(self, *exc):
        if self.saved:
            with self.conn.cursor() as c:
                for p, v in self.saved.items():
                    c.execute(f"PRAGMA {p}={int(v)}")
        return False


# --- foundation -----------------------------------------------------------------------------------------


def build_foundation(seed: int, years: int, log: Callable[[str], None]):
    """The demo's registries (idempotent steps) and one generated account per role; returns the context."""
    from wenming.core.services import seed_calendar
    from wenming.demo.accounts import demo_scopes, load_accounts
    from wenming.demo.context import DemoContext
    from wenming.demo.steps import FOUNDATION_STEPS

    ctx = DemoContext(seed=seed, stdout=_Writer(log))
    for step in FOUNDATION_STEPS:
        if step is load_accounts:
            continue
        ctx.reseed(step.__name__)
        with transaction.atomic():
            step(ctx)
    this_year = timezone.localdate().year
    seed_calendar(actor=None, years=range(this_year - years - 1, this_year + 2), provisional=True)
    with transaction.atomic():
        ctx.extra["accounts"] = ensure_generated_accounts(demo_scopes(ctx))
    return ctx


class _Writer:
    def __init__(self, log):
        self.log = log

    def write(self, text):
        if text.strip():
            self.log(text.rstrip("\n"))


def ensure_generated_accounts(scopes: dict[str, dict]) -> dict:
    """`gen-<role>` accounts with the demo's scopes and a random password (sign in with force_login)."""
    from wenming.accounts import services
    from wenming.accounts.models import User

    made = {}
    for key in ROLES:
        spec = scopes[key]
        username = f"{GENERATED_PREFIX}{key}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.create_user(
                actor=None,
                username=username,
                password=secrets.token_urlsafe(24),
                display_name=spec.get("display_name", username),
                person=spec.get("person"),
            )
            services.grant_membership(
                actor=None,
                user=user,
                role=spec["role"],
                unit=spec.get("unit"),
                area=spec.get("area"),
                special_group=spec.get("special_group"),
            )
        made[key] = user
    return made


# --- cases ----------------------------------------------------------------------------------------------


class _Builder:
    """Samples one case's life and applies each step with the service's own effect function."""

    def __init__(
        self, *, rng: random.Random, now, accounts, points, leaves, street_units, first_pk, first_event
    ):
        from wenming.cases import deadlines

        self.rng = rng
        self.now = now
        self.office = accounts["office"]
        self.inspector = accounts["inspector"]
        self.unit_user = accounts["unit"]
        self.points = points
        self.leaves = leaves
        self.street_units = street_units
        self.next_pk = first_pk
        self._prototype = None
        # public ids: seeded too, and different on a second run into the same database (they are unique)
        self.public_rng = random.Random(f"{rng.random()}:{first_pk}")
        self.next_event = first_event
        self.deadlines = deadlines
        self.sequences: dict[int, int] = {}
        self.survivors: list = []  # recent cases a duplicate may be merged into
        self.events: list = []
        self.states: dict[str, int] = {}

    # one step -------------------------------------------------------------------------------------------
    def _step(self, case, action: str, at, *, actor, note: str = "", **params) -> bool:
        """Apply `action` at `at` unless `at` is in the future; returns whether it happened."""
        from wenming.cases.services.effects import EFFECTS
        from wenming.cases.services.transitions import Ctx
        from wenming.cases.workflow import TRANSITIONS

        if at > self.now:
            return False
        row = TRANSITIONS[action]
        if case.state not in row.sources:
            raise AssertionError(f"{action} from {case.state}")
        ctx = Ctx(actor=actor, at=at, note=note, photos=[], params=params)
        from_state = case.state
        EFFECTS[action](case, ctx)
        self._event(
            case.pk, ctx.event_kind or row.event, action, from_state, case.state, actor, at, note, ctx.data
        )
        case._last_at = at
        return True

    def _event(self, case_id, kind, action, from_state, to_state, actor, at, note, data) -> None:
        """One timeline row as a tuple in EVENT_COLUMNS order (stored by `insert_rows`)."""
        self.next_event += 1
        self.events.append(
            (self.next_event, case_id, str(kind), action, str(from_state), str(to_state),
             actor.pk if actor is not None else None, at, note, data, "")
        )  # fmt: skip

    def _code(self, at) -> str:
        year = timezone.localtime(at).year
        self.sequences[year] = self.sequences.get(year, 0) + 1
        return f"{settings.DISTRICT_CASE_PREFIX}-{year}-{self.sequences[year]:06d}"

    def _new_case(self, category, point, reporter, **values):
        """A Case instance without Model.__init__ (its keyword path costs more than the whole case's
        effects): the defaults of a prototype, then `values`; related objects put in the instance cache so
        that the effects never query them."""
        from django.db.models.base import ModelState

        from wenming.cases.models import Case

        if self._prototype is None:
            proto = Case()
            self._prototype = {k: v for k, v in proto.__dict__.items() if k != "_state"}
        case = Case.__new__(Case)
        case.__dict__.update(self._prototype)
        case.__dict__.update(values)
        case._state = ModelState()
        case._state.fields_cache.update(category=category, point=point, reported_by=reporter)
        return case

    # one case -------------------------------------------------------------------------------------------
    def case(self, reported_at):
        from wenming.cases.choices import CaseState as S
        from wenming.cases.choices import EventKind, ReopenReason, RoutingStep, Satisfaction
        from wenming.cases.routing import RoutingDecision

        rng = self.rng
        hour = datetime.timedelta(hours=1)
        category = self.leaves[rng.randrange(len(self.leaves))]
        point = self.points[rng.randrange(len(self.points))]
        source = rng.choices([s for s, _p in SOURCES], [p for _s, p in SOURCES])[0]
        reporter = (
            self.inspector if source == "inspection" else (None if source == "citizen" else self.office)
        )
        self.next_pk += 1
        case = self._new_case(
            category,
            point,
            reporter,
            id=self.next_pk,
            public_id=f"{self.public_rng.getrandbits(128):032x}",
            code=self._code(reported_at),
            source=source,
            source_ref=f"gen:{self.next_pk}",
            category_id=category.pk,
            top_category_id=category.parent_id,
            special_group_id=category.special_group_id or category.parent.special_group_id,
            point_id=point.pk,
            area_id=point.area_id,
            street_id=point._street_id,
            lat=point.lat,
            lon=point.lon,
            address=point.address[:200],
            description=f"{category.name}：{point.name}",
            severity=rng.choices(["normal", "serious", "urgent"], [0.8, 0.15, 0.05])[0],
            reported_by_id=reporter.pk if reporter else None,
            created_by_id=reporter.pk if reporter else None,
            reporter_name="" if reporter else "市民",
            state=S.REPORTED,
            reported_at=reported_at,
            dispatch_deadline=self.deadlines.dispatch_deadline(reported_at),
        )
        case.created_at = case.updated_at = reported_at
        case._last_at = reported_at
        data = {
            "source": source,
            "category_id": category.pk,
            "dispatch_deadline": _iso(case.dispatch_deadline),
        }
        self._event(case.pk, EventKind.CREATED, "", "", S.REPORTED, reporter, reported_at, "", data)
        office = self.office
        t = reported_at + rng.uniform(0.2, 6) * hour
        roll = rng.random()
        if roll < P_REJECT:
            self._step(case, "reject", t, actor=office, note="不属于文明创建问题")
            return self._done(case)
        if not self._step(case, "register", t, actor=office):
            return self._done(case)
        if roll < P_REJECT + P_MERGE:
            # a duplicate of a case whose timeline is over by then (its state at the merge is its final one)
            t_merge = t + rng.uniform(0.1, 4) * hour
            ready = [s for s in self.survivors if s._last_at <= t_merge]
            if ready and t_merge <= self.now:
                self._merge(case, ready[rng.randrange(len(ready))], t_merge)
                return self._done(case)
        unit = point.responsible_unit or self.street_units.get(point._street_id)
        decision = RoutingDecision(
            unit, None, RoutingStep.POINT, _("点位“%(p)s”的责任单位") % {"p": point.name}
        )
        t = t + rng.uniform(0.1, 18) * hour
        if not self._step(case, "dispatch", t, actor=office, unit=unit, _decision=decision):
            return self._done(case)
        if case.state == S.COORDINATING:
            t = t + rng.uniform(1, 20) * 24 * hour
            if self._step(case, "coordinate_done", t, actor=office, note="协调责任单位完成整改"):
                self._verify(case, t + rng.uniform(2, 72) * hour)
            return self._done(case)
        self._unit_cycle(case, t)
        if case.state == S.CLOSED and rng.random() < P_REOPEN:
            t = case.closed_at + rng.uniform(1, 30) * 24 * hour
            if self._step(
                case,
                "reopen",
                t,
                actor=self.inspector,
                note="回头看发现问题反弹",
                reason=ReopenReason.RECHECK,
            ):
                self._unit_cycle(case, t, second=True)
        if case.state == S.CLOSED and source in ("citizen", "hotline") and rng.random() < P_SATISFACTION:
            self._step(
                case,
                "record_satisfaction",
                case.closed_at + rng.uniform(2, 48) * hour,
                actor=office,
                satisfaction=rng.choices(Satisfaction.values, [0.6, 0.3, 0.1])[0],
            )
        return self._done(case)

    def _unit_cycle(self, case, t, *, second: bool = False):
        from wenming.cases.choices import CaseState as S

        rng = self.rng
        hour = datetime.timedelta(hours=1)
        unit_user = self.unit_user if case.unit_id == self.unit_user_unit_id else None
        t = t + rng.uniform(0.2, 8) * hour
        if not self._step(case, "acknowledge", t, actor=unit_user):
            return
        t = t + rng.uniform(0, 24) * hour
        if not self._step(case, "start_fix", t, actor=unit_user):
            return
        stuck = not second and rng.random() < P_STUCK  # stays in 整改中, overdue, until fixed very late
        if not second and rng.random() < P_TRANSFER:
            t = t + rng.uniform(1, 24) * hour
            if not self._step(case, "transfer", t, actor=unit_user, note="非本单位职责"):
                return
            t = t + rng.uniform(0.2, 8) * hour
            if not self._step(case, "reject_transfer", t, actor=self.office, note="经核实属本单位职责"):
                return
        if not second and rng.random() < P_PARK:
            t = t + rng.uniform(1, 48) * hour
            until = timezone.localtime(t).date() + datetime.timedelta(days=rng.randint(30, 120))
            if not self._step(case, "park", t, actor=self.office, note="需立项改造", park_until=until):
                return
            t = t + rng.uniform(10, 90) * 24 * hour
            if not self._step(case, "unpark", t, actor=self.office):
                return
            if case.state != S.FIXING:
                return
        if not second and rng.random() < P_EXTENSION:
            t = t + rng.uniform(1, 24) * hour
            until = max(case.fix_deadline, t) + rng.uniform(3, 7) * 24 * hour
            if not self._step(
                case, "request_extension", t, actor=unit_user, note="需协调施工", deadline=until
            ):
                return
            t = t + rng.uniform(0.5, 8) * hour
            refused = rng.random() < P_EXTENSION_REFUSED
            action = "refuse_extension" if refused else "approve_extension"
            if not self._step(case, action, t, actor=self.office, note="不予延期" if refused else ""):
                return
        span = case.fix_deadline - case.cycle_started_at
        t = max(
            t + hour, case.cycle_started_at + span * (rng.uniform(2, 8) if stuck else rng.uniform(0.1, 1.3))
        )
        if not self._step(case, "report_fix", t, actor=unit_user):
            return
        if rng.random() < P_REWORK:
            t = t + rng.uniform(2, 48) * hour
            if not self._step(case, "rework", t, actor=self.inspector, note="整改不到位"):
                return
            t = t + rng.uniform(4, 72) * hour
            if not self._step(case, "report_fix", t, actor=unit_user):
                return
        self._verify(case, t + rng.uniform(2, 72) * hour)

    def _verify(self, case, t):
        verifier = self.inspector if case.fix_reported_by_id != self.inspector.pk else self.office
        self._step(case, "verify", t, actor=verifier)

    def _merge(self, case, survivor, t):
        """The merge effect minus its scope query (the office sees every case); both timeline rows."""
        from wenming.cases.choices import CaseState as S
        from wenming.cases.choices import EventKind

        from_state = case.state
        case.extension_requested_until, case.extension_reason = None, ""
        case.state, case.merged_into, case.closed_at = S.MERGED, survivor, t
        note = "重复上报"
        data = {"survivor_id": survivor.pk, "survivor_code": survivor.code}
        self._event(case.pk, EventKind.MERGED, "merge", from_state, case.state, self.office, t, note, data)
        self._event(survivor.pk, EventKind.MERGED_FROM, "merge", survivor.state, survivor.state, self.office, t,
                    note, {"duplicate_id": case.pk, "duplicate_code": case.code})  # fmt: skip
        case._last_at = t

    def _done(self, case):
        from wenming.cases import alerts
        from wenming.cases.choices import CaseState as S

        case.next_alert_at = alerts.next_alert_at(case, sent=set())
        case.updated_at = case._last_at
        self.states[str(case.state)] = self.states.get(str(case.state), 0) + 1
        if case.state not in (S.MERGED, S.REJECTED):
            self.survivors.append(case)
            if len(self.survivors) > 200:
                self.survivors.pop(0)
        return case


EVENT_COLUMNS = ["id", "case_id", "kind", "action", "from_state", "to_state", "actor_id", "at", "note", "data",
                 "dedupe_key"]  # fmt: skip


def insert_rows(model, attnames: list[str], rows: list, using: str = "default") -> None:
    """INSERT many rows at once (executemany), values converted as Django stores them, without building a
    model instance and an insert compiler per row. Values are Python values: aware datetimes, dates,
    dicts (JSON fields), str/int/float/bool/None; the caller gives every column (keys included)."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    connection = connections[using]
    fields = [next(f for f in model._meta.concrete_fields if f.attname == a) for a in attnames]
    sqlite = connection.vendor == "sqlite"
    utc = datetime.UTC
    json_cols = {i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"}

    def convert(i, v):
        if v is None:
            return None
        if i in json_cols:
            return json.dumps(v, cls=DjangoJSONEncoder)
        if isinstance(v, datetime.datetime):
            return v.astimezone(utc).replace(tzinfo=None).isoformat(" ") if sqlite else v
        if isinstance(v, datetime.date):
            return v.isoformat() if sqlite else v
        if isinstance(v, str):
            return str(v)
        return v

    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[convert(i, v) for i, v in enumerate(row)] for row in rows])


def _iso(value):
    return value.isoformat() if value else None


def _patch_dispatch():
    """The dispatch effect with a precomputed routing decision (`_decision`): the real effect routes with
    queries per case; the generator decides by the point's unit, as routing's point step does."""
    from wenming.cases.services import effects

    original = effects.EFFECTS["dispatch"]

    def dispatch(case, ctx):
        decision = ctx.params.pop("_decision", None)
        if decision is None:
            return original(case, ctx)
        return effects._apply_decision(case, ctx, decision)

    return dispatch


def generate_cases(
    *, ctx, n: int, years: float, seed: int, now, log: Callable[[str], None], report: GenerateReport
) -> None:
    from django.db.models import Max

    from wenming.cases.models import Case, CaseEvent, CaseSequence
    from wenming.cases.services import effects
    from wenming.geo.choices import AreaLevel
    from wenming.geo.models import Area, Point
    from wenming.standards.models import ProblemCategory

    rng = random.Random(f"{seed}:cases")
    accounts = ctx.extra["accounts"]
    leaves = list(ProblemCategory.objects.leaves().select_related("parent").order_by("code"))
    streets = {a.pk: a for a in Area.objects.filter(level=AreaLevel.STREET).select_related("unit")}
    street_of = {}
    for area in Area.objects.only("pk", "path"):
        ids = [int(x) for x in area.path.strip("/").split("/") if x]
        street_of[area.pk] = next((i for i in ids if i in streets), None)
    points = list(
        Point.objects.filter(area__isnull=False).select_related("responsible_unit").order_by("code")
    )
    for p in points:
        p._street_id = street_of.get(p.area_id)
    street_units = {pk: a.unit for pk, a in streets.items() if a.unit_id}
    points = [p for p in points if p.responsible_unit_id or street_units.get(p._street_id)]
    if not points or not leaves:
        raise GenerateRefused(_("没有可用的点位或问题类别。"))
    start = now - datetime.timedelta(days=365.25 * years)
    # reported times in order, so that codes follow time within a year
    span = (now - start).total_seconds()
    offsets = sorted(rng.random() * span for _ in range(n))
    builder = _Builder(
        rng=rng,
        now=now,
        accounts=accounts,
        points=points,
        leaves=leaves,
        street_units=street_units,
        first_pk=Case.objects.aggregate(m=Max("pk"))["m"] or 0,
        first_event=CaseEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
    )
    builder.unit_user_unit_id = accounts["unit"].memberships.values_list("unit_id", flat=True).first()
    builder.sequences = dict(CaseSequence.objects.values_list("year", "last"))
    saved = effects.EFFECTS["dispatch"]
    effects.EFFECTS["dispatch"] = _patch_dispatch()
    case_columns = [f.attname for f in Case._meta.concrete_fields]
    began = time.perf_counter()
    try:
        for lo in range(0, n, CHUNK):
            chunk = [builder.case(start + datetime.timedelta(seconds=s)) for s in offsets[lo : lo + CHUNK]]
            with transaction.atomic():
                insert_rows(Case, case_columns, [[getattr(c, a) for a in case_columns] for c in chunk])
                insert_rows(CaseEvent, EVENT_COLUMNS, builder.events)
            report.cases += len(chunk)
            report.events += len(builder.events)
            builder.events = []
            if (lo // CHUNK) % 20 == 19:
                rate = report.cases / (time.perf_counter() - began)
                log(f"  {report.cases:,} / {n:,} cases ({rate:,.0f}/s)")
    finally:
        effects.EFFECTS["dispatch"] = saved
    with transaction.atomic():
        for year, last in builder.sequences.items():
            CaseSequence.objects.update_or_create(year=year, defaults={"last": last})
    report.states = dict(sorted(builder.states.items()))


# --- the whole run --------------------------------------------------------------------------------------


def generate(
    *,
    cases: int | None = None,
    years: float = 1.0,
    scale: float = 1.0,
    seed: int = 20261207,
    using: str = "default",
    force: bool = False,
    now: datetime.datetime | None = None,
    log: Callable[[str], None] | None = None,
) -> GenerateReport:
    """Build the district; refuses (GenerateRefused) a database holding data it did not make, unless force."""
    log = log or (lambda m: sys.stdout.write(m + "\n"))
    if using != "default":
        raise GenerateRefused(_("目前只支持默认数据库（用 WENMING_DATABASE_URL 指定）。"))
    if years <= 0 or scale <= 0:
        raise GenerateRefused(_("年数与规模必须大于零。"))
    n = int(cases) if cases is not None else max(1, round(CASES_PER_YEAR * years * scale))
    if n < 1:
        raise GenerateRefused(_("案件数必须大于零。"))
    if not force and (found := real_data_present(using)):
        raise GenerateRefused(
            _("数据库中已有非生成数据（%(what)s），拒绝写入；确需写入请加 --force。")
            % {"what": "、".join(found)}
        )
    report = GenerateReport()
    with fast_sqlite(using):
        t0 = time.perf_counter()
        ctx = build_foundation(seed, max(1, int(-(-years // 1))), log)
        report.users = {k: u.username for k, u in ctx.extra["accounts"].items()}
        report.seconds["foundation"] = round(time.perf_counter() - t0, 1)
        log(_("台账与账号已就绪（%(s)s 秒）") % {"s": report.seconds["foundation"]})
        t0, c0 = time.perf_counter(), time.process_time()
        generate_cases(
            ctx=ctx, n=n, years=years, seed=seed, now=now or timezone.now(), log=log, report=report
        )
        report.seconds["cases"] = round(time.perf_counter() - t0, 1)
        report.seconds["cases_cpu"] = round(time.process_time() - c0, 1)
        log(
            _("案件 %(n)s 件、流转记录 %(e)s 条（%(s)s 秒，%(r)s 件/秒）")
            % {
                "n": report.cases,
                "e": report.events,
                "s": report.seconds["cases"],
                "r": report.cases_per_second,
            }
        )
    return report
