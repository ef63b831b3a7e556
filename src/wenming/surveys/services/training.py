"""Training writes: sessions, attendance, materials, quizzes and the trainees' quiz attempts."""

import hashlib
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.surveys.choices import AttendanceStatus, TrainingKind
from wenming.surveys.models import (
    Attendance,
    Quiz,
    QuizAttempt,
    QuizQuestion,
    TrainingMaterial,
    TrainingSession,
)
from wenming.surveys.services.common import SurveyError, require_office, visible

SESSION_FIELDS = ("topic", "kind", "date", "place", "trainer", "description")
MATERIAL_EXTENSIONS = (
    "pdf",
    "doc",
    "docx",
    "ppt",
    "pptx",
    "xls",
    "xlsx",
    "txt",
    "jpg",
    "jpeg",
    "png",
    "mp4",
    "zip",
)
DEFAULT_MATERIAL_MAX_BYTES = 50 * 1024 * 1024


def material_max_bytes() -> int:
    return int(getattr(settings, "TRAINING_MATERIAL_MAX_BYTES", DEFAULT_MATERIAL_MAX_BYTES))


def _office(actor) -> None:
    require_office(actor, _("只有文明办可以管理培训。"))


def _clean_session(values: dict) -> None:
    if not (values.get("topic") or "").strip():
        raise SurveyError(_("请填写培训主题。"), code="invalid")
    if values.get("kind") not in TrainingKind.values:
        raise SurveyError(_("培训形式无效。"), code="invalid")
    if not values.get("date"):
        raise SurveyError(_("请填写培训日期。"), code="invalid")


def create_session(
    *, actor, topic: str, date, kind: str = TrainingKind.LECTURE, place: str = "", trainer: str = "",
    description: str = "", audience_units=(), point_types=(),
) -> TrainingSession:  # fmt: skip
    _office(actor)
    values = {"topic": (topic or "").strip(), "kind": kind, "date": date, "place": place, "trainer": trainer,
              "description": description}  # fmt: skip
    _clean_session(values)
    with transaction.atomic():
        session = TrainingSession.objects.create(created_by=actor, **values)
        session.audience_units.set(audience_units)
        session.point_types.set(point_types)
    return session


def update_session(
    *, actor, session: TrainingSession, audience_units=None, point_types=None, **fields
) -> TrainingSession:
    _office(actor)
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise SurveyError(_("不能修改：%(f)s") % {"f": "、".join(sorted(unknown))}, code="invalid")
    with transaction.atomic():
        s = TrainingSession.objects.select_for_update().get(pk=session.pk)
        for name, value in fields.items():
            setattr(s, name, value.strip() if name == "topic" else value)
        _clean_session({name: getattr(s, name) for name in SESSION_FIELDS})
        s.save()
        if audience_units is not None:
            s.audience_units.set(audience_units)
        if point_types is not None:
            s.point_types.set(point_types)
    return s


def delete_session(*, actor, session: TrainingSession) -> None:
    _office(actor)
    with transaction.atomic():
        files = [m.file.name for m in session.materials.all()]
        session.delete()
    for name in files:
        transaction.on_commit(lambda n=name: TrainingMaterial.file.field.storage.delete(n))


def record_attendance(*, actor, session: TrainingSession, entries) -> list[Attendance]:
    """Mark people present / on leave / absent; `entries` are (person, status, note). An empty status removes
    the person's row (not recorded)."""
    _office(actor)
    saved = []
    with transaction.atomic():
        TrainingSession.objects.select_for_update().get(pk=session.pk)
        for person, status, note in entries:
            if not status:
                Attendance.objects.filter(session=session, person=person).delete()
                continue
            if status not in AttendanceStatus.values:
                raise SurveyError(_("出勤状态无效：%(s)s") % {"s": status}, code="invalid")
            row, created = Attendance.objects.get_or_create(
                session=session, person=person,
                defaults={"status": status, "note": (note or "")[:200], "recorded_by": actor},
            )  # fmt: skip
            if not created and (row.status != status or row.note != (note or "")[:200]):
                row.status, row.note, row.recorded_by, row.recorded_at = (
                    status,
                    (note or "")[:200],
                    actor,
                    timezone.now(),
                )
                row.save(update_fields=["status", "note", "recorded_by", "recorded_at"])
            saved.append(row)
    return saved


