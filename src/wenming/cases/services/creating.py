"""Creating cases: numbering, place, idempotency, before-photos, recurrence, fixed on the spot."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.accounts.choices import Role
from wenming.cases import deadlines, events
from wenming.cases.choices import CaseSource, CaseState, PhotoStage, Severity
from wenming.cases.models import Case, CaseSequence
from wenming.cases.notifications import notify_later
from wenming.cases.recurrence import find_recurrence
from wenming.cases.routing import route
from wenming.cases.routing_cache import routing_data
from wenming.cases.services.photos import attach_photos, process_photos
from wenming.core.choices import CoordSystem
from wenming.core.roles import has_role

S = CaseState
# Roles that may put a new case on the books (citizens come in through participation with actor=None).
CREATOR_ROLES = frozenset(
    {Role.ADMIN, Role.OFFICE, Role.LEADER, Role.GROUP_LEAD, Role.UNIT_HANDLER, Role.STREET, Role.COMMUNITY,
     Role.GRID, Role.INSPECTOR}
)  # fmt: skip


# --- numbering --------------------------------------------------------------------------------------------


def _next_number(year: int) -> int | None:
    """Bump the year's row and read the new number in one statement (UPDATE … RETURNING: SQLite ≥ 3.35,
    PostgreSQL); None when the year has no row yet. The update holds the row lock until commit."""
    from django.db import connection

    table = CaseSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last", [year])
        row = cursor.fetchone()
    return row[0] if row else None


def allocate_code(at: datetime.datetime) -> str:
    """The next HL-2026-000123 for the year of `at` (local time); safe under concurrency (locked row)."""
    year = timezone.localtime(at).year
    number = _next_number(year)  # one statement: atomic on its own, locks the row in the caller's transaction
    if number is None:
        try:
            with transaction.atomic():
                CaseSequence.objects.create(year=year, last=1)
            number = 1
        except IntegrityError:  # another transaction created the year meanwhile
            number = _next_number(year)
    return f"{settings.DISTRICT_CASE_PREFIX}-{year}-{number:06d}"


# --- creating ---------------------------------------------------------------------------------------------


def can_create(actor) -> bool:
    return actor is None or has_role(actor, *CREATOR_ROLES)


def _street_of(area, data=None):
    if area is None:
        return None
    from wenming.cases.routing_cache import routing_data
    from wenming.geo.choices import AreaLevel

    data = data or routing_data()
    for a in data.chain(area.pk) or [area, *reversed(area.ancestors())]:
        if a.level == AreaLevel.STREET:
            return a
    return None


def _locate_area(lat, lon):
    from wenming.geo.models import Area
    from wenming.geo.services import current_area_index

    area_id = current_area_index().locate(lat, lon)
    return Area.objects.filter(pk=area_id).first() if area_id else None


def _check_category(category):
    if category is None:
        raise ValidationError({"category": _("请选择问题类别。")})
    if category.parent_id is None:
        raise ValidationError(
            {"category": _("请选择二级问题类别（“%(name)s”是大类）。") % {"name": category.name}}
        )


def _place(*, point, area, lat, lon, coord_system, data):
    from wenming.geo.positions import normalise_position

    if lat is not None or lon is not None:
        if lat is None or lon is None:
            raise ValidationError(_("经纬度必须同时填写。"))
        lat, lon, coord_system = normalise_position(lat, lon, coord_system or CoordSystem.WGS84)
    elif point is not None:
        lat, lon, coord_system = point.lat, point.lon, CoordSystem.WGS84
    if area is None and point is not None and point.area_id:
        area = data.areas.get(point.area_id) or point.area
    if area is None and lat is not None:
        area = _locate_area(lat, lon)
    if point is None and area is None and lat is None:
        raise ValidationError(_("请指定问题地点：点位、区域或经纬度至少一项。"), code="place")
    return area, lat, lon, coord_system or CoordSystem.WGS84


def create_case(
    *,
    actor,
    source: str,
    category,
    description: str,
    point=None,
    area=None,
    lat=None,
    lon=None,
    coord_system: str = CoordSystem.WGS84,
    address: str = "",
    severity: str = Severity.NORMAL,
    criterion=None,
    photos: Iterable = (),
    after_photos: Iterable = (),
    fixed_on_spot: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    source_ref: str = "",
    idempotency_key: str | None = None,
    at: datetime.datetime | None = None,
) -> Case:
    """A new case in state 已上报 (or closed at once when fixed on the spot). Same key twice → same case."""
    at = at or timezone.now()
    full_key = f"{actor.pk if actor else 0}:{idempotency_key.strip()}"[:120] if idempotency_key else None
    if full_key and (existing := Case.objects.filter(idempotency_key=full_key).first()):
        return existing
    if not can_create(actor):
        raise PermissionDenied(_("您的角色不能上报问题案件。"))
    if source not in CaseSource.values:
        raise ValidationError({"source": _("未知的问题来源。")})
    if severity not in Severity.values:
        raise ValidationError({"severity": _("未知的严重程度。")})
    _check_category(category)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("请填写问题描述。")})
    data = routing_data()  # areas, categories (one token query; see cases.routing_cache)
    area, lat, lon, coord_system = _place(
        point=point, area=area, lat=lat, lon=lon, coord_system=coord_system, data=data
    )
    before = process_photos(photos)
    after = process_photos(after_photos)
    if fixed_on_spot and not after:
        raise ValidationError(_("当场整改需上传至少一张整改后照片。"), code="after_photo")
    try:
        with transaction.atomic():
            case = _insert_case(
                actor=actor,
                source=source,
                category=category,
                description=description,
                point=point,
                area=area,
                lat=lat,
                lon=lon,
                coord_system=coord_system,
                address=address,
                severity=severity,
                criterion=criterion,
                reporter_name=reporter_name,
                reporter_phone=reporter_phone,
                source_ref=source_ref,
                full_key=full_key,
                at=at,
                data=data,
            )
            event = events.case_created(case, actor=actor, at=at, data=_created_data(case))
            attach_photos(case, before, stage=PhotoStage.BEFORE, event=event, actor=actor)
            if fixed_on_spot:
                _close_on_spot(case, actor=actor, at=at, photos=after)
            else:
                notify_later(
                    case,
                    ("office",),
                    kind="case.created",
                    exclude_user=actor,
                    title=_("新问题 %(code)s：%(cat)s") % {"code": case.code, "cat": category.name},
                    body=description[:200],
                )
    except IntegrityError:
        if full_key and (existing := Case.objects.filter(idempotency_key=full_key).first()):
            return existing  # the same phone submitted twice at once: the other request won
        raise
    return case


def _insert_case(*, actor, category, point, area, full_key, at, data, **fields) -> Case:
    case = Case(
        **fields,
        category=category,
        top_category_id=category.parent_id,
        special_group_id=category.special_group_id or _parent(category, data).special_group_id,
        point=point,
        area=area,
        street=_street_of(area, data),
        reported_by=actor,
        created_by=actor,
        idempotency_key=full_key,
        state=S.REPORTED,
        reported_at=at,
        dispatch_deadline=deadlines.dispatch_deadline(at),
    )
    recurrence = find_recurrence(case, at)
    if recurrence is not None:
        case.is_recurrence, case.recurrence_of = True, recurrence
    case.code = allocate_code(at)
    case.next_alert_at = case.dispatch_deadline
    if actor is not None:
        case._history_user = actor
    case._history_date = at  # KPIs of a past period read the history as of the period's end
    case.save()
    return case


def _parent(category, data):
    """The category's parent, from the routing cache when it is not loaded yet."""
    if "parent" in category._state.fields_cache:
        return category.parent
    cached = data.categories.get(category.parent_id)
    return cached if cached is not None else category.parent


