"""Writes for cases. Every function is `verb_noun(*, actor, …)` (the case first for workflow actions), runs in
one transaction and returns the changed object; `at=` (default now) lets the demo and imports replay history.

* `create_case` — a new case (idempotent with `idempotency_key`), with before-photos; recurrence flagged
  (services/creating.py).
* `transition(case, action_or_state, *, actor, note, photos, **params)` — the ONLY way a case moves: locks
  the row, re-checks the declared rule (cases/workflow.py), applies the action's effect
  (services/effects.py), saves with `update_fields`, appends a CaseEvent, attaches photos and notifies after
  commit. Refusals raise `TransitionError` (Chinese message) and change nothing (services/transitions.py).
* thin wrappers (below): `register`, `reject_case`, `dispatch`, `report_fix`, `verify_fix`, `merge_cases`,
  `bulk_dispatch`.
* routing rules and KPI formulas, office only (services/config.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from wenming.cases.models import Case
from wenming.cases.services.config import (
    create_routing_rule,
    delete_routing_rule,
    ensure_template_formulas,
    save_kpi_formula,
    update_routing_rule,
)
from wenming.cases.services.creating import CREATOR_ROLES, allocate_code, can_create, create_case
from wenming.cases.services.photos import attach_photos, max_photos, process_photos
from wenming.cases.services.transitions import transition
from wenming.cases.workflow import TransitionError

__all__ = [
    "CREATOR_ROLES",
    "BulkResult",
    "TransitionError",
    "allocate_code",
    "attach_photos",
    "bulk_dispatch",
    "can_create",
    "create_case",
    "create_routing_rule",
    "delete_routing_rule",
    "dispatch",
    "ensure_template_formulas",
    "max_photos",
    "merge_cases",
    "process_photos",
    "register",
    "reject_case",
    "report_fix",
    "save_kpi_formula",
    "transition",
    "update_routing_rule",
    "verify_fix",
]


def register(case: Case, *, actor, note: str = "", at=None) -> Case:
    return transition(case, "register", actor=actor, note=note, at=at)


def reject_case(case: Case, *, actor, note: str, at=None) -> Case:
    return transition(case, "reject", actor=actor, note=note, at=at)


def dispatch(case: Case, *, actor, unit=None, person=None, note: str = "", at=None) -> Case:
    """Dispatch to `unit` (and `person`), or by routing when `unit` is omitted; 市属 etc. → coordination."""
    return transition(case, "dispatch", actor=actor, note=note, at=at, unit=unit, person=person)


def report_fix(case: Case, *, actor, photos, note: str = "", at=None) -> Case:
    return transition(case, "report_fix", actor=actor, note=note, photos=photos, at=at)


def verify_fix(case: Case, *, actor, passed: bool, note: str = "", photos=(), at=None) -> Case:
    return transition(case, "verify" if passed else "rework", actor=actor, note=note, photos=photos, at=at)


def merge_cases(*, actor, duplicate: Case, survivor: Case, note: str = "", at=None) -> Case:
    """The duplicate closes as 已合并 pointing at the survivor; its reporters then follow the survivor."""
    return transition(duplicate, "merge", actor=actor, note=note, at=at, survivor=survivor)


@dataclass
class BulkResult:
    done: list[Case] = field(default_factory=list)
    failed: list[tuple[Case, str]] = field(default_factory=list)


def bulk_dispatch(
    *, actor, cases: Iterable[Case], unit=None, person=None, note: str = "", at=None
) -> BulkResult:
    """Dispatch each case in its own transaction; a refusal is reported and does not stop the others."""
    result = BulkResult()
    for case in cases:
        try:
            result.done.append(dispatch(case, actor=actor, unit=unit, person=person, note=note, at=at))
        except (TransitionError, ValidationError) as exc:
            result.failed.append((case, getattr(exc, "message", None) or "; ".join(exc.messages)))
    return result
