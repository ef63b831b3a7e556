"""Workbench widgets of the cases app, registered into the workbench registry (`wenming.core.widgets`).

Each is a function (user) → dict | None: None hides it for this user. Loaded by `CasesConfig.ready()`.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from wenming.accounts.choices import Role
from wenming.cases.choices import UNIT_CLOCK_STATES, CaseState
from wenming.cases.models import Case
from wenming.core.roles import holds, is_office, is_reader
from wenming.core.widgets import register

HANDLER_ROLES = frozenset({Role.UNIT_HANDLER, Role.STREET, Role.COMMUNITY, Role.GRID})
MY_CASES_LIMIT = 8
DUE_SOON_HOURS = 24


@register(1)
def calendar_expiry(user) -> dict | None:
    """Office: from 60 days before the confirmed working-day calendar ends, a warning with the open cases whose
    deadline is provisional (跨越暂定年份)."""
    from wenming.core.workcal import expiry_warning

    if not is_office(user):
        return None
    warning = expiry_warning()
    if warning is None:
        return None
    provisional = Case.objects.restrict(user, "change").filter(
        deadline_provisional=True, state__in=UNIT_CLOCK_STATES
    )
    return {
        "template": "cases/widgets/calendar_expiry.html",
        "warning": warning,
        "provisional_cases": provisional.count(),
        "calendar_url": reverse("core:calendar") + f"?year={warning['year']}",
        "import_url": reverse("core:calendar_import") + f"?year={warning['year']}",
    }


@register(10)
def office_dispatch_queue(user) -> dict | None:
    """Office: how many cases wait for dispatch (and are late), how many are overdue or wait for verification."""
    if not is_office(user):
        return None
    now = timezone.now()
    # Only the states these counts are about (a pending extension exists only while the unit's clock runs):
    # the (state, fix_deadline) index reads the open cases instead of the whole table.
    counted = [CaseState.REPORTED, CaseState.REGISTERED, CaseState.RETURNED, *sorted(UNIT_CLOCK_STATES),
               CaseState.FIX_REPORTED]  # fmt: skip
    cases = Case.objects.restrict(user, "change").filter(state__in=counted)
    counts = cases.aggregate(
        waiting=Count(
            "pk", filter=Q(state__in=[CaseState.REPORTED, CaseState.REGISTERED, CaseState.RETURNED])
        ),
        waiting_late=Count(
            "pk", filter=Q(state__in=[CaseState.REPORTED, CaseState.REGISTERED], dispatch_deadline__lt=now)
        ),
        overdue=Count(
            "pk",
            filter=Q(
                state__in=[CaseState.DISPATCHED, CaseState.ACKNOWLEDGED, CaseState.FIXING],
                fix_deadline__lt=now,
            ),
        ),
        to_verify=Count("pk", filter=Q(state=CaseState.FIX_REPORTED)),
        extensions=Count("pk", filter=Q(extension_requested_until__isnull=False)),
    )
    list_url = reverse("cases:case_list")
    return {
        "template": "cases/widgets/office_queue.html",
        "counts": counts,
        "queue_url": reverse("cases:dispatch_queue"),
        "overdue_url": reverse("cases:overdue_board"),
        "verify_url": f"{list_url}?state={CaseState.FIX_REPORTED}",
    }


@register(15)
def overdue_by_unit(user) -> dict | None:
    """Leaders (and office, group leads): the five units with the most overdue cases in scope."""
    if not (is_reader(user) or holds(user, Role.GROUP_LEAD)):
        return None
    top = list(
        Case.objects.restrict(user, "view")
        .overdue(timezone.now())
        .order_by()
        .values("unit_id", "unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit__name")[:5]
    )
    list_url = reverse("cases:case_list")
    rows = [
        {
            "name": r["unit__name"] or "—",
            "count": r["n"],
            "url": f"{list_url}?overdue=true&unit={r['unit_id'] or 'none'}",
        }
        for r in top
    ]
    return {
        "template": "cases/widgets/leader_overdue.html",
        "rows": rows,
        "board_url": reverse("cases:overdue_board"),
    }


@register(20)
def my_cases_by_urgency(user) -> dict | None:
    """Unit handlers / street, community, grid staff / named persons: their running cases, overdue first,
    then the soonest due."""
    if is_reader(user) or not (holds(user, *HANDLER_ROLES) or user.scope().person_id):
        return None
    now = timezone.now()
    running = Case.objects.restrict(user, "view").clock_running()
    counts = running.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(fix_deadline__lt=now)),
        due_soon=Count(
            "pk",
            filter=Q(fix_deadline__gte=now, fix_deadline__lt=now + datetime.timedelta(hours=DUE_SOON_HOURS)),
        ),
    )
    cases = list(running.with_list_related().order_by("fix_deadline", "id")[:MY_CASES_LIMIT])
    return {
        "template": "cases/widgets/my_cases.html",
        "cases": cases,
        "counts": counts,
        "now": now,
        "list_url": f"{reverse('cases:case_list')}?is_open=true",
    }


@register(25)
def reported_awaiting_verification(user) -> dict | None:
    """Inspectors: the cases they reported whose fix is reported and waits for re-inspection."""
    if not holds(user, Role.INSPECTOR):
        return None
    waiting = (
        Case.objects.restrict(user, "view")
        .filter(reported_by=user, state=CaseState.FIX_REPORTED)
        .with_list_related()
        .order_by("fix_reported_at", "id")
    )
    cases = list(waiting[:10])
    return {"template": "cases/widgets/inspector_awaiting.html", "cases": cases, "count": waiting.count()}
