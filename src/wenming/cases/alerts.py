"""Reminders (催办提醒) and escalation (督办) from the case clocks.

For a case whose unit clock runs (dispatched / acknowledged / fixing), with S = the start of the current
clock cycle (dispatch, reopening, unparking or an approved extension) and D = the fix deadline:

* **reminders** to the responsible unit's handlers and the named person at each fraction f of
  `CASE_REMINDER_FRACTIONS` (default 0.75 and 1.0) of the working time between S and D (f = 1.0 is D);
* **escalation level 1** (督办) at D + 0 to the office; **level 2** after `CASE_ESCALATION_LEVEL2_HOURS`
  more working hours (default 8) to the leaders. The case's `escalation_level` is the highest level sent.

For a case in coordination (协调中: the unit is above the district), the coordination clock runs instead:
D = `coordination_deadline` (`CASE_COORDINATION_DAYS` working days, default 15, from the hand-over); one
reminder to the office at the first reminder fraction, escalation to the leaders (and the office) at D and
again after `CASE_ESCALATION_LEVEL2_HOURS` more working hours.

Before dispatch, one reminder goes to the office at the dispatch deadline; for a pending "not ours" transfer,
one at the transfer deadline.

Each alert has a key (kind, level, clock cycle) stored on its CaseEvent with a unique constraint, so running
the job twice — or two schedulers at once — never sends it twice. A new clock cycle (new deadline) starts a
fresh set. `Case.next_alert_at` holds the earliest unsent alert so the job only touches cases that are due.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.cases.choices import UNIT_CLOCK_STATES, CaseState, EventKind
from wenming.core.workcal import add_working_time, working_seconds_between

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Alert:
    kind: str  # EventKind.REMINDED or EventKind.ESCALATED
    level: int
    at: datetime.datetime
    key: str
    audience: tuple[str, ...]
    target: str  # "fix", "dispatch" or "transfer"


def reminder_fractions() -> tuple[float, ...]:
    return tuple(sorted(float(f) for f in getattr(settings, "CASE_REMINDER_FRACTIONS", (0.75, 1.0))))


def level2_hours() -> float:
    return float(getattr(settings, "CASE_ESCALATION_LEVEL2_HOURS", 8))


def planned_alerts(case) -> list[Alert]:
    """Every alert the case's current clock calls for, sent or not, in time order."""
    cycle = case.clock_cycle
    alerts: list[Alert] = []
    if case.state in UNIT_CLOCK_STATES and case.fix_deadline and case.cycle_started_at:
        start, deadline = case.cycle_started_at, case.fix_deadline
        span = max(0, working_seconds_between(start, deadline))
        for i, fraction in enumerate(reminder_fractions(), start=1):
            at = (
                deadline if fraction >= 1 else add_working_time(start, round(span * fraction) / 3600, "hours")
            )
            alerts.append(Alert(EventKind.REMINDED, i, at, f"remind:{i}:c{cycle}", ("unit",), "fix"))
        alerts.append(
            Alert(EventKind.ESCALATED, 1, deadline, f"escalate:1:c{cycle}", ("office", "unit"), "fix")
        )
        level2 = add_working_time(deadline, level2_hours(), "hours")
        alerts.append(
            Alert(EventKind.ESCALATED, 2, level2, f"escalate:2:c{cycle}", ("leaders", "office"), "fix")
        )
    elif case.state == CaseState.COORDINATING and case.coordination_deadline and case.cycle_started_at:
        # 协调时限: a reminder to the office at the first fraction (default ¾ of the time), escalation to the
        # leaders at the deadline and again after CASE_ESCALATION_LEVEL2_HOURS more working hours.
        start, deadline = case.cycle_started_at, case.coordination_deadline
        span = max(0, working_seconds_between(start, deadline))
        fraction = min(reminder_fractions() or (0.75,))
        at = deadline if fraction >= 1 else add_working_time(start, round(span * fraction) / 3600, "hours")
        alerts.append(
            Alert(EventKind.REMINDED, 1, at, f"coord-remind:1:c{cycle}", ("office",), "coordination")
        )
        alerts.append(
            Alert(
                EventKind.ESCALATED,
                1,
                deadline,
                f"coord-escalate:1:c{cycle}",
                ("leaders", "office"),
                "coordination",
            )
        )
        level2 = add_working_time(deadline, level2_hours(), "hours")
        alerts.append(
            Alert(
                EventKind.ESCALATED,
                2,
                level2,
                f"coord-escalate:2:c{cycle}",
                ("leaders", "office"),
                "coordination",
            )
        )
    elif case.state in (CaseState.REPORTED, CaseState.REGISTERED) and case.dispatch_deadline:
        alerts.append(
            Alert(
                EventKind.REMINDED, 1, case.dispatch_deadline, f"dispatch:1:c{cycle}", ("office",), "dispatch"
            )
        )
    elif case.state == CaseState.RETURNED and case.transfer_deadline:
        key = f"transfer:{case.transfers}:c{cycle}"
        alerts.append(Alert(EventKind.REMINDED, 1, case.transfer_deadline, key, ("office",), "transfer"))
    return sorted(alerts, key=lambda a: (a.at, a.kind, a.level))


