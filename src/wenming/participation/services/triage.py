"""The office's triage: accept (→ a case), merge, reject, spam; moderation and photo redaction; points."""

from __future__ import annotations

import datetime
import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.choices import CoordSystem
from wenming.core.photos import ProcessedPhoto
from wenming.core.printcopies import delete_copies_of as delete_print_copies_of
from wenming.participation.choices import (
    PointsReason,
    ReportEventKind,
    ReportState,
)
from wenming.participation.models import (
    PointsEntry,
    Report,
    ReportPhoto,
)
from wenming.participation.services.common import (
    MAX_DESCRIPTION,
    POINTS,
    _ensure_triager,
    _event,
    _now,
)
from wenming.participation.services.submitting import _check_category

# --- triage (office) ------------------------------------------------------------------------------------------


def _locked_pending(report: Report) -> Report:
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.state != ReportState.PENDING:
        raise ValidationError(
            _("该上报已处理（%(state)s），不能重复审核。") % {"state": locked.get_state_display()},
            code="state",
        )
    return locked


def _stored_photo(photo: ReportPhoto) -> ProcessedPhoto:
    with photo.image.open("rb") as handle:
        content = handle.read()
    return ProcessedPhoto(
        content=content, width=photo.width, height=photo.height, sha256=photo.sha256,
        original_name=photo.original_name, gps=None, taken_at=photo.taken_at,
    )  # fmt: skip


def award_points(report: Report, reason: str, *, at) -> PointsEntry | None:
    """Participation points for a phone number, once per report and reason (no phone → no points)."""
    if not report.reporter_phone:
        return None
    entry, created = PointsEntry.objects.get_or_create(
        report=report, reason=reason,
        defaults={"phone": report.reporter_phone, "points": POINTS[reason], "at": at},
    )  # fmt: skip
    if created:
        _event(report, ReportEventKind.POINTS, at=at, data={"points": entry.points, "reason": reason})
    return entry


