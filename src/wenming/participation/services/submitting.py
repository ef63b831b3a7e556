"""Submitting a report (public site, Open311, demo): checks, rate limits, photos, position, classification hint,
routing preview; the report lands in the triage queue."""

from __future__ import annotations

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wenming.cases.routing_cache import routing_data
from wenming.core.choices import CoordSystem
from wenming.core.photos import PhotoError, ProcessedPhoto, process_photo, save_processed_photo
from wenming.participation import ratelimit
from wenming.participation.choices import (
    Channel,
    PositionSource,
    ReportEventKind,
)
from wenming.participation.models import (
    Open311Client,
    Report,
    ReportPhoto,
)
from wenming.participation.privacy import normalise_phone
from wenming.participation.services.common import (
    MAX_DESCRIPTION,
    _event,
    _now,
    max_photos,
)

# --- submitting ---------------------------------------------------------------------------------------------


def _check_category(category, *, public_only: bool):
    if category is None:
        return None
    if category.parent_id is None:
        raise ValidationError({"category": _("请选择具体的问题类别。")})
    if public_only and not (category.is_public and category.parent.is_public):
        raise ValidationError({"category": _("该问题类别不接受群众上报。")})
    return category


def _process_photos(photos) -> list[ProcessedPhoto]:
    photos = [p for p in photos or () if p]
    if len(photos) > max_photos():
        raise ValidationError({"photos": _("最多上传 %(n)d 张照片。") % {"n": max_photos()}})
    out = []
    for index, photo in enumerate(photos, start=1):
        try:
            out.append(process_photo(photo))
        except PhotoError as exc:
            raise ValidationError(
                {"photos": _("第 %(i)d 张照片：%(error)s") % {"i": index, "error": " ".join(exc.messages)}},
                code=exc.code,
            )
    return out


def _position(lat, lon, coord_system, source, processed, address):
    """(lat, lon, system, source) in WGS-84; a photo's EXIF GPS is the fallback hint."""
    from wenming.geo.positions import normalise_position

    if lat not in (None, "") or lon not in (None, ""):
        if lat in (None, "") or lon in (None, ""):
            raise ValidationError({"lat": _("经纬度必须同时提供。")})
        wgs_lat, wgs_lon, system = normalise_position(lat, lon, coord_system or CoordSystem.WGS84)
        return wgs_lat, wgs_lon, system, source or PositionSource.DEVICE
    for photo in processed:
        if photo.gps:
            return photo.gps[0], photo.gps[1], CoordSystem.WGS84, PositionSource.PHOTO
    if address:
        return None, None, CoordSystem.WGS84, PositionSource.ADDRESS
    raise ValidationError(
        {"lat": _("请提供问题位置：使用手机定位、在地图上点选，或填写详细地址。")}, code="location"
    )


def locate(lat, lon, data=None):
    """(area, street) of a WGS-84 position, or (None, None). Areas come from the routing cache's area tree
    (`data`, cases.routing_cache) when given."""
    from wenming.geo.choices import AreaLevel
    from wenming.geo.models import Area
    from wenming.geo.services import current_area_index

    if lat is None or lon is None:
        return None, None
    area_id = current_area_index().locate(lat, lon)
    if not area_id:
        return None, None
    if data is not None and area_id in data.areas:
        chain = data.chain(area_id)
        return chain[0], next((a for a in chain if a.level == AreaLevel.STREET), None)
    area = Area.objects.filter(pk=area_id).first()
    if area is None:
        return None, None
    street = area if area.level == AreaLevel.STREET else None
    if street is None:
        ids = [int(x) for x in area.path.strip("/").split("/") if x]
        street = Area.objects.filter(pk__in=ids, level=AreaLevel.STREET).first()
    return area, street


def _check_inside_district(lat, lon, area) -> None:
    from wenming.geo.services import current_area_index

    if lat is not None and area is None and len(current_area_index()):
        raise ValidationError({"lat": _("该位置不在本区范围内，请确认位置后再提交。")}, code="outside")


def preview_routing(category, area, lat, lon, data=None):
    """The unit the usual routing would choose (shown in triage); (unit, reason) or (None, "")."""
    from wenming.cases.models import Case
    from wenming.cases.routing import route

    if category is None:
        return None, ""
    parent = data.categories.get(category.parent_id) if data is not None else None
    probe = Case(
        category=category, top_category_id=category.parent_id, area=area, lat=lat, lon=lon,
        special_group_id=category.special_group_id or (parent or category.parent).special_group_id,
    )  # fmt: skip
    decision = route(probe, data=data)
    return decision.unit, decision.reason[:300] if decision.found else ""


def _suggest(description: str, data=None):
    from wenming.participation import classifier
    from wenming.standards.models import ProblemCategory

    model_id, ranked = classifier.suggest(description, limit=1)
    if not ranked:
        return model_id, None, None
    category = data.categories.get(ranked[0].category_id) if data is not None else None
    if category is None:
        category = ProblemCategory.objects.filter(pk=ranked[0].category_id).select_related("parent").first()
    return model_id, category, ranked[0].confidence


