"""Evidence photos of case actions: every upload is checked before anything is written."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wenming.cases.models import Case, CasePhoto
from wenming.core.photos import ProcessedPhoto, process_photo, save_processed_photo


def max_photos() -> int:
    return int(getattr(settings, "CASE_MAX_PHOTOS", 9))


def process_photos(photos: Iterable) -> list[ProcessedPhoto]:
    """Check every upload BEFORE anything is written (PhotoError is a ValidationError with a clear message)."""
    photos = [p for p in photos or () if p is not None]
    if len(photos) > max_photos():
        raise ValidationError(_("一次最多上传 %(n)d 张照片。") % {"n": max_photos()}, code="too_many_photos")
    out = []
    for index, photo in enumerate(photos, start=1):
        if isinstance(photo, ProcessedPhoto):
            out.append(photo)
            continue
        try:
            out.append(process_photo(photo))
        except ValidationError as exc:
            name = getattr(photo, "name", "") or _("第 %(i)d 张") % {"i": index}
            raise type(exc)(
                _("照片“%(name)s”：%(error)s") % {"name": name, "error": " ".join(exc.messages)},
                code=getattr(exc, "code", None) or "photo",
            )
    return out


def attach_photos(
    case: Case, processed: list[ProcessedPhoto], *, stage: str, event, actor
) -> list[CasePhoto]:
    saved = []
    for item in processed:
        photo = CasePhoto(case=case, stage=stage, event=event, uploaded_by=actor)
        saved.append(save_processed_photo(photo, item))
    return saved
