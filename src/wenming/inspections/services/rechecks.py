"""回头看: closed cases drawn for a re-inspection some time after closure; a failed re-check is a rebound.

Rule (docs/domain-rules.md, "回头看"): each run (daily, `inspections.draw_rechecks`) takes the **cohort** of
cases closed in (considered_until, now − delay_days] — every closed case belongs to exactly one cohort — and
draws ⌈share_percent × cohort ÷ 100⌉ of them (at most `max_per_run`), in the policy's priority order:

* risk: urgent 3, serious 2, normal 0, + 2 if the case has rebounded before, + 1 if it is a recurrence;
  highest first;
* oldest: earliest closure first;
* random: a seeded shuffle.

Ties (and "random") are broken by a shuffle seeded with (policy seed, cohort end), so the same data and seed
draw the same cases. Each drawn case gets a `Recheck` due `due_days` working days after the draw. Recording a
failed re-check reopens the case through the cases workflow (`reopen`, reason 回头看复查发现反弹): the case's
`rebounds` counter and a REOPENED event with `rebound: true` count against the responsible unit.
"""

from __future__ import annotations

import datetime
import math
import random
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.accounts.choices import Role
from wenming.cases import services as case_services
from wenming.cases.choices import CaseState, ReopenReason, Severity
from wenming.cases.models import Case
from wenming.core.roles import has_role, is_office
from wenming.core.workcal import add_working_time
from wenming.inspections.choices import RecheckPriority, RecheckState
from wenming.inspections.models import Recheck, RecheckPolicy
from wenming.inspections.services.common import InspectionError

SEVERITY_POINTS = {Severity.URGENT: 3, Severity.SERIOUS: 2, Severity.NORMAL: 0}


def current_policy() -> RecheckPolicy:
    return RecheckPolicy.objects.order_by("pk").first() or RecheckPolicy.objects.create()


def risk_score(case: Case) -> int:
    return (
        SEVERITY_POINTS.get(case.severity, 0) + (2 if case.rebounds else 0) + (1 if case.is_recurrence else 0)
    )


def draw_size(cohort: int, share_percent: Decimal, cap: int) -> int:
    """⌈share × cohort⌉, at most `cap` (e.g. 20 % of 12 → 3)."""
    return min(cap, math.ceil(Decimal(cohort) * Decimal(share_percent) / 100))


def order_cohort(cases: list[Case], priority: str, rng: random.Random) -> list[tuple[Case, str]]:
    """The cohort in draw order, each with the reason shown on the task."""
    shuffled = sorted(cases, key=lambda c: c.pk)
    rng.shuffle(shuffled)
    tie = {c.pk: i for i, c in enumerate(shuffled)}
    if priority == RecheckPriority.RISK:
        ordered = sorted(shuffled, key=lambda c: (-risk_score(c), tie[c.pk]))
        return [(c, _("风险分 %(n)s") % {"n": risk_score(c)}) for c in ordered]
    if priority == RecheckPriority.OLDEST:
        ordered = sorted(shuffled, key=lambda c: (c.closed_at, tie[c.pk]))
        return [(c, _("结案较早")) for c in ordered]
    return [(c, _("随机抽取")) for c in shuffled]


def draw_rechecks(*, now: datetime.datetime | None = None) -> list[Recheck]:
    """Draw the current cohort (see the module docstring); idempotent for a given `now`."""
    now = now or timezone.now()
    with transaction.atomic():
        policy = current_policy()
        policy = RecheckPolicy.objects.select_for_update().get(pk=policy.pk)
        if not policy.enabled:
            return []
        cutoff = now - datetime.timedelta(days=policy.delay_days)
        start = policy.considered_until or cutoff - datetime.timedelta(days=policy.first_lookback_days)
        if cutoff <= start:
            return []
        cohort = list(
            Case.objects.filter(state=CaseState.CLOSED, closed_at__gt=start, closed_at__lte=cutoff)
            .exclude(rechecks__case_closed_at=F("closed_at"))
            .order_by("pk")
        )
        size = draw_size(len(cohort), policy.share_percent, policy.max_per_run)
        rng = random.Random(f"{policy.seed}:{cutoff.isoformat()}")
        due = add_working_time(now, policy.due_days, "days")
        drawn = [
            Recheck(
                case=case, case_closed_at=case.closed_at, drawn_at=now, due_at=due, rank=rank, reason=reason
            )
            for rank, (case, reason) in enumerate(order_cohort(cohort, policy.priority, rng)[:size], start=1)
        ]
        Recheck.objects.bulk_create(drawn)
        policy.considered_until = cutoff
        policy.save(update_fields=["considered_until"])
        if drawn:
            transaction.on_commit(lambda: _tell_inspectors(len(drawn)))
    return drawn


