"""Responses: checking a submission (respondent block, eligibility, answers), duplicate protection of the
public link, and the idempotent write shared by the phone form, the public page, the API and the import.

A submission (the JSON a phone posts, the API body, or a public/plain form read into the same shape):

    {"client_id": "<uuid4>", "stratum": 3, "area": 41, "age": 36, "residence": "3_5y", "occupation": "employee",
     "started_at": "2026-05-01T09:30:00+08:00", "completed_at": "2026-05-01T09:36:00+08:00",
     "lat": 24.51, "lon": 118.14, "accuracy": 12, "coord_system": "WGS84",
     "answers": {"<question id>": "<option code, label or 1-based number>" | "<text for an open question>"}}

`age` may be replaced by `age_band` (an import from elsewhere that kept only bands). Same `client_id` again
returns the first response (a phone that resends after a lost reply never duplicates).
"""

import datetime
import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from wenming.core.choices import CoordSystem
from wenming.core.coords import in_china, to_wgs84
from wenming.surveys.choices import AgeBand, Channel, Occupation, Residence, WaveState, age_band_of
from wenming.surveys.models import Answer, Response, Wave
from wenming.surveys.questions import option_for
from wenming.surveys.services.common import NotFound, SurveyError

MAX_TEXT = 2000
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
# The public link accepts at most this many responses from one address per window (carrier NAT puts many
# households behind one address, so the limit is generous; device and phone checks do the fine work).
DEFAULT_IP_MAX = 30
DEFAULT_IP_WINDOW_MINUTES = 60


def ip_limit() -> tuple[int, int]:
    return (int(getattr(settings, "SURVEY_PUBLIC_MAX_PER_IP", DEFAULT_IP_MAX)),
            int(getattr(settings, "SURVEY_PUBLIC_IP_WINDOW_MINUTES", DEFAULT_IP_WINDOW_MINUTES)))  # fmt: skip


@dataclass
class Submission:
    client_id: uuid.UUID
    stratum: int | None = None
    area: int | None = None
    age: int | None = None
    age_band: str = ""
    residence: str = ""
    occupation: str = ""
    answers: dict = field(default_factory=dict)  # question id (int) or code (str) → raw value
    started_at: datetime.datetime | None = None
    completed_at: datetime.datetime | None = None
    lat: float | None = None
    lon: float | None = None
    accuracy: float | None = None
    coord_system: str = CoordSystem.WGS84
    phone: str = ""
    external_id: str = ""


@dataclass
class Problem:
    """One problem of a submission: `field` is "stratum", "area", "age", "residence", "occupation", "phone",
    "completed_at", "position" or "q:<question id>"; the import turns it into a column."""

    field: str
    message: str
    code: str = "invalid"  # "ineligible" for the eligibility rules


@dataclass
class SubmitResult:
    response: Response
    created: bool


