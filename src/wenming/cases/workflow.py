"""The case workflow as a declared table: one row per action — from which states, to which state, who may
trigger it (roles + scope rule), what it requires, which timeline event it writes and whom it notifies.

`wenming.cases.services.transition()` is the only code that moves a case; it reads this table, locks the
row, re-checks everything here and applies the action's effects. The detail page, the API and the docs
read the same table (`available_actions`, `TRANSITIONS`).

    reported ─register─► registered ─dispatch─► dispatched ─acknowledge─► acknowledged ─start_fix─► fixing
        │                   │  ▲                    │ (unit above district)                           │
        ├─reject─► rejected │  └──── dispatch ──── returned ◄─transfer── (dispatched/acknowledged/fixing)
        └─merge──► merged   │                     (reject_transfer → back to where it was)           │
                            └─park─► parked ─unpark─► (back)                         report_fix ◄────┘
    coordinating ─coordinate_done─► fix_reported ─verify─► closed ─reopen─► dispatched (rebound 反弹)
                                         └─rework─► fixing (返工)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from wenming.accounts.choices import Role
from wenming.cases.choices import FINAL_STATES, UNIT_CLOCK_STATES, CaseState, EventKind
from wenming.core.roles import is_office

S = CaseState


class TransitionError(Exception):
    """A refused transition; the message is shown to the user (Chinese). Nothing was changed."""

    def __init__(self, message, *, code: str = "invalid"):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code


@dataclass(frozen=True)
class Rule:
    """Who may trigger an action: a label for people and a check over (case, user, scope)."""

    label: str
    check: Callable[..., bool]


def _by_office(case, user, scope) -> bool:
    return is_office(user)


def _is_responsible(case, user, scope) -> bool:
    if scope.person_id and case.person_id == scope.person_id:
        return True
    acting_roles = {Role.UNIT_HANDLER, Role.STREET, Role.COMMUNITY, Role.GRID}
    return bool(scope.roles & acting_roles) and case.unit_id is not None and case.unit_id in scope.unit_ids


def _is_verifier(case, user, scope) -> bool:
    return _by_office(case, user, scope) or Role.INSPECTOR in scope.roles


def _is_supervisor(case, user, scope) -> bool:
    if _by_office(case, user, scope) or Role.LEADER in scope.roles:
        return True
    return Role.GROUP_LEAD in scope.roles and case.special_group_id in scope.group_ids


def _is_participant(case, user, scope) -> bool:
    """Anyone who reaches the case except a read-only auditor."""
    return bool(scope.is_superuser or scope.roles - {Role.AUDITOR}) or bool(scope.person_id)


def _is_portal(case, user, scope) -> bool:
    """The public participation platform acting for the citizen who reported the case."""
    return Role.PORTAL in scope.roles


OFFICE = Rule(_("文明办"), _by_office)
VERIFIER_OR_CITIZEN = Rule(
    _("文明办、督查员或上报群众"), lambda c, u, s: _is_verifier(c, u, s) or _is_portal(c, u, s)
)
OFFICE_OR_CITIZEN = Rule(_("文明办或上报群众"), lambda c, u, s: _by_office(c, u, s) or _is_portal(c, u, s))
RESPONSIBLE = Rule(_("责任单位经办人或指定责任人"), _is_responsible)
VERIFIER = Rule(_("文明办或督查员"), _is_verifier)
SUPERVISOR = Rule(_("文明办、领导或本专项组负责人"), _is_supervisor)
OFFICE_OR_RESPONSIBLE = Rule(
    _("文明办或责任单位经办人"), lambda c, u, s: _by_office(c, u, s) or _is_responsible(c, u, s)
)
PARTICIPANT = Rule(_("可见该案件的人员（审计除外）"), _is_participant)


# --- conditions: a predicate on the case; returns the refusal message or None ------------------------------
def _extension_allowed(case):
    if case.extension_requested_until:
        return _("已有待审批的延期申请。")
    limit = max_extensions()
    if case.extensions >= limit:
        return _("每个案件最多延期 %(n)d 次，已用完。") % {"n": limit}
    return None


def _extension_pending(case):
    return None if case.extension_requested_until else _("没有待审批的延期申请。")


def max_extensions() -> int:
    return int(getattr(settings, "CASE_MAX_EXTENSIONS", 2))


@dataclass(frozen=True)
class Transition:
    """One row of the workflow table."""

    action: str
    label: str
    sources: frozenset[str]
    targets: tuple[str, ...]  # () = the state does not change; several = decided by the effect
    who: Rule
    event: str
    requires: frozenset[str] = frozenset()  # note, after_photo, photo, unit, deadline, park_until, survivor …
    notify: tuple[str, ...] = ()  # audiences: unit, office, leaders, reporters
    condition: Callable | None = None

    @property
    def changes_state(self) -> bool:
        return bool(self.targets)


REQUIREMENT_LABELS = {
    "note": _("说明/理由"),
    "after_photo": _("至少一张整改后照片"),
    "verification_photo": _("至少一张核查照片"),
    "unit": _("责任单位（不填则按派遣规则自动确定）"),
    "deadline": _("申请延至的日期时间"),
    "park_until": _("挂账计划完成日期"),
    "survivor": _("保留的案件"),
    "person": _("责任人"),
    "satisfaction": _("满意度"),
    "reason": _("重新打开原因"),
}

_CLOCK = frozenset(UNIT_CLOCK_STATES)
_ANY_OPEN_OR_CLOSED = frozenset(set(S.values) - {S.REJECTED, S.MERGED})

# One row per action. `sources` → `targets` (several: the effect decides; none: the state stays), `who` may
# run it, what it `requires`, the `event` it writes and whom it `notify`s. Read by services, API, pages, docs.
T = Transition
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        T("register", _("立案"), sources=frozenset({S.REPORTED}), targets=(S.REGISTERED,), who=OFFICE,
          event=EventKind.REGISTERED),
        T("reject", _("不予立案"), sources=frozenset({S.REPORTED, S.REGISTERED}), targets=(S.REJECTED,), who=OFFICE,
          event=EventKind.REJECTED, requires=frozenset({"note"}), notify=("reporters",)),
        T("merge", _("合并为重复案件"),
          sources=frozenset({S.REPORTED, S.REGISTERED, S.DISPATCHED, S.ACKNOWLEDGED, S.FIXING, S.COORDINATING,
                             S.RETURNED}),
          targets=(S.MERGED,), who=OFFICE, event=EventKind.MERGED, requires=frozenset({"survivor"}),
          notify=("reporters", "unit")),
        T("dispatch", _("派遣"), sources=frozenset({S.REPORTED, S.REGISTERED, S.RETURNED, S.COORDINATING}),
          targets=(S.DISPATCHED, S.COORDINATING), who=OFFICE, event=EventKind.DISPATCHED,
          requires=frozenset({"unit"}), notify=("unit",)),
        T("acknowledge", _("签收"), sources=frozenset({S.DISPATCHED}), targets=(S.ACKNOWLEDGED,), who=RESPONSIBLE,
          event=EventKind.ACKNOWLEDGED),
        T("start_fix", _("开始整改"), sources=frozenset({S.ACKNOWLEDGED}), targets=(S.FIXING,), who=RESPONSIBLE,
          event=EventKind.FIX_STARTED),
        T("report_fix", _("整改反馈"), sources=_CLOCK, targets=(S.FIX_REPORTED,), who=RESPONSIBLE,
          event=EventKind.FIX_REPORTED, requires=frozenset({"after_photo"}), notify=("office",)),
        T("coordinate_done", _("协调完成"), sources=frozenset({S.COORDINATING}), targets=(S.FIX_REPORTED,),
          who=OFFICE, event=EventKind.COORDINATED, requires=frozenset({"after_photo", "note"})),
        T("verify", _("核查通过并结案"), sources=frozenset({S.FIX_REPORTED}), targets=(S.CLOSED,), who=VERIFIER,
          event=EventKind.VERIFIED, notify=("unit", "reporters")),
        T("rework", _("核查不通过（返工）"), sources=frozenset({S.FIX_REPORTED}), targets=(S.FIXING,), who=VERIFIER,
          event=EventKind.REWORK, requires=frozenset({"note", "verification_photo"}), notify=("unit",)),
        T("transfer", _("退回（非本单位职责）"), sources=_CLOCK, targets=(S.RETURNED,), who=RESPONSIBLE,
          event=EventKind.TRANSFER_REQUESTED, requires=frozenset({"note"}), notify=("office",)),
        T("reject_transfer", _("驳回退回"), sources=frozenset({S.RETURNED}), targets=tuple(sorted(_CLOCK)),
          who=OFFICE, event=EventKind.TRANSFER_REJECTED, requires=frozenset({"note"}), notify=("unit",)),
        T("request_extension", _("申请延期"), sources=_CLOCK, targets=(), who=RESPONSIBLE,
          event=EventKind.EXTENSION_REQUESTED, requires=frozenset({"note", "deadline"}), notify=("office",),
          condition=_extension_allowed),
        T("approve_extension", _("批准延期"), sources=_CLOCK, targets=(), who=OFFICE,
          event=EventKind.EXTENSION_APPROVED, notify=("unit",), condition=_extension_pending),
        T("refuse_extension", _("不予延期"), sources=_CLOCK, targets=(), who=OFFICE,
          event=EventKind.EXTENSION_REFUSED, requires=frozenset({"note"}), notify=("unit",),
          condition=_extension_pending),
        T("park", _("挂账"), sources=frozenset({S.REGISTERED, S.DISPATCHED, S.ACKNOWLEDGED, S.FIXING, S.COORDINATING}),
          targets=(S.PARKED,), who=OFFICE, event=EventKind.PARKED, requires=frozenset({"note", "park_until"}),
          notify=("unit",)),
        T("unpark", _("解除挂账"), sources=frozenset({S.PARKED}),
          targets=(S.REGISTERED, S.DISPATCHED, S.ACKNOWLEDGED, S.FIXING, S.COORDINATING), who=OFFICE,
          event=EventKind.UNPARKED, notify=("unit",)),
        T("reopen", _("重新打开（反弹/异议）"), sources=frozenset({S.CLOSED}), targets=(S.DISPATCHED, S.COORDINATING),
          who=VERIFIER_OR_CITIZEN, event=EventKind.REOPENED, requires=frozenset({"note", "reason"}),
          notify=("unit",)),
        T("assign_person", _("指定责任人"), sources=frozenset({S.DISPATCHED, S.ACKNOWLEDGED, S.FIXING, S.COORDINATING}),
          targets=(), who=OFFICE_OR_RESPONSIBLE, event=EventKind.PERSON_ASSIGNED, requires=frozenset({"person"}),
          notify=("unit",)),
        T("remind", _("催办"), sources=_CLOCK, targets=(), who=SUPERVISOR, event=EventKind.REMINDED, notify=("unit",)),
        T("record_satisfaction", _("回访评价"), sources=frozenset({S.CLOSED}), targets=(), who=OFFICE_OR_CITIZEN,
          event=EventKind.SATISFACTION, requires=frozenset({"satisfaction"})),
        T("comment", _("添加备注"), sources=_ANY_OPEN_OR_CLOSED, targets=(), who=PARTICIPANT, event=EventKind.COMMENT,
          requires=frozenset({"note"})),
    )
}  # fmt: skip
assert all(t.sources.isdisjoint(FINAL_STATES - {S.CLOSED}) for t in TRANSITIONS.values())


def get_transition(case, to_or_action: str) -> Transition:
    """The row for an action name, or for a target state reachable from the case's current state."""
    if to_or_action in TRANSITIONS:
        return TRANSITIONS[to_or_action]
    if to_or_action in S.values:
        rows = [t for t in TRANSITIONS.values() if case.state in t.sources and to_or_action in t.targets]
        if len(rows) == 1:
            return rows[0]
        if len(rows) > 1:
            raise TransitionError(_("到该状态有多种操作，请指明操作。"), code="ambiguous")
        raise TransitionError(
            _("案件当前状态为「%(state)s」，不能转为「%(to)s」。")
            % {"state": S(case.state).label, "to": S(to_or_action).label},
            code="state",
        )
    raise TransitionError(_("未知操作：%(a)s") % {"a": to_or_action}, code="unknown")


def check(case, transition: Transition, user) -> None:
    """Raise TransitionError unless `user` may run `transition` on `case` now.

    Codes: "state" (wrong state), "forbidden" (role/scope rule), "condition" (e.g. extensions used up).
    """
    if case.state not in transition.sources:
        raise TransitionError(
            _("案件当前状态为「%(state)s」，不能执行「%(action)s」。")
            % {"state": S(case.state).label, "action": transition.label},
            code="state",
        )
    scope = user.scope() if user is not None else None
    if scope is None or not transition.who.check(case, user, scope):
        raise TransitionError(
            _("只有%(who)s可以执行「%(action)s」。")
            % {"who": transition.who.label, "action": transition.label},
            code="forbidden",
        )
    if transition.condition and (message := transition.condition(case)):
        raise TransitionError(message, code="condition")


def refusal(case, transition: Transition, user) -> str | None:
    """Why `user` may not run `transition` on `case` now, or None."""
    try:
        check(case, transition, user)
    except TransitionError as exc:
        return exc.message
    return None


def available_actions(case, user) -> list[Transition]:
    """The actions `user` may run on `case` now (the caller has already checked the case is in scope)."""
    return [t for t in TRANSITIONS.values() if refusal(case, t, user) is None]