def _clean_text_inputs(description, reporter_name, address):
    description = (description or "").strip()
    if len(description) < 4:
        raise ValidationError({"description": _("请用一句话描述问题（至少 4 个字）。")})
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError({"description": _("问题描述最多 %(n)d 字。") % {"n": MAX_DESCRIPTION}})
    name = (reporter_name or "").strip()
    if len(name) > 60:
        raise ValidationError({"reporter_name": _("姓名最多 60 字。")})
    address = (address or "").strip()
    if len(address) > 200:
        raise ValidationError({"address": _("地址最多 200 字。")})
    return description, name, address


def submit_report(
    *,
    actor=None,
    channel: str = Channel.WEB,
    description: str,
    category=None,
    lat=None,
    lon=None,
    coord_system: str = CoordSystem.WGS84,
    position_source: str | None = None,
    address: str = "",
    photos=(),
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    consent: bool = False,
    client: Open311Client | None = None,
    ip: str = "",
    device_id: str = "",
    account_id: str = "",
    media_url: str = "",
    attributes: dict | None = None,
    idempotency_key: str | None = None,
    at: datetime.datetime | None = None,
) -> Report:
    """A new report in the triage queue (待审核). Same idempotency key twice for the same submission → the same
    report; a key already used by another submission is refused (it never hands out someone else's report).

    Cost order: cheap checks first, then the per-IP limit is charged, and only then are photos decoded, the
    text classified and the routing previewed — a flood of submissions is refused before it costs anything.
    A charged hit stays charged even when a later check (a broken photo, a position outside the district)
    refuses the submission."""
    at = _now(at)
    key = f"{channel}:{idempotency_key.strip()}"[:120] if idempotency_key else None
    if key and (existing := Report.objects.filter(idempotency_key=key).first()):
        return _replayed(existing, description, reporter_phone)
    if channel == Channel.WEB and not consent:
        raise ValidationError({"consent": _("请阅读并同意《个人信息告知》后再提交。")})
    description, reporter_name, address = _clean_text_inputs(description, reporter_name, address)
    phone = normalise_phone(reporter_phone)
    category = _check_category(category, public_only=channel != Channel.DEMO)
    charge_ip_limit(channel=channel, client=client, ip=ip, at=at)
    processed = _process_photos(photos)
    lat, lon, coord_system, source = _position(lat, lon, coord_system, position_source, processed, address)
    data = routing_data()  # areas, categories, rules, duties: one token query (cases.routing_cache)
    area, street = locate(lat, lon, data)
    _check_inside_district(lat, lon, area)
    model_id, suggested, confidence = _suggest(description, data)
    unit, reason = preview_routing(category or suggested, area, lat, lon, data)
    try:
        with transaction.atomic():
            if phone and channel != Channel.DEMO:
                ratelimit.consume(ratelimit.phone_limit(), phone, now=at)
            report = Report.objects.create(
                channel=channel, submitted_at=at, category=category, suggested_category=suggested,
                suggestion_confidence=confidence, classifier_id=model_id, description=description,
                attributes=attributes or {}, media_url=media_url, lat=lat, lon=lon, coord_system=coord_system,
                position_source=source, address=address, area=area, street=street, suggested_unit=unit,
                routing_reason=reason, reporter_name=reporter_name, reporter_phone=phone,
                reporter_email=(reporter_email or "").strip(), device_id=device_id[:100],
                account_id=account_id[:100], consented_at=at if consent else None, client=client,
                idempotency_key=key,
            )  # fmt: skip
            for item in processed:
                save_processed_photo(ReportPhoto(report=report, uploaded_by=actor), item)
            _event(
                report, ReportEventKind.SUBMITTED, at=at, data={"channel": channel, "photos": len(processed)}
            )
            _count_duplicates(report)
    except IntegrityError:
        if key and (existing := Report.objects.filter(idempotency_key=key).first()):
            return _replayed(existing, description, phone)  # submitted twice at once: the other request won
        raise
    return report


def charge_ip_limit(*, channel: str, client: Open311Client | None, ip: str, at=None) -> None:
    """Charge one submission against the caller's per-IP limit (its own transaction: the hit stays counted
    whatever happens next); raises RateLimited when the allowance is spent."""
    if channel == Channel.OPEN311 and client is not None:
        ratelimit.consume(ratelimit.open311_ip_limit(client.hourly_limit), ip, now=at)
    elif channel == Channel.WEB:
        ratelimit.consume(ratelimit.public_ip_limit(), ip, now=at)


def _replayed(existing: Report, description, reporter_phone) -> Report:
    """The report an idempotency key already created — only when this is the same submission again (same
    text, same phone); another submission reusing the key is refused, so a key never opens someone else's
    tracking page."""
    try:
        phone = normalise_phone(reporter_phone)
    except ValidationError:
        phone = None
    if existing.description == (description or "").strip() and existing.reporter_phone == phone:
        return existing
    message = _("该提交标识已被另一条上报使用，请刷新页面后重新提交。")
    raise ValidationError({NON_FIELD_ERRORS: ValidationError(message, code="idempotency")})


def _count_duplicates(report: Report) -> None:
    from wenming.participation.duplicates import TOP_CANDIDATES, duplicate_candidates, likely_duplicates

    likely = likely_duplicates(duplicate_candidates(report, limit=TOP_CANDIDATES))
    if likely:
        Report.objects.filter(pk=report.pk).update(duplicate_count=len(likely))
        report.duplicate_count = len(likely)