def upload_material(*, actor, session: TrainingSession, title: str, upload) -> TrainingMaterial:
    """Store a handout (checked extension and size; served as a download, never inline)."""
    _office(actor)
    name = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name[:200]
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in MATERIAL_EXTENSIONS:
        raise SurveyError(
            _("不支持的文件类型（支持 %(e)s）。") % {"e": "、".join(MATERIAL_EXTENSIONS)}, code="invalid"
        )
    size = getattr(upload, "size", None)
    limit = material_max_bytes()
    if size is not None and size > limit:
        raise SurveyError(_("文件过大（上限 %(mb)d MB）。") % {"mb": limit // 1024 // 1024}, code="invalid")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise SurveyError(_("文件过大（上限 %(mb)d MB）。") % {"mb": limit // 1024 // 1024}, code="invalid")
    if not data:
        raise SurveyError(_("文件为空。"), code="invalid")
    with transaction.atomic():
        material = TrainingMaterial(session=session, title=(title or "").strip()[:200] or name, original_name=name,
                                    size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor)  # fmt: skip
        material.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
        material.save()
    return material


def delete_material(*, actor, material: TrainingMaterial) -> TrainingSession:
    _office(actor)
    session, name = material.session, material.file.name
    with transaction.atomic():
        material.delete()
        transaction.on_commit(lambda: TrainingMaterial.file.field.storage.delete(name))
    return session


def parse_quiz_text(text: str) -> list[dict]:
    """Questions from the editor's plain text: blocks separated by an empty line; the first line is the
    question, each following line an option, a leading "*" marks a correct option (one or more)."""
    questions = []
    blocks = [b for b in (text or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    for number, block in enumerate(blocks, start=1):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        options, correct = [], []
        for line in lines[1:]:
            is_correct = line.startswith(("*", "＊"))
            label = line.lstrip("*＊").strip()
            if not label:
                continue
            if is_correct:
                correct.append(len(options))
            options.append(label)
        if len(options) < 2:
            raise SurveyError(_("第 %(n)d 题至少需要 2 个选项。") % {"n": number}, code="invalid")
        if not correct:
            raise SurveyError(
                _("第 %(n)d 题没有标记正确选项（在选项前加 *）。") % {"n": number}, code="invalid"
            )
        if len(set(options)) != len(options):
            raise SurveyError(_("第 %(n)d 题有重复的选项。") % {"n": number}, code="invalid")
        questions.append({"text": lines[0], "options": options, "correct": correct, "points": Decimal("10")})
    if not questions:
        raise SurveyError(_("请至少填写一道题。"), code="invalid")
    return questions


def quiz_text(quiz: Quiz) -> str:
    """The editor's text of a quiz (the inverse of `parse_quiz_text`)."""
    blocks = []
    for q in quiz.questions.order_by("order", "pk"):
        lines = [q.text] + [("* " if i in q.correct else "") + o for i, o in enumerate(q.options)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def save_quiz(
    *, actor, session: TrainingSession, title: str, questions: list[dict], pass_score=Decimal("60"),
    is_open: bool = True, quiz: Quiz | None = None,
) -> Quiz:  # fmt: skip
    """Create a quiz, or replace an unanswered quiz's questions; once answered only title, pass mark and
    whether it is open may change."""
    _office(actor)
    if not (title or "").strip():
        raise SurveyError(_("请填写测验名称。"), code="invalid")
    pass_score = Decimal(str(pass_score))
    if not Decimal("0") <= pass_score <= Decimal("100"):
        raise SurveyError(_("及格分须在 0–100 之间。"), code="invalid")
    with transaction.atomic():
        if quiz is None:
            quiz = Quiz.objects.create(
                session=session, title=title.strip(), pass_score=pass_score, is_open=is_open
            )
        else:
            quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
            current = [(q.text, q.options, q.correct) for q in quiz.questions.order_by("order", "pk")]
            wanted = [(q["text"], q["options"], q["correct"]) for q in questions]
            if current != wanted and quiz.attempts.exists():
                raise SurveyError(_("测验已有人作答，不能再修改题目。"), code="locked")
            quiz.title, quiz.pass_score, quiz.is_open = title.strip(), pass_score, is_open
            quiz.save()
            if current == wanted:
                return quiz
            quiz.questions.all().delete()
        QuizQuestion.objects.bulk_create(
            QuizQuestion(
                quiz=quiz,
                text=q["text"],
                options=q["options"],
                correct=q["correct"],
                points=q.get("points", Decimal("10")),
                order=i,
            )  # fmt: skip
            for i, q in enumerate(questions, start=1)
        )
    return quiz


def score_quiz(quiz: Quiz, answers: dict) -> tuple[Decimal, dict]:
    """(percentage of points for questions answered exactly right, normalised answers)."""
    total = earned = Decimal("0")
    normalised = {}
    for q in quiz.questions.all():
        raw = answers.get(q.pk, answers.get(str(q.pk), []))
        chosen = sorted(
            {
                int(x)
                for x in (raw if isinstance(raw, list | tuple) else [raw])
                if str(x).lstrip("-").isdigit()
            }
        )
        chosen = [i for i in chosen if 0 <= i < len(q.options)]
        normalised[str(q.pk)] = chosen
        total += q.points
        if chosen == sorted(q.correct):
            earned += q.points
    score = (earned * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if total else Decimal("0")
    return score, normalised


def submit_quiz(*, actor, quiz: Quiz, answers: dict, client_id=None) -> QuizAttempt:
    """A trainee answers a quiz (idempotent on `client_id`); their attendance keeps the best score."""
    if actor is None or not getattr(actor, "person_id", None):
        raise PermissionDenied(_("您的账号未关联人员档案，不能参加测验。"))
    visible(TrainingSession, actor, quiz.session)
    client_id = client_id or uuid.uuid4()
    found = QuizAttempt.objects.filter(client_id=client_id).first()
    if found is not None:
        if found.quiz_id != quiz.pk or found.person_id != actor.person_id:
            raise SurveyError(_("客户端编号已被使用。"), code="invalid")
        return found
    if not quiz.is_open:
        raise SurveyError(_("测验已关闭。"), code="closed")
    unanswered = [q.pk for q in quiz.questions.all() if not answers.get(q.pk, answers.get(str(q.pk)))]
    if unanswered:
        raise SurveyError(_("还有 %(n)d 道题未作答。") % {"n": len(unanswered)}, code="invalid")
    score, normalised = score_quiz(quiz, answers)
    with transaction.atomic():
        try:
            with transaction.atomic():
                attempt = QuizAttempt.objects.create(
                    quiz=quiz, person_id=actor.person_id, user=actor, client_id=client_id, answers=normalised,
                    score=score, passed=score >= quiz.pass_score,
                )  # fmt: skip
        except IntegrityError:
            return QuizAttempt.objects.get(client_id=client_id)
        row = (
            Attendance.objects.select_for_update()
            .filter(session=quiz.session, person_id=actor.person_id)
            .first()
        )
        if row is not None and (row.quiz_score is None or score > row.quiz_score):
            row.quiz_score = score
            row.save(update_fields=["quiz_score"])
    return attempt
