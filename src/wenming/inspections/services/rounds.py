"""Rounds (轮次): plan, change a draft, preview the draw, publish tasks to the teams, copy, close and freeze."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.roles import is_office
from wenming.inspections import sampling
from wenming.inspections.choices import RoundKind, RoundState, TaskState
from wenming.inspections.models import Round, RoundInspector, Task
from wenming.inspections.services.common import InspectionError, NotFound
from wenming.inspections.signals import round_closed


def _require_office(actor, round_=None) -> None:
    if round_ is not None:
        if not Round.objects.restrict(actor, "view").filter(pk=round_.pk).exists():
            raise NotFound(_("轮次不存在。"))
    if not is_office(actor):
        raise PermissionDenied(_("只有文明办可以管理测评轮次。"))


def _locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round_.pk)


def _validated_plan(plan: dict, standard_set) -> sampling.Plan:
    from wenming.standards.models import PointType

    try:
        parsed = sampling.Plan.from_json(plan)
    except sampling.PlanError as exc:
        raise InspectionError(str(exc), code="invalid")
    unknown = set(parsed.per_type) - set(
        PointType.objects.filter(code__in=parsed.per_type).values_list("code", flat=True)
    )
    if unknown:
        raise InspectionError(_("未知点位类型：%(t)s") % {"t": "、".join(sorted(unknown))}, code="invalid")
    return parsed


def _check_dates(period_start, period_end) -> None:
    if period_start and period_end and period_end < period_start:
        raise InspectionError(_("结束日期不能早于开始日期。"), code="invalid")


def create_round(
    *,
    actor,
    kind: str,
    name: str,
    period_start: datetime.date,
    period_end: datetime.date,
    standard_set,
    plan: dict,
    area=None,
    seed: int | None = None,
    test_date: datetime.date | None = None,
    note: str = "",
    inspectors=(),
    team_size: int = 2,
) -> Round:
    """Plan a round (draft): its standard, scope, sampling plan, seed and inspectors (paired into teams)."""
    _require_office(actor)
    if kind not in RoundKind.values:
        raise InspectionError(_("未知轮次类型：%(k)s") % {"k": kind}, code="invalid")
    if not (name or "").strip():
        raise InspectionError(_("请填写轮次名称。"), code="invalid")
    _check_dates(period_start, period_end)
    parsed = _validated_plan(plan, standard_set)
    with transaction.atomic():
        round_ = Round.objects.create(
            kind=kind,
            name=name.strip(),
            period_start=period_start,
            period_end=period_end,
            test_date=test_date,
            standard_set=standard_set,
            area=area,
            seed=seed if seed is not None else sampling.new_seed(),
            sampling_plan=parsed.to_json(),
            note=note,
            created_by=actor,
        )
        _set_inspectors(round_, inspectors, team_size)
    return round_


def _set_inspectors(round_: Round, inspectors, team_size: int) -> None:
    """Inspectors in the order given, `team_size` per team (pairs by default); or explicit (user, team)."""
    from wenming.accounts.models import User

    RoundInspector.objects.filter(round=round_).delete()
    rows, seen = [], set()
    team_size = max(1, int(team_size or 1))
    for i, entry in enumerate(inspectors):
        user, team = entry if isinstance(entry, tuple) else (entry, i // team_size + 1)
        if not isinstance(user, User):
            raise InspectionError(_("测评员无效。"), code="invalid")
        if user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(RoundInspector(round=round_, user=user, team=team))
    RoundInspector.objects.bulk_create(rows)


def update_round(*, actor, round: Round, inspectors=None, team_size: int = 2, **fields) -> Round:
    """Change a draft round's plan, dates, scope, seed or inspectors."""
    _require_office(actor, round)
    allowed = {
        "kind",
        "name",
        "period_start",
        "period_end",
        "test_date",
        "standard_set",
        "area",
        "seed",
        "note",
        "sampling_plan",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise InspectionError(_("不能修改：%(f)s") % {"f": "、".join(sorted(unknown))}, code="invalid")
    with transaction.atomic():
        round_ = _locked_round(round)
        if round_.state != RoundState.DRAFT:
            raise InspectionError(_("只有草稿状态的轮次可以修改。"), code="state")
        if "sampling_plan" in fields:
            fields["sampling_plan"] = _validated_plan(
                fields["sampling_plan"], fields.get("standard_set", round_.standard_set)
            ).to_json()
        if fields.get("seed", 0) is None:
            fields["seed"] = sampling.new_seed()
        for name, value in fields.items():
            setattr(round_, name, value)
        _check_dates(round_.period_start, round_.period_end)
        round_.save()
        if inspectors is not None:
            _set_inspectors(round_, inspectors, team_size)
    return round_


def draw_round(round_: Round) -> sampling.Draw:
    """The points the round's plan and seed draw now (the preview; publishing draws the same)."""
    from wenming.standards.models import PointType

    plan = sampling.Plan.from_json(round_.sampling_plan)
    names = dict(PointType.objects.values_list("code", "name"))
    return sampling.draw(sampling.load_candidates(round_.area), plan, round_.seed, names)


def _team_chunks(candidates: list[sampling.Candidate], teams: list[int]) -> dict[int, int]:
    """Hand points to teams in contiguous runs ordered by street then code (a team stays in one area)."""
    ordered = sorted(candidates, key=lambda c: (c.stratum, c.point_type, c.code))
    out: dict[int, int] = {}
    if not teams:
        return out
    per_team, extra = divmod(len(ordered), len(teams))
    start = 0
    for i, team in enumerate(teams):
        size = per_team + (1 if i < extra else 0)
        for c in ordered[start : start + size]:
            out[c.id] = team
        start += size
    return out


def publish_round(
    *, actor, round: Round, now: datetime.datetime | None = None, team_of: dict[int, int] | None = None
) -> Round:
    """Draw the points (same seed → same points as the preview) and hand a task per point to the teams.

    `team_of` (point id → team), when given, decides the team of each drawn point instead of the contiguous
    runs by street (the day planner hands each team the points of its route)."""
    _require_office(actor, round)
    now = now or timezone.now()
    with transaction.atomic():
        round_ = _locked_round(round)
        if round_.state != RoundState.DRAFT:
            raise InspectionError(_("只有草稿状态的轮次可以发布。"), code="state")
        members = list(round_.inspectors.select_related("user"))
        if not members:
            raise InspectionError(_("请先为轮次指定测评员。"), code="invalid")
        result = draw_round(round_)
        if not result.point_ids:
            raise InspectionError(_("按抽样方案没有抽到任何点位，请调整方案。"), code="invalid")
        teams = sorted({m.team for m in members})
        if team_of is None:
            team_of = _team_chunks(result.candidates, teams)
        elif any(team_of.get(c.id) not in teams for c in result.candidates):
            raise InspectionError(_("点位的小组不在本轮测评员的小组中。"), code="invalid")
        tasks = Task.objects.bulk_create(
            [Task(round=round_, point_id=c.id, team=team_of[c.id]) for c in result.candidates]
        )
        users_by_team: dict[int, list[int]] = {}
        for m in members:
            users_by_team.setdefault(m.team, []).append(m.user_id)
        through = Task.inspectors.through
        through.objects.bulk_create(
            [through(task_id=t.pk, user_id=uid) for t in tasks for uid in users_by_team.get(t.team, [])]
        )
        round_.state = RoundState.PUBLISHED
        round_.published_at = now
        round_.save(update_fields=["state", "published_at", "updated_at"])
    return round_


def copy_round(*, actor, round: Round, name: str = "", keep_seed: bool = False) -> Round:
    """A new draft with the same kind, standard, scope, plan and inspectors; a new seed unless kept."""
    _require_office(actor, round)
    with transaction.atomic():
        copy = Round.objects.create(
            kind=round.kind,
            name=(name or "").strip() or _("%(n)s（复制）") % {"n": round.name},
            period_start=round.period_start,
            period_end=round.period_end,
            test_date=None,
            standard_set=round.standard_set,
            area=round.area,
            seed=round.seed if keep_seed else sampling.new_seed(),
            sampling_plan=dict(round.sampling_plan),
            copied_from=round,
            note=round.note,
            created_by=actor,
        )
        RoundInspector.objects.bulk_create(
            [RoundInspector(round=copy, user_id=m.user_id, team=m.team) for m in round.inspectors.all()]
        )
    return copy


def close_round(*, actor, round: Round, now: datetime.datetime | None = None) -> Round:
    """Close a published round: pending tasks are cancelled and `round_closed` is sent in the same transaction
    (the scoring app freezes the round's scores on it)."""
    _require_office(actor, round)
    now = now or timezone.now()
    with transaction.atomic():
        round_ = _locked_round(round)
        if round_.state != RoundState.PUBLISHED:
            raise InspectionError(_("只有进行中的轮次可以结束。"), code="state")
        round_.tasks.filter(state=TaskState.PENDING).update(state=TaskState.CANCELLED, updated_at=now)
        round_.state = RoundState.CLOSED
        round_.closed_at = now
        round_.save(update_fields=["state", "closed_at", "updated_at"])
        try:
            round_closed.send(sender=Round, actor=actor, round=round_)
        except InspectionError:
            raise
        except ValidationError as exc:
            raise InspectionError(_("得分固化失败：%(e)s") % {"e": " ".join(exc.messages)}, code="freeze")
    return round_
