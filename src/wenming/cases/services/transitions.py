"""The one transition service: lock, re-check the declared rule, apply the action's effect, save with
`update_fields`, append the event, attach photos, notify after commit."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.cases import alerts, events
from wenming.cases.choices import PhotoStage, ReopenReason, Satisfaction
from wenming.cases.models import Case
from wenming.cases.notifications import notify_later
from wenming.cases.services.photos import attach_photos, process_photos
from wenming.cases.workflow import TransitionError, check, get_transition


@dataclass
class Ctx:
    actor: object
    at: datetime.datetime
    note: str
    photos: list
    params: dict
    fields: set[str] = field(default_factory=set)
    data: dict = field(default_factory=dict)
    audiences: tuple[str, ...] | None = None
    event_kind: str | None = None  # when the effect took a different path than the row's usual event
    title: str | None = None
    after_save: list[Callable] = field(default_factory=list)
    _routing: object = None

    def routing(self):
        """The routing cache's data, read once per transition (cases.routing_cache)."""
        if self._routing is None:
            from wenming.cases.routing_cache import routing_data

            self._routing = routing_data()
        return self._routing

    def set(self, case: Case, **values) -> None:
        for name, value in values.items():
            setattr(case, name, value)
            self.fields.add(name)


PHOTO_STAGE = {
    "report_fix": PhotoStage.AFTER,
    "coordinate_done": PhotoStage.AFTER,
    "verify": PhotoStage.VERIFICATION,
    "rework": PhotoStage.VERIFICATION,
    "reopen": PhotoStage.VERIFICATION,
}


def _require(transition, ctx: Ctx) -> None:
    """The declared requirements of a row (missing → TransitionError, code "required")."""
    need = transition.requires
    p = ctx.params
    missing = None
    if "note" in need and not ctx.note:
        missing = _("请填写说明/理由。")
    elif "after_photo" in need and not ctx.photos:
        missing = _("整改反馈至少需要一张整改后照片。")
    elif "verification_photo" in need and not ctx.photos:
        missing = _("核查不通过需上传至少一张核查照片。")
    elif "deadline" in need and not p.get("deadline"):
        missing = _("请填写申请延至的日期时间。")
    elif "park_until" in need and not p.get("park_until"):
        missing = _("请填写挂账计划完成日期。")
    elif "survivor" in need and not p.get("survivor"):
        missing = _("请指定保留的案件。")
    elif "person" in need and not p.get("person"):
        missing = _("请指定责任人。")
    elif "satisfaction" in need and p.get("satisfaction") not in Satisfaction.values:
        missing = _("请选择满意度：满意、基本满意或不满意。")
    elif "reason" in need and p.get("reason") not in ReopenReason.values:
        missing = _("请选择重新打开的原因。")
    if missing:
        raise TransitionError(missing, code="required")


def in_scope(case: Case, actor) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.scope().sees_all("view"):  # `restrict` returns every case: no query needed
        return True
    return Case.objects.restrict(actor, "view").filter(pk=case.pk).exists()


def transition(
    case: Case,
    to_or_action: str,
    *,
    actor,
    note: str = "",
    photos: Iterable = (),
    at: datetime.datetime | None = None,
    **params,
) -> Case:
    """Run one workflow action (or move to a target state) on `case`; returns the fresh case.

    Refused (wrong state, role, scope, missing requirement) → TransitionError; nothing is changed.
    """
    at = at or timezone.now()
    get_transition(case, to_or_action)  # unknown action: refuse before reading any upload
    processed = process_photos(photos)
    note = (note or "").strip()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not in_scope(locked, actor):
            raise TransitionError(_("案件不存在或不在您的权限范围内。"), code="not_found")
        row = get_transition(locked, to_or_action)
        check(locked, row, actor)
        ctx = Ctx(actor=actor, at=at, note=note, photos=processed, params=params)
        _require(row, ctx)
        from_state = locked.state
        from wenming.cases.services.effects import EFFECTS

        EFFECTS[row.action](locked, ctx)
        _save(locked, ctx)
        event = events.transition_event(
            locked,
            kind=ctx.event_kind or row.event,
            action=row.action,
            from_state=from_state,
            actor=actor,
            at=at,
            note=note,
            data=ctx.data,
        )
        attach_photos(
            locked, processed, stage=PHOTO_STAGE.get(row.action, PhotoStage.BEFORE), event=event, actor=actor
        )
        for callback in ctx.after_save:
            callback()
        audiences = ctx.audiences if ctx.audiences is not None else row.notify
        if audiences:
            title = ctx.title or _("案件 %(code)s：%(action)s") % {"code": locked.code, "action": row.label}
            notify_later(
                locked, audiences, kind=f"case.{row.action}", title=title, body=note[:300], exclude_user=actor
            )
    return locked


def _save(case: Case, ctx: Ctx) -> None:
    case.next_alert_at = alerts.next_alert_at(case)
    ctx.fields.add("next_alert_at")
    if ctx.actor is not None:
        case._history_user = ctx.actor
    # The history row carries the event's time, so KPIs of a past period read the case as it stood then.
    case._history_date = ctx.at
    case.save(update_fields=sorted(ctx.fields | {"state", "updated_at"}))