def _sent_keys(case) -> set[str]:
    from wenming.cases.models import CaseEvent

    return set(
        CaseEvent.objects.filter(case=case).exclude(dedupe_key="").values_list("dedupe_key", flat=True)
    )


def next_alert_at(case, sent: set[str] | None = None) -> datetime.datetime | None:
    sent = _sent_keys(case) if sent is None else sent
    pending = [a.at for a in planned_alerts(case) if a.key not in sent]
    return min(pending) if pending else None


def _title(case, alert: Alert) -> str:
    if alert.target == "dispatch":
        return _("案件 %(code)s 已到派遣时限，请尽快立案派遣") % {"code": case.code}
    if alert.target == "transfer":
        return _("案件 %(code)s 的退回申请已到审核时限") % {"code": case.code}
    if alert.target == "coordination":
        if alert.kind == EventKind.ESCALATED:
            return _("【协调督办%(level)d级】案件 %(code)s（%(unit)s）已超过协调时限，请领导协调") % {
                "level": alert.level, "code": case.code, "unit": case.unit.name if case.unit_id else "",
            }  # fmt: skip
        return _("【协调提醒】案件 %(code)s 即将到达协调时限") % {"code": case.code}
    if alert.kind == EventKind.ESCALATED:
        return _("【%(level)d级督办】案件 %(code)s 已超过处置时限") % {
            "level": alert.level,
            "code": case.code,
        }
    if alert.at >= case.fix_deadline:
        return _("【催办】案件 %(code)s 已到处置时限") % {"code": case.code}
    return _("【提醒】案件 %(code)s 即将到达处置时限") % {"code": case.code}


def _send(case, alert: Alert, now: datetime.datetime) -> bool:
    """Record and announce one alert; False if it had already been sent (unique key)."""
    from wenming.cases import events
    from wenming.cases.notifications import notify_later

    deadline = {
        "fix": case.fix_deadline,
        "dispatch": case.dispatch_deadline,
        "transfer": case.transfer_deadline,
        "coordination": case.coordination_deadline,
    }
    data = {
        "due_at": alert.at.isoformat(),
        "deadline": deadline[alert.target].isoformat(),
        "target": alert.target,
    }
    try:
        with transaction.atomic():
            events.alert_sent(case, kind=alert.kind, level=alert.level, key=alert.key, at=now, data=data)
    except IntegrityError:
        return False
    if alert.kind == EventKind.REMINDED:
        case.reminders += 1  # under the row lock: no lost update
    elif alert.level > case.escalation_level:
        case.escalation_level = alert.level
    notify_later(
        case,
        alert.audience,
        kind=f"case.{alert.kind}",
        title=_title(case, alert),
        body=case.description[:200],
    )
    return True


def process_case_alerts(case_id: int, now: datetime.datetime) -> int:
    """Send the due, unsent alerts of one case under its row lock; returns how many were sent."""
    from wenming.cases.models import Case

    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.next_alert_at is None or case.next_alert_at > now:
            return 0
        sent = _sent_keys(case)
        count = 0
        for alert in planned_alerts(case):
            if alert.at <= now and alert.key not in sent:
                if _send(case, alert, now):
                    sent.add(alert.key)
                    count += 1
        case.next_alert_at = next_alert_at(case, sent)
        case._history_date = now
        case.save(update_fields=["reminders", "escalation_level", "next_alert_at"])
    return count


def run_case_alerts(now: datetime.datetime | None = None, *, batch: int = 500) -> int:
    """The periodic job's body: every case whose next alert is due. Idempotent. Returns alerts sent."""
    from wenming.cases.models import Case

    now = now or timezone.now()
    total = 0
    ids = list(Case.objects.alerts_due(now).order_by("next_alert_at").values_list("pk", flat=True)[:batch])
    for case_id in ids:
        try:
            total += process_case_alerts(case_id, now)
        except Exception:  # noqa: BLE001 - one broken case must not stop the others
            logger.exception("case alerts failed for case %s", case_id)
    return total
