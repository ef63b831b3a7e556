"""Submitting an inspection: validate against the checklist and the position, record it with its photos, and
open a problem case for every non-compliance — idempotent on the phone's `client_id`."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from wenming.core.coords import in_china, to_wgs84
from wenming.inspections.checklist import ObservationError, applicable_criteria, clean_observation
from wenming.inspections.choices import ObservationResult, PhotoStage, RoundState, TaskState
from wenming.inspections.distance import haversine_m
from wenming.inspections.models import Inspection, Observation, ObservationPhoto, Round, Task
from wenming.inspections.services.common import InspectionError, NotFound, max_distance_m

MAX_PHOTOS_PER_OBSERVATION = 9


@dataclass
class Submission:
    """One inspection as the phone (or an API client) sends it; `photos` maps criterion id → uploads."""

    client_id: uuid.UUID
    task_id: int
    observations: list[dict]
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None
    coord_system: str = "WGS84"
    location_note: str = ""
    note: str = ""
    started_at: datetime.datetime | None = None
    photos: dict[int, list] = field(default_factory=dict)  # criterion id → problem photos (uploads)
    after_photos: dict[int, list] = field(
        default_factory=dict
    )  # criterion id → photos of the on-the-spot fix


def _float(value, label: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InspectionError(_("%(l)s必须是数字。") % {"l": label}, code="invalid")
    if number != number or number in (float("inf"), float("-inf")):
        raise InspectionError(_("%(l)s必须是数字。") % {"l": label}, code="invalid")
    return number


def parse_submission(data: dict, photos: dict | None = None, after_photos: dict | None = None) -> Submission:
    """Read the JSON the phone posts (see inspect.js) into a Submission; refuse malformed input."""
    if not isinstance(data, dict):
        raise InspectionError(_("提交内容格式错误。"), code="invalid")
    try:
        client_id = uuid.UUID(str(data.get("client_id", "")))
    except ValueError:
        raise InspectionError(_("缺少或无效的提交编号（client_id）。"), code="invalid")
    try:
        task_id = int(data.get("task"))
    except (TypeError, ValueError):
        raise InspectionError(_("缺少测评任务。"), code="invalid")
    observations = data.get("observations")
    if not isinstance(observations, list) or not all(isinstance(o, dict) for o in observations):
        raise InspectionError(_("测评结果格式错误。"), code="invalid")
    started = data.get("started_at")
    started_at = parse_datetime(started) if isinstance(started, str) and started else None
    if started_at is not None and timezone.is_naive(started_at):
        started_at = timezone.make_aware(started_at)
    location_note = str(data.get("location_note") or "").strip()
    if len(location_note) > 300:
        raise InspectionError(_("位置说明不能超过 300 字。"), code="invalid")
    return Submission(
        client_id=client_id,
        task_id=task_id,
        observations=observations,
        lat=_float(data.get("lat"), _("纬度")),
        lon=_float(data.get("lon"), _("经度")),
        accuracy_m=_float(data.get("accuracy"), _("定位精度")),
        coord_system=str(data.get("coord_system") or "WGS84"),
        location_note=location_note,
        note=str(data.get("note") or "").strip()[:2000],
        started_at=started_at,
        photos=photos or {},
        after_photos=after_photos or {},
    )


@dataclass
class SubmitResult:
    inspection: Inspection
    created: bool


def _process_photos(photos: dict[int, list]) -> dict[int, list]:
    from wenming.core.photos import process_photo

    processed: dict[int, list] = {}
    for cid, files in photos.items():
        if len(files) > MAX_PHOTOS_PER_OBSERVATION:
            raise InspectionError(
                _("每项最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS_PER_OBSERVATION}, code="invalid"
            )
        out = []
        for f in files:
            try:
                out.append(process_photo(f))
            except ValidationError as exc:
                raise InspectionError(
                    _("照片「%(f)s」无法使用：%(e)s")
                    % {"f": getattr(f, "name", ""), "e": " ".join(exc.messages)},
                    code="photo",
                )
        processed[int(cid)] = out
    return processed


def _position(sub: Submission, point) -> tuple[float | None, float | None, float | None]:
    """(lat, lon) in WGS-84 and the distance to the point, or Nones when the phone gave no position."""
    if sub.lat is None or sub.lon is None:
        return None, None, None
    if not (-90 <= sub.lat <= 90 and -180 <= sub.lon <= 180):
        raise InspectionError(_("定位坐标超出范围。"), code="invalid")
    try:
        lat, lon = to_wgs84(sub.lat, sub.lon, sub.coord_system)
    except ValueError as exc:
        raise InspectionError(str(exc), code="invalid")
    if not in_china(lat, lon):
        raise InspectionError(_("定位坐标不在中国境内，请检查定位。"), code="invalid")
    return lat, lon, round(haversine_m(lat, lon, point.lat, point.lon), 1)


def _check_location(sub: Submission, distance: float | None) -> bool:
    """True when far away; refuses a far-away or unlocated inspection unless the inspector gave a reason."""
    limit = max_distance_m()
    if distance is None:
        if not sub.location_note:
            raise InspectionError(
                _("未获取到定位。请开启定位后重试，或填写位置说明后确认提交。"), code="no_location"
            )
        return False
    if distance > limit:
        if not sub.location_note:
            raise InspectionError(
                _("您距离点位约 %(d)d 米，超过 %(m)d 米。请到点位后再提交，或填写原因后确认提交。")
                % {"d": round(distance), "m": round(limit)},
                code="far_away",
                params={"distance": distance},
            )
        return True
    return False


def _clean_observations(sub: Submission, round_: Round, point) -> list[tuple[object, dict]]:
    criteria = {c.pk: c for c in applicable_criteria(round_.standard_set, point.point_type)}
    from wenming.standards.models import Criterion

    cleaned, seen = [], set()
    for raw in sub.observations:
        try:
            cid = int(raw.get("criterion"))
        except (TypeError, ValueError):
            raise InspectionError(_("测评结果缺少测评标准。"), code="invalid")
        criterion = criteria.get(cid)
        if criterion is None:
            other = Criterion.objects.filter(pk=cid).first()
            label = other.code if other else str(cid)
            raise InspectionError(
                _("测评标准「%(c)s」不适用于点位类型「%(t)s」。") % {"c": label, "t": point.point_type.name},
                code="not_applicable",
            )
        if cid in seen:
            raise InspectionError(_("测评标准「%(c)s」重复填写。") % {"c": criterion.code}, code="invalid")
        seen.add(cid)
        try:
            cleaned.append((criterion, clean_observation(criterion, raw)))
        except ObservationError as exc:
            raise InspectionError(str(exc), code="invalid")
    missing = [c.code for pk, c in sorted(criteria.items(), key=lambda kv: kv[1].code) if pk not in seen]
    if missing:
        raise InspectionError(
            _("还有 %(n)d 项未填写：%(c)s") % {"n": len(missing), "c": "、".join(missing)}, code="incomplete"
        )
    stray = (set(sub.photos) | set(sub.after_photos)) - seen
    if stray:
        raise InspectionError(_("照片对应的测评标准不在本次清单中。"), code="invalid")
    for criterion, values in cleaned:
        if values["fixed_on_spot"] and not sub.after_photos.get(criterion.pk):
            raise InspectionError(
                _("「%(c)s」标记为当场整改，请上传整改后照片。") % {"c": criterion.code}, code="invalid"
            )
        if sub.after_photos.get(criterion.pk) and not values["fixed_on_spot"]:
            raise InspectionError(
                _("「%(c)s」未标记当场整改，不能上传整改后照片。") % {"c": criterion.code}, code="invalid"
            )
    return cleaned


def _task_for(actor, task_id: int) -> Task:
    task = (
        Task.objects.restrict(actor, "inspect")
        .select_related("round__standard_set", "point__point_type")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound(_("测评任务不存在，或未分配给您。"))
    return task


def submit_inspection(*, actor, submission: Submission, now: datetime.datetime | None = None) -> SubmitResult:
    """Record an inspection with its observations and photos; open a case for every non-compliance.

    Idempotent on `client_id`: a resubmission (lost connection, double tap) returns the first inspection
    and writes nothing. Refusals write nothing.
    """
    now = now or timezone.now()
    existing = _existing(actor, submission.client_id)
    if existing is not None:
        return SubmitResult(existing, False)
    task = _task_for(actor, submission.task_id)
    # CPU work before taking the write lock
    processed = (_process_photos(submission.photos), _process_photos(submission.after_photos))
    try:
        with transaction.atomic():
            locked = Task.objects.select_for_update().get(pk=task.pk)  # serialises submissions for one task
            existing = _existing(actor, submission.client_id)
            if existing is not None:
                return SubmitResult(existing, False)
            inspection = _record(actor, task, locked, submission, processed, now)
    except IntegrityError:
        # A concurrent request with the same client_id won the unique constraint.
        existing = _existing(actor, submission.client_id)
        if existing is None:
            raise
        return SubmitResult(existing, False)
    return SubmitResult(inspection, True)


def _existing(actor, client_id) -> Inspection | None:
    found = Inspection.objects.filter(client_id=client_id).first()
    if found is not None and found.inspector_id != actor.pk:
        raise InspectionError(_("提交编号已被使用，请刷新页面后重新填写。"), code="conflict")
    return found


def _record(actor, task: Task, locked: Task, sub: Submission, processed: tuple, now) -> Inspection:
    round_, point = task.round, task.point
    if Round.objects.filter(pk=round_.pk).values_list("state", flat=True).get() != RoundState.PUBLISHED:
        raise InspectionError(_("该轮次未发布或已结束，不能提交测评。"), code="state")
    if locked.state != TaskState.PENDING:
        raise InspectionError(_("该任务已完成测评，不能重复提交。"), code="state")
    cleaned = _clean_observations(sub, round_, point)
    lat, lon, distance = _position(sub, point)
    far_away = _check_location(sub, distance)
    inspection = Inspection.objects.create(
        client_id=sub.client_id,
        round=round_,
        task=task,
        point=point,
        inspector=actor,
        started_at=sub.started_at,
        submitted_at=now,
        lat=lat,
        lon=lon,
        accuracy_m=sub.accuracy_m,
        distance_m=distance,
        far_away=far_away,
        location_note=sub.location_note,
        note=sub.note,
    )
    inspection.co_inspectors.set(locked.inspectors.exclude(pk=actor.pk))
    before, after = processed
    for criterion, values in cleaned:
        observation = Observation.objects.create(inspection=inspection, criterion=criterion, **values)
        for item in before.get(criterion.pk, []):
            _save_photo(observation, item, actor, PhotoStage.BEFORE)
        for item in after.get(criterion.pk, []):
            _save_photo(observation, item, actor, PhotoStage.AFTER)
        if observation.result == ObservationResult.NONCOMPLIANT:
            observation.case = _open_case(
                actor, inspection, observation, before.get(criterion.pk, []), after.get(criterion.pk, []), now
            )
            observation.save(update_fields=["case"])
    locked.state = TaskState.DONE
    locked.done_at = now
    locked.save(update_fields=["state", "done_at", "updated_at"])
    return inspection


def _save_photo(observation: Observation, processed, actor, stage: str) -> ObservationPhoto:
    from wenming.core.photos import save_processed_photo

    photo = ObservationPhoto(observation=observation, uploaded_by=actor, stage=stage)
    save_processed_photo(photo, processed)
    return photo


def case_description(observation: Observation) -> str:
    criterion = observation.criterion
    parts = [f"{criterion.code} {criterion.text}"]
    if observation.problems > 1:
        parts.append(_("发现问题 %(n)d 处") % {"n": observation.problems})
    if observation.note:
        parts.append(observation.note)
    return "；".join(parts)


def _open_case(actor, inspection: Inspection, observation: Observation, before: list, after: list, now):
    """A non-compliance becomes a problem case (source: inspection) in the same transaction.

    The case's place is the point; its unit and person come from the cases routing at dispatch (the
    point's responsible unit and person first). Fixed on the spot → created and closed at once as 当场整改
    with the after-photos (the cases service's `fixed_on_spot`).
    """
    criterion = observation.criterion
    if criterion.category_id is None:
        raise InspectionError(
            _("测评标准「%(c)s」未设置对应问题分类，无法生成问题案件，请联系文明办完善测评体系。")
            % {"c": criterion.code},
            code="invalid",
        )
    ref = f"observation:{observation.pk}"
    try:
        return _create_case(actor, inspection, observation, before, after, now, ref)
    except ValidationError as exc:
        raise InspectionError(
            _("「%(c)s」无法生成问题案件：%(e)s") % {"c": criterion.code, "e": " ".join(exc.messages)},
            code="case",
        )


def _create_case(actor, inspection, observation, before, after, now, ref):
    from wenming.cases.choices import CaseSource
    from wenming.cases.services import create_case

    criterion = observation.criterion
    return create_case(
        actor=actor,
        source=CaseSource.INSPECTION,
        category=criterion.category,
        criterion=criterion,
        description=case_description(observation),
        point=inspection.point,
        photos=before,
        after_photos=after,
        fixed_on_spot=observation.fixed_on_spot,
        source_ref=ref,
        idempotency_key=ref,
        at=now,
    )