def accept_report(
    report: Report,
    *,
    actor,
    category=None,
    area=None,
    dispatch: bool = True,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Report:
    """受理: the report becomes a case (cases.services.create_case, source 群众上报), registered and — when the
    usual routing finds a unit and `dispatch` — dispatched. Returns the report (`report.case` set)."""
    from wenming.cases import services as cases
    from wenming.cases.choices import CaseSource
    from wenming.cases.workflow import TransitionError

    at = _now(at)
    _ensure_triager(actor)
    category = _check_category(category or report.category or report.suggested_category, public_only=False)
    if category is None:
        raise ValidationError({"category": _("请为该上报选择问题类别。")})
    with transaction.atomic():
        report = _locked_pending(report)
        case = cases.create_case(
            actor=None, source=CaseSource.CITIZEN, category=category, description=report.description,
            lat=report.lat, lon=report.lon, coord_system=CoordSystem.WGS84, area=area or report.area,
            address=report.address, photos=[_stored_photo(p) for p in report.photos.all()],
            reporter_name=report.reporter_name, reporter_phone=report.reporter_phone,
            source_ref=f"report:{report.pk}", idempotency_key=f"participation-report:{report.pk}", at=at,
        )  # fmt: skip
        case = cases.register(case, actor=actor, note=note, at=at)
        routed = ""
        if dispatch:
            try:
                case = cases.dispatch(case, actor=actor, at=at)
            except TransitionError as exc:  # no unit found: the case waits in the dispatch queue
                routed = exc.message
        report.state, report.case, report.triaged_by, report.triaged_at = (
            ReportState.ACCEPTED,
            case,
            actor,
            at,
        )
        report._history_user = actor
        report.save(update_fields=["state", "case", "triaged_by", "triaged_at", "updated_at"])
        _event(
            report, ReportEventKind.ACCEPTED, at=at, actor=actor, data={"case_id": case.pk, "routing": routed}
        )
        award_points(report, PointsReason.ACCEPTED, at=at)
    report.routing_message = routed
    return report


def _survivor(case):
    """The case itself, read afresh, or the survivor it was merged into (followed)."""
    from wenming.cases.models import Case
    from wenming.participation.public import effective_case

    return effective_case(Report(case=Case.objects.get(pk=case.pk)))


def merge_report(
    report: Report, *, actor, case, note: str = "", at: datetime.datetime | None = None
) -> Report:
    """合并: the report joins an existing open case (noted on the case's timeline); no new case is made."""
    from wenming.cases import services as cases
    from wenming.cases.choices import CaseState
    from wenming.cases.workflow import TransitionError

    at = _now(at)
    _ensure_triager(actor)
    if case is None:
        raise ValidationError({"case": _("请指定要合并到的案件。")})
    case = _survivor(case)
    if case.state == CaseState.REJECTED:
        raise ValidationError({"case": _("案件 %(code)s 已不予立案，不能合并。") % {"code": case.code}})
    if case.state == CaseState.CLOSED:
        raise ValidationError(
            {
                "case": _("案件 %(code)s 已结案；问题再次出现时请受理为新案件（系统会标记为重复发生）。")
                % {"code": case.code}
            }
        )
    with transaction.atomic():
        report = _locked_pending(report)
        text = _("群众上报 #%(id)s 与本案为同一问题，已合并。%(note)s") % {"id": report.pk, "note": note}
        try:
            cases.transition(case, "comment", actor=actor, note=text.strip(), at=at)
        except TransitionError as exc:
            raise ValidationError({"case": exc.message})
        report.state, report.case, report.triaged_by, report.triaged_at = ReportState.MERGED, case, actor, at
        report._history_user = actor
        report.save(update_fields=["state", "case", "triaged_by", "triaged_at", "updated_at"])
        _event(report, ReportEventKind.MERGED, at=at, actor=actor, data={"case_id": case.pk})
        award_points(report, PointsReason.MERGED, at=at)
    return report


def reject_report(report: Report, *, actor, reason: str, at: datetime.datetime | None = None) -> Report:
    """不予受理, with a reason the citizen sees on the tracking page and in Open311."""
    at = _now(at)
    _ensure_triager(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不予受理的理由（群众可见）。")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("理由最多 300 字。")})
    with transaction.atomic():
        report = _locked_pending(report)
        report.state, report.reject_reason, report.triaged_by, report.triaged_at = (
            ReportState.REJECTED, reason, actor, at,
        )  # fmt: skip
        report._history_user = actor
        report.save(update_fields=["state", "reject_reason", "triaged_by", "triaged_at", "updated_at"])
        _event(report, ReportEventKind.REJECTED, at=at, actor=actor, note=reason)
    return report


def mark_spam(report: Report, *, actor, note: str = "", at: datetime.datetime | None = None) -> Report:
    """无效信息: never public, no points; the reporter's tracking page says it was not accepted."""
    at = _now(at)
    _ensure_triager(actor)
    with transaction.atomic():
        report = _locked_pending(report)
        report.state, report.triaged_by, report.triaged_at = ReportState.SPAM, actor, at
        report._history_user = actor
        report.save(update_fields=["state", "triaged_by", "triaged_at", "updated_at"])
        _event(report, ReportEventKind.SPAM, at=at, actor=actor, data={"note": (note or "")[:300]})
    return report


def moderate_report(
    report: Report, *, actor, public_description: str, description_hidden: bool = False, at=None
) -> Report:
    """Edit the publicly shown text (personal data is masked in any case) or hide it entirely."""
    at = _now(at)
    _ensure_triager(actor)
    text = (public_description or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError({"public_description": _("公开描述最多 %(n)d 字。") % {"n": MAX_DESCRIPTION}})
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        report.public_description, report.description_hidden, report.moderated_at = (
            text,
            description_hidden,
            at,
        )
        report._history_user = actor
        report.save(update_fields=["public_description", "description_hidden", "moderated_at", "updated_at"])
        _event(report, ReportEventKind.MODERATED, at=at, actor=actor, data={"hidden": description_hidden})
    return report


def _parse_boxes(boxes) -> list[list[float]]:
    """[[x, y, w, h], …] as fractions of the photo's width/height, each inside the photo."""
    out = []
    for box in boxes or ():
        try:
            x, y, w, h = (float(v) for v in box)
        except (TypeError, ValueError):
            raise ValidationError({"boxes": _("遮挡区域格式不正确。")})
        if not (0 <= x < 1 and 0 <= y < 1 and 0 < w <= 1 - x + 1e-9 and 0 < h <= 1 - y + 1e-9):
            raise ValidationError({"boxes": _("遮挡区域必须在照片范围内。")})
        out.append([round(x, 4), round(y, 4), round(w, 4), round(h, 4)])
    return out


def _pixelate(content: bytes, boxes: list[list[float]]) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(content)).convert("RGB")
    width, height = image.size
    for x, y, w, h in boxes:
        left, top = int(x * width), int(y * height)
        right, bottom = (
            min(width, max(left + 1, int((x + w) * width))),
            min(height, max(top + 1, int((y + h) * height))),
        )
        region = image.crop((left, top, right, bottom))
        small = region.resize(
            (max(1, (right - left) // 16), max(1, (bottom - top) // 16)), Image.Resampling.BILINEAR
        )
        image.paste(small.resize(region.size, Image.Resampling.NEAREST), (left, top))
    out = io.BytesIO()
    Image.frombytes("RGB", image.size, image.tobytes()).save(out, "JPEG", quality=85)
    return out.getvalue()


def _replace_file(instance, content: bytes) -> list[str]:
    """Write `content` as the photo and its thumbnail of a `PhotoBase` row (new names); returns the old names."""
    import hashlib

    from wenming.core.photos import make_thumbnail

    old = [name for name in (instance.image.name, instance.thumbnail.name) if name]
    stem = secrets.token_hex(16)
    instance.image.save(f"{stem}.jpg", ContentFile(content), save=False)
    instance.thumbnail.save(f"{stem}.jpg", ContentFile(make_thumbnail(content)), save=False)
    instance.sha256 = hashlib.sha256(content).hexdigest()
    instance.save(update_fields=["image", "thumbnail", "sha256"])
    return old


def redact_photo(photo: ReportPhoto, *, actor, hidden: bool = False, boxes=(), at=None) -> ReportPhoto:
    """Hide a photo from the public, or pixelate the given regions (faces, plates).

    Redaction replaces EVERY copy: the report photo itself and its thumbnail, and the copies the case got when
    the report was accepted (same SHA-256 on the report's case); the unredacted files are deleted after commit.
    It cannot be undone (the office keeps no unredacted copy by design)."""
    from wenming.cases.models import CasePhoto

    at = _now(at)
    _ensure_triager(actor)
    boxes = _parse_boxes(boxes)
    with transaction.atomic():
        photo = ReportPhoto.objects.select_for_update().select_related("report").get(pk=photo.pk)
        photo.is_hidden, photo.redactions = hidden, boxes
        old_files: list[tuple] = []
        if boxes:
            with photo.image.open("rb") as handle:
                redacted = _pixelate(handle.read(), boxes)
            previous_sha = photo.sha256
            if photo.redacted:
                old_files.append((photo.redacted.storage, photo.redacted.name))
            photo.redacted.save(f"{secrets.token_hex(16)}.jpg", ContentFile(redacted), save=False)
            copies = (
                CasePhoto.objects.select_for_update().filter(
                    case_id=photo.report.case_id, sha256=previous_sha
                )
                if photo.report.case_id and previous_sha
                else CasePhoto.objects.none()
            )
            for copy in copies:
                old_files += [(copy.image.storage, name) for name in _replace_file(copy, redacted)]
            old_files += [(photo.image.storage, name) for name in _replace_file(photo, redacted)]
        else:
            photo.redacted = ""
        photo.save(update_fields=["is_hidden", "redactions", "redacted"])
        _event(photo.report, ReportEventKind.PHOTO_REDACTED, at=at, actor=actor,
               data={"photo_id": photo.pk, "hidden": hidden, "boxes": len(boxes)})  # fmt: skip
        old_digest = previous_sha if boxes else ""

        def delete_unredacted():
            for storage, name in old_files:
                storage.delete(name)
            delete_print_copies_of(old_digest)  # the documents' print copies of the unredacted content

        transaction.on_commit(delete_unredacted)
    return photo
