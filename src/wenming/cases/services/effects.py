"""What each workflow action changes (cases/workflow.py says when it may run and who may run it)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.cases import deadlines, events
from wenming.cases.choices import UNIT_CLOCK_STATES, CaseState, EventKind
from wenming.cases.models import Case
from wenming.cases.routing import RoutingDecision, manual_decision, route
from wenming.cases.services.transitions import Ctx, in_scope
from wenming.cases.workflow import TRANSITIONS, TransitionError

S = CaseState


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _restart_clock(case: Case, ctx: Ctx, *, deadline: datetime.datetime | None = None) -> None:
    """A new clock cycle for the unit: fix deadline from now (or the given one), fresh reminders."""
    given = deadline
    if deadline is None:
        category = ctx.routing().categories.get(case.category_id) or case.category
        deadline = deadlines.fix_deadline(category, ctx.at)
    ctx.set(
        case,
        clock_started_at=ctx.at if given is None else case.clock_started_at or ctx.at,
        cycle_started_at=ctx.at,
        clock_cycle=case.clock_cycle + 1,
        fix_deadline=deadline,
        deadline_provisional=deadlines.is_provisional(ctx.at, deadline),
        escalation_level=0,
        extension_requested_until=None,
        extension_reason="",
    )


def coordination_deadline(at: datetime.datetime) -> datetime.datetime:
    """The coordination clock: CASE_COORDINATION_DAYS working days from the hand-over to coordination."""
    from django.conf import settings

    from wenming.core.workcal import add_working_time

    return add_working_time(at, getattr(settings, "CASE_COORDINATION_DAYS", 15), "days")


def _start_coordination(case: Case, ctx: Ctx) -> None:
    """A case handed to coordination (unit above the district): a fresh coordination clock and alert cycle."""
    ctx.set(
        case,
        coordination_deadline=coordination_deadline(ctx.at),
        cycle_started_at=ctx.at,
        clock_cycle=case.clock_cycle + 1,
        escalation_level=0,
    )
    ctx.data["coordination_deadline"] = _iso(case.coordination_deadline)


def _stop_clock(case: Case, ctx: Ctx) -> None:
    ctx.set(case, extension_requested_until=None, extension_reason="")


def _register(case, ctx):
    ctx.set(case, state=S.REGISTERED, registered_at=ctx.at)


def _reject(case, ctx):
    ctx.set(case, state=S.REJECTED, rejected_at=ctx.at)
    ctx.title = _("您上报的问题 %(code)s 不予立案") % {"code": case.code}


def _resolve(model, value, label):
    if value is None or isinstance(value, model):
        return value
    obj = model.objects.filter(pk=value).first()
    if obj is None:
        raise TransitionError(_("%(label)s不存在。") % {"label": label}, code="required")
    return obj


def _merge(case, ctx):
    survivor = _resolve(Case, ctx.params["survivor"], _("保留案件"))
    if survivor.pk == case.pk:
        raise TransitionError(_("不能把案件合并到它自己。"), code="invalid")
    if survivor.state in (S.MERGED, S.REJECTED):
        raise TransitionError(_("保留案件已合并或不予立案，不能作为合并目标。"), code="invalid")
    if not in_scope(survivor, ctx.actor):
        raise TransitionError(_("保留案件不存在或不在您的权限范围内。"), code="not_found")
    _stop_clock(case, ctx)
    ctx.set(case, state=S.MERGED, merged_into=survivor, closed_at=ctx.at)
    ctx.data.update(survivor_id=survivor.pk, survivor_code=survivor.code)
    ctx.title = _("您上报的问题 %(code)s 已与 %(survivor)s 合并处理") % {
        "code": case.code,
        "survivor": survivor.code,
    }
    ctx.after_save.append(
        lambda: events.duplicate_merged(survivor, case, actor=ctx.actor, at=ctx.at, note=ctx.note)
    )


def _person_in_unit(person, unit) -> bool:
    from wenming.accounts.scope import _unit_descendants
    from wenming.org.models import Unit

    return person.unit_id in _unit_descendants(Unit, {unit.pk})


def _dispatch(case, ctx):
    from wenming.org.models import Person, Unit

    unit = _resolve(Unit, ctx.params.get("unit"), _("责任单位"))
    person = _resolve(Person, ctx.params.get("person"), _("责任人"))
    if unit is None and person is not None:
        unit = person.unit
    if unit is not None:
        if not unit.is_active:
            raise TransitionError(_("单位“%(u)s”已停用，不能派遣。") % {"u": unit.name}, code="invalid")
        if person is not None and not _person_in_unit(person, unit):
            raise TransitionError(_("责任人必须属于责任单位或其下级单位。"), code="invalid")
        decision = manual_decision(unit, person)
    else:
        decision = route(case, on=timezone.localdate(ctx.at), data=ctx.routing())
        if not decision.found:
            raise TransitionError(
                _("无法自动确定责任单位：%(why)s") % {"why": decision.reason}, code="required"
            )
    if case.state == S.RETURNED and decision.unit.pk == case.unit_id:
        raise TransitionError(
            _("维持退回须改派其他单位；如认为退回理由不成立，请“驳回退回”。"), code="invalid"
        )
    _apply_decision(case, ctx, decision)


def _apply_decision(case: Case, ctx: Ctx, decision: RoutingDecision) -> None:
    upheld_transfer = case.state == S.RETURNED
    ctx.set(
        case,
        unit=decision.unit,
        person=decision.person,
        routing_step=decision.step,
        routing_reason=decision.reason[:300],
        registered_at=case.registered_at or ctx.at,
        returned_from="",
        transfer_deadline=None,
    )
    ctx.data.update(routing=decision.as_data(), transfer_upheld=upheld_transfer)
    if decision.needs_coordination:
        # 央属/省属/市属: the district cannot order a fix; the office coordinates, the unit clock does not run.
        _stop_clock(case, ctx)
        ctx.set(case, state=S.COORDINATING, fix_deadline=None, acknowledged_at=None, fix_started_at=None)
        _start_coordination(case, ctx)
        ctx.audiences = ("office",)
        ctx.event_kind = EventKind.COORDINATION
        ctx.title = _("案件 %(code)s 涉及%(level)s单位，转入协调") % {
            "code": case.code,
            "level": decision.unit.get_level_display(),
        }
        return
    ctx.set(case, state=S.DISPATCHED, dispatched_at=ctx.at, acknowledged_at=None, fix_started_at=None)
    _restart_clock(case, ctx)
    ctx.data["fix_deadline"] = _iso(case.fix_deadline)
    ctx.title = _("新派遣案件 %(code)s，请在 %(deadline)s 前整改") % {
        "code": case.code,
        "deadline": f"{timezone.localtime(case.fix_deadline):%Y-%m-%d %H:%M}",
    }


def _acknowledge(case, ctx):
    ctx.set(case, state=S.ACKNOWLEDGED, acknowledged_at=ctx.at)


def _start_fix(case, ctx):
    ctx.set(case, state=S.FIXING, fix_started_at=ctx.at)


def _report_fix(case, ctx):
    _stop_clock(case, ctx)
    ctx.set(
        case,
        state=S.FIX_REPORTED,
        fix_reported_at=ctx.at,
        fix_reported_by=ctx.actor,
        acknowledged_at=case.acknowledged_at or ctx.at,
        handling_seconds=deadlines.handling_seconds(case.clock_started_at, ctx.at),
    )
    ctx.data.update(on_time=bool(case.fix_deadline and ctx.at <= case.fix_deadline), photos=len(ctx.photos))
    ctx.title = _("案件 %(code)s 已整改反馈，请核查") % {"code": case.code}


def _coordinate_done(case, ctx):
    ctx.set(
        case, state=S.FIX_REPORTED, fix_reported_at=ctx.at, fix_reported_by=ctx.actor, handling_seconds=None
    )


def _check_verifier(case, ctx):
    if case.fix_reported_by_id and ctx.actor.pk == case.fix_reported_by_id:
        raise TransitionError(_("核查人不能是整改反馈人本人。"), code="forbidden")


def _verify(case, ctx):
    _check_verifier(case, ctx)
    ctx.set(case, state=S.CLOSED, verified_at=ctx.at, verified_by=ctx.actor, closed_at=ctx.at)
    ctx.data.update(result="passed", verifier_id=ctx.actor.pk, photos=len(ctx.photos))
    ctx.title = _("案件 %(code)s 已核查结案") % {"code": case.code}


def _rework(case, ctx):
    _check_verifier(case, ctx)
    ctx.set(
        case,
        state=S.FIXING,
        verified_at=ctx.at,
        verified_by=ctx.actor,
        reworks=case.reworks + 1,
        fix_reported_at=None,
        fix_reported_by=None,
        handling_seconds=None,
    )
    ctx.data.update(result="failed", verifier_id=ctx.actor.pk, photos=len(ctx.photos), rework_no=case.reworks)
    ctx.title = _("案件 %(code)s 核查不通过，请返工") % {"code": case.code}


def _transfer(case, ctx):
    _stop_clock(case, ctx)
    ctx.set(
        case,
        state=S.RETURNED,
        returned_from=case.state,
        transfers=case.transfers + 1,
        transfer_deadline=deadlines.transfer_deadline(ctx.at),
    )
    ctx.data.update(unit_id=case.unit_id, transfer_deadline=_iso(case.transfer_deadline))
    ctx.title = _("案件 %(code)s 被申请退回：%(reason)s") % {"code": case.code, "reason": ctx.note[:60]}


def _reject_transfer(case, ctx):
    # The unit's original deadline stands: the time spent in transfer counts against it.
    ctx.set(
        case,
        state=case.returned_from or S.DISPATCHED,
        returned_from="",
        transfer_deadline=None,
        transfers_rejected=case.transfers_rejected + 1,
    )
    ctx.data["fix_deadline"] = _iso(case.fix_deadline)


def _as_deadline(value, label: str) -> datetime.datetime:
    if isinstance(value, str):
        parsed = None
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
        value = parsed
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time(18, 0)))
    raise TransitionError(_("%(label)s格式不正确。") % {"label": label}, code="invalid")


def _request_extension(case, ctx):
    until = _as_deadline(ctx.params["deadline"], _("延期日期"))
    if case.fix_deadline and until <= case.fix_deadline:
        raise TransitionError(_("申请的日期必须晚于当前处置时限。"), code="invalid")
    if until <= ctx.at:
        raise TransitionError(_("申请的日期必须晚于现在。"), code="invalid")
    ctx.set(case, extension_requested_until=until, extension_reason=ctx.note[:300])
    ctx.data.update(requested_until=_iso(until), current_deadline=_iso(case.fix_deadline))
    ctx.title = _("案件 %(code)s 申请延期至 %(until)s") % {
        "code": case.code,
        "until": f"{timezone.localtime(until):%Y-%m-%d %H:%M}",
    }


def _approve_extension(case, ctx):
    until = case.extension_requested_until
    if ctx.params.get("deadline"):
        until = _as_deadline(ctx.params["deadline"], _("延期日期"))
    if case.fix_deadline and until <= case.fix_deadline:
        raise TransitionError(_("批准的日期必须晚于当前处置时限。"), code="invalid")
    old = case.fix_deadline
    ctx.set(case, extensions=case.extensions + 1)
    _restart_clock(case, ctx, deadline=until)
    ctx.data.update(old_deadline=_iso(old), new_deadline=_iso(until))


def _refuse_extension(case, ctx):
    ctx.data.update(requested_until=_iso(case.extension_requested_until))
    _stop_clock(case, ctx)


def _park(case, ctx):
    until = ctx.params["park_until"]
    if isinstance(until, datetime.datetime):
        until = timezone.localtime(until).date()
    if isinstance(until, str):
        try:
            until = datetime.date.fromisoformat(until)
        except ValueError:
            raise TransitionError(_("挂账计划完成日期格式不正确。"), code="invalid")
    if until < timezone.localtime(ctx.at).date():
        raise TransitionError(_("挂账计划完成日期不能早于今天。"), code="invalid")
    _stop_clock(case, ctx)
    ctx.set(
        case, state=S.PARKED, parked_from=case.state, parked_at=ctx.at, park_plan=ctx.note, park_until=until
    )
    ctx.data.update(park_until=until.isoformat(), parked_from=case.parked_from)


def _unpark(case, ctx):
    back = case.parked_from or S.REGISTERED
    ctx.set(case, state=back, parked_from="")
    if back == S.COORDINATING:
        _start_coordination(case, ctx)  # parked time is not the coordination's either
    if back in UNIT_CLOCK_STATES:
        _restart_clock(case, ctx)  # parked time is not the unit's: a fresh deadline from unparking
        ctx.data["fix_deadline"] = _iso(case.fix_deadline)


def _reopen(case, ctx):
    decision = None
    if case.unit_id is None:
        decision = route(case, on=timezone.localdate(ctx.at))
        if not decision.found:
            raise TransitionError(_("无法确定责任单位，请先派遣。"), code="required")
    ctx.set(
        case,
        rebounds=case.rebounds + 1,
        reopened_at=ctx.at,
        closed_at=None,
        verified_at=None,
        verified_by=None,
        fix_reported_at=None,
        fix_reported_by=None,
        handling_seconds=None,
        satisfaction="",
        satisfaction_at=None,
    )
    ctx.data.update(reason=ctx.params["reason"], rebound=True)
    unit = decision.unit if decision else case.unit
    if decision is not None:
        _apply_decision(case, ctx, decision)
        return
    if unit.is_above_district:
        ctx.set(case, state=S.COORDINATING, fix_deadline=None)
        _start_coordination(case, ctx)
        ctx.audiences = ("office",)
        ctx.event_kind = EventKind.COORDINATION
        return
    ctx.set(
        case,
        state=S.DISPATCHED,
        dispatched_at=case.dispatched_at or ctx.at,
        acknowledged_at=None,
        fix_started_at=None,
    )
    _restart_clock(case, ctx)
    ctx.data["fix_deadline"] = _iso(case.fix_deadline)
    ctx.title = _("案件 %(code)s 已重新打开（反弹），请在 %(deadline)s 前整改") % {
        "code": case.code,
        "deadline": f"{timezone.localtime(case.fix_deadline):%Y-%m-%d %H:%M}",
    }


def _assign_person(case, ctx):
    from wenming.org.models import Person

    person = _resolve(Person, ctx.params["person"], _("责任人"))
    if case.unit_id and not _person_in_unit(person, case.unit):
        raise TransitionError(_("责任人必须属于责任单位或其下级单位。"), code="invalid")
    ctx.data.update(old_person_id=case.person_id, person_id=person.pk)
    ctx.set(case, person=person)


def _remind(case, ctx):
    ctx.set(case, reminders=case.reminders + 1)
    ctx.data["manual"] = True
    ctx.title = _("【催办】请尽快处置案件 %(code)s") % {"code": case.code}


def _record_satisfaction(case, ctx):
    ctx.set(case, satisfaction=ctx.params["satisfaction"], satisfaction_at=ctx.at)
    ctx.data["satisfaction"] = ctx.params["satisfaction"]


def _comment(case, ctx):
    pass


EFFECTS: dict[str, Callable[[Case, Ctx], None]] = {
    "register": _register,
    "reject": _reject,
    "merge": _merge,
    "dispatch": _dispatch,
    "acknowledge": _acknowledge,
    "start_fix": _start_fix,
    "report_fix": _report_fix,
    "coordinate_done": _coordinate_done,
    "verify": _verify,
    "rework": _rework,
    "transfer": _transfer,
    "reject_transfer": _reject_transfer,
    "request_extension": _request_extension,
    "approve_extension": _approve_extension,
    "refuse_extension": _refuse_extension,
    "park": _park,
    "unpark": _unpark,
    "reopen": _reopen,
    "assign_person": _assign_person,
    "remind": _remind,
    "record_satisfaction": _record_satisfaction,
    "comment": _comment,
}
assert set(EFFECTS) == set(TRANSITIONS), "every declared action needs an effect"
