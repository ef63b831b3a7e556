"""Constructors for the case timeline (CaseEvent): one small function per kind of row. Rows are append-only."""

from __future__ import annotations

import datetime

from wenming.cases.choices import EventKind
from wenming.cases.models import Case, CaseEvent


def _append(case: Case, kind: str, *, actor, at: datetime.datetime, **fields) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor, at=at, **fields)


def case_created(case: Case, *, actor, at, data: dict) -> CaseEvent:
    return _append(case, EventKind.CREATED, actor=actor, at=at, to_state=case.state, data=data)


def transition_event(
    case: Case,
    *,
    kind: str,
    action: str,
    from_state: str,
    actor,
    at,
    note: str = "",
    data: dict | None = None,
) -> CaseEvent:
    """The row every workflow action writes (state change or side action)."""
    return _append(
        case,
        kind,
        actor=actor,
        at=at,
        action=action,
        from_state=from_state,
        to_state=case.state,
        note=note,
        data=data or {},
    )


def duplicate_merged(survivor: Case, duplicate: Case, *, actor, at, note: str = "") -> CaseEvent:
    """On the survivor: a duplicate was merged into it (its reporters now follow this case)."""
    return _append(
        survivor,
        EventKind.MERGED_FROM,
        actor=actor,
        at=at,
        action="merge",
        from_state=survivor.state,
        to_state=survivor.state,
        note=note,
        data={"duplicate_id": duplicate.pk, "duplicate_code": duplicate.code},
    )


def closed_on_spot(case: Case, *, actor, at, note: str = "") -> CaseEvent:
    return _append(
        case,
        EventKind.CLOSED_ON_SPOT,
        actor=actor,
        at=at,
        action="fixed_on_spot",
        from_state="",
        to_state=case.state,
        note=note,
    )


def alert_sent(case: Case, *, kind: str, level: int, key: str, at, data: dict) -> CaseEvent:
    """A reminder (催办提醒) or escalation (督办升级) sent by the deadline job; `key` makes it once-only."""
    return _append(
        case,
        kind,
        actor=None,
        at=at,
        action=f"auto_{'remind' if kind == EventKind.REMINDED else 'escalate'}",
        from_state=case.state,
        to_state=case.state,
        data={"level": level, **data},
        dedupe_key=key,
    )