def _created_data(case: Case) -> dict:
    data = {
        "source": case.source,
        "category_id": case.category_id,
        "dispatch_deadline": _iso(case.dispatch_deadline),
    }
    if case.recurrence_of_id:
        data.update(recurrence_of=case.recurrence_of_id, recurrence_of_code=case.recurrence_of.code)
    return data


def _close_on_spot(case: Case, *, actor, at, photos) -> None:
    """当场整改: the problem is recorded (unit/person from routing, for bulletins) and closed at once."""
    decision = route(case, on=timezone.localtime(at).date())
    case.unit, case.person = decision.unit, decision.person
    case.routing_step, case.routing_reason = decision.step, decision.reason
    case.fixed_on_spot = True
    case.state = S.CLOSED
    case.registered_at = case.fix_reported_at = case.verified_at = case.closed_at = at
    case.fix_reported_by = case.verified_by = actor
    case.next_alert_at = None
    case._history_date = at
    case.save(
        update_fields=[
            "unit", "person", "routing_step", "routing_reason", "fixed_on_spot", "state", "registered_at",
            "fix_reported_at", "verified_at", "closed_at", "fix_reported_by", "verified_by", "next_alert_at",
            "updated_at",
        ]
    )  # fmt: skip
    event = events.closed_on_spot(case, actor=actor, at=at, note=_("当场整改完毕"))
    attach_photos(case, photos, stage=PhotoStage.AFTER, event=event, actor=actor)


def _iso(value) -> str | None:
    return value.isoformat() if value else None