def _tell_inspectors(count: int) -> None:
    from django.urls import reverse

    from wenming.accounts.models import Membership, User
    from wenming.core.notify import notify

    holders = Membership.objects.active().filter(role__in=[Role.OFFICE, Role.INSPECTOR]).values("user_id")
    notify(
        User.objects.filter(is_active=True, pk__in=holders),
        kind="inspections.recheck_drawn",
        title=_("新增 %(n)s 件回头看复查任务") % {"n": count},
        url=reverse("inspections:recheck_list"),
    )


def _may_recheck(actor) -> bool:
    return is_office(actor) or has_role(actor, Role.INSPECTOR)


def record_recheck(
    recheck: Recheck, *, actor, passed: bool, note: str = "", photos=(), at: datetime.datetime | None = None
) -> Recheck:
    """The re-inspection's result. Failed → the case is reopened as a rebound (反弹) through the workflow."""
    if not getattr(actor, "is_authenticated", False) or not _may_recheck(actor):
        raise PermissionDenied(_("只有文明办和督查员可以记录回头看复查结果。"))
    at = at or timezone.now()
    note = (note or "").strip()
    if not passed and not note:
        raise InspectionError(_("复查发现反弹时请填写说明。"), code="required")
    with transaction.atomic():
        locked = Recheck.objects.select_for_update(of=("self",)).select_related("case").get(pk=recheck.pk)
        if locked.state != RecheckState.PENDING:
            raise InspectionError(_("该复查任务已处理。"), code="state")
        case = locked.case
        if not Case.objects.restrict(actor, "view").filter(pk=case.pk).exists():
            raise InspectionError(_("该案件不在您的权限范围内，请由文明办记录复查结果。"), code="not_found")
        if case.state != CaseState.CLOSED or case.closed_at != locked.case_closed_at:
            locked.state = RecheckState.CANCELLED
            locked.note = _("案件已在复查前重新打开。")
            locked.save(update_fields=["state", "note", "updated_at"])
            return locked
        if not passed:
            case_services.transition(
                case, "reopen", actor=actor, note=_("回头看复查：%(note)s") % {"note": note},
                photos=photos, at=at, reason=ReopenReason.RECHECK,
            )  # fmt: skip
        locked.state = RecheckState.PASSED if passed else RecheckState.FAILED
        locked.checked_at, locked.checked_by, locked.note = at, actor, note
        locked.save(update_fields=["state", "checked_at", "checked_by", "note", "updated_at"])
    return locked


def recompute_due_dates(*, actor, before, years=()) -> list:
    """回头看 due dates recomputed when a year's holidays are confirmed (signal `core.calendar_confirmed`): a
    pending re-check whose due date is the rule's — drawn + the policy's `due_days` working days — under the
    calendar as it stood is given the due date under the confirmed calendar; a due date that differs from the
    rule (changed by hand, or drawn under another `due_days`) is kept. The office gets one message listing them."""
    from wenming.cases.services.calendar import DeadlineChange, rule_moved, tell_office
    from wenming.core.workcal import get_calendar

    changes: list[DeadlineChange] = []
    with transaction.atomic():
        after = get_calendar()
        due_days = current_policy().due_days
        pending = Recheck.objects.select_for_update(of=("self",)).filter(state=RecheckState.PENDING)
        if years:
            first = datetime.date(min(years), 1, 1)
            pending = pending.filter(
                due_at__gte=datetime.datetime.combine(
                    first, datetime.time.min, tzinfo=timezone.get_current_timezone()
                )
            )
        for recheck in pending.select_related("case").order_by("pk"):
            new = rule_moved(before, after, recheck.drawn_at, recheck.due_at, due_days, "days")
            if new is None:
                continue
            changes.append(
                DeadlineChange(
                    recheck.case_id, recheck.case.code, recheck.due_at, new, False, _("回头看复查期限")
                )
            )
            recheck.due_at = new
            recheck.save(update_fields=["due_at", "updated_at"])
        if changes:
            tell_office(changes, _("放假安排确认后，%(n)s 项回头看复查期限已重算") % {"n": len(changes)})
    return changes


def on_calendar_confirmed(sender, *, actor=None, before=None, years=(), **kwargs) -> list:
    return recompute_due_dates(actor=actor, before=before, years=years)
