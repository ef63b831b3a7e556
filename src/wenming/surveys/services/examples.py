"""The example library's writes: examples of right and wrong practice and their photos."""

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.photos import process_photo, save_processed_photo
from wenming.surveys.choices import ExampleKind
from wenming.surveys.models import Example, ExamplePhoto
from wenming.surveys.services.common import SurveyError, require_office

EXAMPLE_FIELDS = ("point_type", "criterion", "kind", "title", "description", "point", "is_published")
MAX_PHOTOS = 12


def criterion_applies(criterion, point_type) -> bool:
    """A criterion applies to a point type directly or through a criteria block (e.g. the civility block)."""
    if criterion.point_types.filter(pk=point_type.pk).exists():
        return True
    return bool(criterion.block_id and criterion.block.point_types.filter(pk=point_type.pk).exists())


def _clean(values: dict) -> None:
    if not (values.get("title") or "").strip():
        raise SurveyError(_("请填写示例标题。"), code="invalid")
    if values.get("kind") not in ExampleKind.values:
        raise SurveyError(_("请选择正确做法或错误做法。"), code="invalid")
    if values.get("point_type") is None:
        raise SurveyError(_("请选择点位类型。"), code="invalid")
    criterion, point_type, point = values.get("criterion"), values["point_type"], values.get("point")
    if criterion is not None and not criterion_applies(criterion, point_type):
        raise SurveyError(_("测评标准「%(c)s」不适用于点位类型「%(t)s」。") % {"c": criterion.code, "t": point_type.name},
                          code="invalid")  # fmt: skip
    if point is not None and point.point_type_id != point_type.pk:
        raise SurveyError(
            _("点位「%(p)s」不是「%(t)s」类型。") % {"p": point.name, "t": point_type.name}, code="invalid"
        )


def _process_all(uploads):
    """Process every photo before writing anything (a bad photo refuses the whole request)."""
    from wenming.core.photos import PhotoError

    processed = []
    for upload in uploads:
        try:
            processed.append(process_photo(upload))
        except PhotoError as exc:
            raise SurveyError(_("照片「%(n)s」：%(e)s") % {"n": getattr(upload, "name", ""), "e": " ".join(exc.messages)},
                              code="photo")  # fmt: skip
    return processed


def create_example(
    *, actor, point_type, kind: str, title: str, description: str = "", criterion=None, point=None,
    is_published: bool = True, photos=(),
) -> Example:  # fmt: skip
    require_office(actor, _("只有文明办可以管理典型示例。"))
    values = {"point_type": point_type, "criterion": criterion, "kind": kind, "title": (title or "").strip(),
              "description": description, "point": point, "is_published": is_published}  # fmt: skip
    _clean(values)
    if len(photos) > MAX_PHOTOS:
        raise SurveyError(_("每个示例最多 %(n)d 张照片。") % {"n": MAX_PHOTOS}, code="invalid")
    processed = _process_all(photos)
    with transaction.atomic():
        example = Example.objects.create(created_by=actor, **values)
        for item in processed:
            save_processed_photo(ExamplePhoto(example=example, uploaded_by=actor), item)
    return example


def update_example(*, actor, example: Example, **fields) -> Example:
    require_office(actor, _("只有文明办可以管理典型示例。"))
    unknown = set(fields) - set(EXAMPLE_FIELDS)
    if unknown:
        raise SurveyError(_("不能修改：%(f)s") % {"f": "、".join(sorted(unknown))}, code="invalid")
    with transaction.atomic():
        e = Example.objects.select_for_update().get(pk=example.pk)
        for name, value in fields.items():
            setattr(e, name, value.strip() if name == "title" else value)
        _clean({name: getattr(e, name) for name in EXAMPLE_FIELDS})
        e.save()
    return e


def add_example_photos(*, actor, example: Example, uploads, caption: str = "") -> list[ExamplePhoto]:
    require_office(actor, _("只有文明办可以管理典型示例。"))
    if not uploads:
        raise SurveyError(_("请选择照片。"), code="invalid")
    if example.photos.count() + len(uploads) > MAX_PHOTOS:
        raise SurveyError(_("每个示例最多 %(n)d 张照片。") % {"n": MAX_PHOTOS}, code="invalid")
    processed = _process_all(uploads)
    with transaction.atomic():
        return [
            save_processed_photo(
                ExamplePhoto(example=example, uploaded_by=actor, caption=caption[:200]), item
            )
            for item in processed
        ]


def _delete_files(names: list[str]) -> None:
    storage = ExamplePhoto.image.field.storage
    for name in names:
        if name:
            transaction.on_commit(lambda n=name: storage.delete(n))


def delete_example_photo(*, actor, photo: ExamplePhoto) -> Example:
    require_office(actor, _("只有文明办可以管理典型示例。"))
    example = photo.example
    with transaction.atomic():
        _delete_files([photo.image.name, photo.thumbnail.name])
        photo.delete()
    return example


def delete_example(*, actor, example: Example) -> None:
    require_office(actor, _("只有文明办可以管理典型示例。"))
    with transaction.atomic():
        _delete_files([n for p in example.photos.all() for n in (p.image.name, p.thumbnail.name)])
        example.delete()