def _int(value, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SurveyError(_("%(f)s 必须是整数。") % {"f": name}, code="invalid")
    if not number.is_integer():
        raise SurveyError(_("%(f)s 必须是整数。") % {"f": name}, code="invalid")
    return int(number)


def _float(value, name: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise SurveyError(_("%(f)s 必须是数字。") % {"f": name}, code="invalid")


def _time(value, name: str) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        parsed = parse_datetime(str(value))
        if parsed is None:
            raise SurveyError(_("%(f)s 不是有效的时间。") % {"f": name}, code="invalid")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def parse_submission(data: dict) -> Submission:
    """A submission from a JSON payload; wrong types raise SurveyError (the content is checked later)."""
    if not isinstance(data, dict):
        raise SurveyError(_("提交内容格式错误。"), code="invalid")
    try:
        client_id = uuid.UUID(str(data.get("client_id")))
    except (TypeError, ValueError, AttributeError):
        raise SurveyError(_("缺少有效的客户端编号（client_id）。"), code="invalid")
    answers = data.get("answers") or {}
    if isinstance(answers, list):
        answers = {
            item.get("question"): item.get("value", item.get("text", ""))
            for item in answers
            if isinstance(item, dict)
        }
    if not isinstance(answers, dict):
        raise SurveyError(_("回答（answers）格式错误。"), code="invalid")
    keyed = {}
    for key, value in answers.items():
        text = str(key)
        keyed[int(text) if text.isdigit() else text] = "" if value is None else str(value)
    return Submission(
        client_id=client_id,
        stratum=_int(data.get("stratum"), _("分层")),
        area=_int(data.get("area"), _("区域")),
        age=_int(data.get("age"), _("年龄")),
        age_band=str(data.get("age_band") or ""),
        residence=str(data.get("residence") or ""),
        occupation=str(data.get("occupation") or ""),
        answers=keyed,
        started_at=_time(data.get("started_at"), _("开始时间")),
        completed_at=_time(data.get("completed_at"), _("完成时间")),
        lat=_float(data.get("lat"), _("纬度")),
        lon=_float(data.get("lon"), _("经度")),
        accuracy=_float(data.get("accuracy"), _("定位精度")),
        coord_system=str(data.get("coord_system") or CoordSystem.WGS84),
        phone=str(data.get("phone") or "").strip(),
        external_id=str(data.get("external_id") or "").strip(),
    )


class WaveContext:
    """What checking a wave's submissions needs, read once (the import checks a thousand rows with it)."""

    def __init__(self, wave: Wave):
        from wenming.geo.models import Area

        self.wave = wave
        self.questionnaire = wave.questionnaire
        self.questions = list(self.questionnaire.questions.order_by("order", "pk"))
        self.by_id = {q.pk: q for q in self.questions}
        self.by_code = {q.code: q for q in self.questions}
        self.strata = {s.pk: s for s in wave.strata.select_related("area")}
        self.stratum_of_area = {s.area_id: s for s in self.strata.values()}
        # The strata's areas and everything below them, in one query.
        within = Q(pk__in=[])
        for stratum in self.strata.values():
            within |= Q(path__startswith=stratum.area.path)
        self.areas = {
            a.pk: a for a in Area.objects.filter(within).only("pk", "path", "code", "name", "level")
        }
        self.area_by_code = {a.code: a for a in self.areas.values()}

    def stratum_for_area(self, area):
        for ancestor in (int(x) for x in area.path.strip("/").split("/") if x):
            if ancestor in self.stratum_of_area:
                return self.stratum_of_area[ancestor]
        return None


@dataclass
class Cleaned:
    stratum: object
    area: object
    age: int | None
    age_band: str
    residence: str
    occupation: str
    answers: list[tuple[object, str, str]]  # (question, option code, text)
    lat: float | None
    lon: float | None
    system: str
    completed_at: datetime.datetime | None


def _check_place(ctx: WaveContext, sub: Submission, problems: list[Problem]):
    stratum = ctx.strata.get(sub.stratum) if sub.stratum is not None else None
    area = ctx.areas.get(sub.area) if sub.area is not None else None
    if sub.area is not None and area is None:
        problems.append(Problem("area", _("居住区域不在本次调查范围内。")))
    if sub.stratum is not None and stratum is None:
        problems.append(Problem("stratum", _("分层不属于本次调查。")))
    if area is not None:
        own = ctx.stratum_for_area(area)
        if stratum is not None and own is not None and own.pk != stratum.pk:
            problems.append(
                Problem(
                    "area",
                    _("居住区域「%(a)s」不属于分层「%(s)s」。") % {"a": area.name, "s": stratum.area.name},
                )
            )
        stratum = stratum or own
    if stratum is None and not any(p.field in ("area", "stratum") for p in problems):
        problems.append(Problem("stratum", _("请选择调查区域。")))
    return stratum, area or (stratum.area if stratum else None)


def _check_person(ctx: WaveContext, sub: Submission, problems: list[Problem]) -> str:
    q = ctx.questionnaire
    band = ""
    if sub.age is not None:
        if not 0 < sub.age < 130:
            problems.append(Problem("age", _("年龄 %(a)d 不合理。") % {"a": sub.age}))
        elif not q.min_age <= sub.age <= q.max_age:
            message = _("年龄 %(a)d 岁不在调查对象范围（%(x)d–%(y)d 岁）内。") % {
                "a": sub.age,
                "x": q.min_age,
                "y": q.max_age,
            }
            problems.append(Problem("age", message, "ineligible"))
        else:
            band = age_band_of(sub.age)
    elif sub.age_band:
        if sub.age_band not in AgeBand.values:
            problems.append(Problem("age", _("年龄段无效。")))
        elif not q.age_band_eligible(sub.age_band):
            message = _("年龄段「%(b)s」不在调查对象范围（%(x)d–%(y)d 岁）内。") % {
                "b": AgeBand(sub.age_band).label, "x": q.min_age, "y": q.max_age}  # fmt: skip
            problems.append(Problem("age", message, "ineligible"))
        else:
            band = sub.age_band
    else:
        problems.append(Problem("age", _("请填写年龄。")))
    if sub.residence not in Residence.values:
        problems.append(Problem("residence", _("请选择居住时间。")))
    elif not q.residence_eligible(sub.residence):
        message = _("在本地居住不满 %(m)d 个月，不在调查对象范围内。") % {"m": q.min_residence_months}
        problems.append(Problem("residence", message, "ineligible"))
    if sub.occupation not in Occupation.values:
        problems.append(Problem("occupation", _("请选择职业。")))
    return band


def _check_answers(ctx: WaveContext, sub: Submission, problems: list[Problem]) -> list:
    given = {}
    for key, raw in sub.answers.items():
        question = ctx.by_id.get(key) if isinstance(key, int) else ctx.by_code.get(key)
        if question is None:
            problems.append(Problem("answers", _("问卷中没有题目「%(k)s」。") % {"k": key}))
            continue
        given[question.pk] = raw.strip()
    out = []
    for question in ctx.questions:
        raw = given.get(question.pk, "")
        tag = f"q:{question.pk}"
        if not raw:
            if question.required:
                problems.append(Problem(tag, _("第 %(c)s 题未作答。") % {"c": question.code}))
            continue
        if question.is_text:
            if len(raw) > MAX_TEXT:
                problems.append(
                    Problem(
                        tag, _("第 %(c)s 题回答过长（最多 %(n)d 字）。") % {"c": question.code, "n": MAX_TEXT}
                    )
                )
            else:
                out.append((question, "", raw))
            continue
        option = option_for(question.options, raw)
        if option is None:
            problems.append(
                Problem(tag, _("第 %(c)s 题没有选项「%(v)s」。") % {"c": question.code, "v": raw[:20]})
            )
        else:
            out.append((question, option["value"], ""))
    return out


def _check_position(sub: Submission, problems: list[Problem]):
    if sub.lat is None and sub.lon is None:
        return None, None, CoordSystem.WGS84
    if sub.lat is None or sub.lon is None:
        problems.append(Problem("position", _("定位坐标不完整。")))
        return None, None, CoordSystem.WGS84
    if sub.coord_system not in CoordSystem.values:
        problems.append(Problem("position", _("未知坐标系：%(s)s") % {"s": sub.coord_system}))
        return None, None, CoordSystem.WGS84
    lat, lon = to_wgs84(sub.lat, sub.lon, sub.coord_system)
    if not in_china(lat, lon):
        problems.append(Problem("position", _("定位坐标不在中国境内。")))
        return None, None, CoordSystem.WGS84
    return lat, lon, sub.coord_system


def check_submission(ctx: WaveContext, sub: Submission) -> tuple[Cleaned | None, list[Problem]]:
    """Every problem of a submission (not only the first), or the cleaned values to write."""
    problems: list[Problem] = []
    stratum, area = _check_place(ctx, sub, problems)
    band = _check_person(ctx, sub, problems)
    answers = _check_answers(ctx, sub, problems)
    lat, lon, system = _check_position(sub, problems)
    completed = sub.completed_at
    now = timezone.now()
    if completed and completed > now + datetime.timedelta(minutes=10):
        problems.append(Problem("completed_at", _("完成时间晚于当前时间。")))
    if problems:
        return None, problems
    return Cleaned(stratum, area, sub.age, band, sub.residence, sub.occupation, answers, lat, lon, system,
                   completed or now), []  # fmt: skip


def _refuse(problems: list[Problem]) -> SurveyError:
    code = "ineligible" if any(p.code == "ineligible" for p in problems) else "invalid"
    return SurveyError(" ".join(p.message for p in problems), code=code)


def keyed_hash(kind: str, wave: Wave, raw: str) -> str:
    """A keyed digest (HMAC with the secret key, per wave): equal inputs match within a wave only."""
    return salted_hmac(f"wenming.surveys.{kind}", f"{wave.pk}:{raw}", algorithm="sha256").hexdigest()


def _duplicate_checks(wave: Wave, *, device: str, phone: str, ip: str) -> dict:
    """The public link's duplicate protection (cookie, phone, address window); returns the hashes to store."""
    hashes = {"device_hash": keyed_hash("device", wave, device) if device else "",
              "phone_hash": "", "ip_hash": keyed_hash("ip", wave, ip) if ip else ""}  # fmt: skip
    responses = Response.objects.filter(wave=wave)
    if phone:
        digits = re.sub(r"[\s-]", "", phone)
        if not PHONE_RE.match(digits):
            raise SurveyError(_("手机号格式不正确（11 位手机号码）。"), code="invalid")
        hashes["phone_hash"] = keyed_hash("phone", wave, digits)
        if responses.filter(phone_hash=hashes["phone_hash"]).exists():
            raise SurveyError(_("该手机号已参与过本次调查，感谢您的支持！"), code="duplicate")
    if hashes["device_hash"] and responses.filter(device_hash=hashes["device_hash"]).exists():
        raise SurveyError(_("您已在本设备上参与过本次调查，感谢您的支持！"), code="duplicate")
    if hashes["ip_hash"]:
        limit, minutes = ip_limit()
        since = timezone.now() - datetime.timedelta(minutes=minutes)
        if responses.filter(ip_hash=hashes["ip_hash"], received_at__gte=since).count() >= limit:
            raise SurveyError(_("同一网络提交过于频繁，请稍后再试。"), code="rate_limited")
    return hashes


def _check_access(actor, wave: Wave, channel: str) -> None:
    if channel == Channel.PUBLIC:
        if wave.state != WaveState.OPEN or not wave.public_link:
            raise SurveyError(_("本次调查未开始或已结束，感谢您的关注。"), code="closed")
        return
    if actor is None:
        return
    if not Wave.objects.restrict(actor, "view").filter(pk=wave.pk).exists():
        raise NotFound(_("调查批次不存在。"))
    if wave.state != WaveState.OPEN:
        raise SurveyError(_("本次调查未开始或已结束，不能提交答卷。"), code="closed")
    if not Wave.objects.restrict(actor, "collect").filter(pk=wave.pk).exists():
        raise PermissionDenied(_("您不是本次调查的调查员。"))


def _existing(sub: Submission, wave: Wave) -> SubmitResult | None:
    found = Response.objects.filter(client_id=sub.client_id).first()
    if found is None:
        return None
    if found.wave_id != wave.pk:
        raise SurveyError(_("客户端编号已用于其他调查。"), code="invalid")
    return SubmitResult(found, False)


def build_response(wave: Wave, cleaned: Cleaned, sub: Submission, **extra) -> tuple[Response, list[Answer]]:
    response = Response(
        client_id=sub.client_id, wave=wave, stratum=cleaned.stratum, area=cleaned.area, age=cleaned.age,
        age_band=cleaned.age_band, residence=cleaned.residence, occupation=cleaned.occupation,
        started_at=sub.started_at, completed_at=cleaned.completed_at, lat=cleaned.lat, lon=cleaned.lon,
        accuracy_m=sub.accuracy, coord_system=cleaned.system, external_id=sub.external_id, **extra,
    )  # fmt: skip
    answers = [
        Answer(response=response, question=q, value=value, text=text) for q, value, text in cleaned.answers
    ]
    return response, answers


def submit_response(
    *,
    actor,
    wave: Wave,
    submission: Submission,
    channel: str = Channel.INTERVIEW,
    device: str = "",
    ip: str = "",
) -> SubmitResult:
    """Record one response (idempotent on `client_id`). Interviews need an actor who may collect for the open
    wave; public responses need an open wave with its public link on and pass the duplicate checks."""
    if channel not in (Channel.INTERVIEW, Channel.PUBLIC):
        raise SurveyError(_("采集方式无效。"), code="invalid")
    _check_access(actor, wave, channel)
    done = _existing(submission, wave)
    if done:
        return done
    cleaned, problems = check_submission(WaveContext(wave), submission)
    if problems:
        raise _refuse(problems)
    with transaction.atomic():
        locked = Wave.objects.select_for_update().get(pk=wave.pk)
        if locked.state != WaveState.OPEN:
            raise SurveyError(_("本次调查未开始或已结束，不能提交答卷。"), code="closed")
        extra = {"channel": channel}
        if channel == Channel.PUBLIC:
            extra.update(_duplicate_checks(locked, device=device, phone=submission.phone, ip=ip))
        else:
            extra["interviewer"] = actor
        response, answers = build_response(locked, cleaned, submission, **extra)
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:
            done = _existing(submission, wave)
            if done:
                return done
            raise
        Answer.objects.bulk_create(answers)
    return SubmitResult(response, True)


def record_responses(
    *, actor, wave: Wave, submissions: list[Submission], channel: str, interviewer=None
) -> int:
    """Record many checked responses at once (the office or the system: demo data, a batch from a partner's
    system). Every submission is checked like a single one; any problem and nothing is written. Submissions
    whose client_id already exists are skipped (idempotent). Returns the number created."""
    from wenming.surveys.services.common import require_office

    require_office(actor, _("只有文明办可以批量录入答卷。"))
    if channel not in Channel.values:
        raise SurveyError(_("采集方式无效。"), code="invalid")
    existing = set(
        Response.objects.filter(client_id__in=[s.client_id for s in submissions]).values_list(
            "client_id", flat=True
        )
    )
    fresh = [s for s in submissions if s.client_id not in existing]
    ctx = WaveContext(wave)
    ready = []
    for number, sub in enumerate(fresh, start=1):
        cleaned, problems = check_submission(ctx, sub)
        if problems:
            raise SurveyError(_("第 %(n)d 份答卷：%(m)s") % {"n": number, "m": " ".join(p.message for p in problems)},
                              code="invalid")  # fmt: skip
        ready.append((sub, cleaned))
    with transaction.atomic():
        locked = Wave.objects.select_for_update().get(pk=wave.pk)
        if locked.state != WaveState.OPEN:
            raise SurveyError(_("本次调查未开始或已结束，不能提交答卷。"), code="closed")
        built = [
            build_response(locked, cleaned, sub, channel=channel, interviewer=interviewer)
            for sub, cleaned in ready
        ]
        Response.objects.bulk_create([r for r, _a in built], batch_size=500)
        answers = []
        for response, items in built:
            for answer in items:
                answer.response_id = response.pk
                answers.append(answer)
        Answer.objects.bulk_create(answers, batch_size=2000)
    return len(built)
