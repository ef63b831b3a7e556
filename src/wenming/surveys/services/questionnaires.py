"""The questionnaire builder's writes: questionnaires, questions, their order; copies of frozen questionnaires."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wenming.surveys.choices import RESIDENCE_MIN_MONTHS, QuestionKind, Scale, WaveState
from wenming.surveys.models import Question, Questionnaire, Response
from wenming.surveys.questions import QuestionError, clean_options, default_options
from wenming.surveys.services.common import SurveyError, require_office

QUESTIONNAIRE_FIELDS = ("title", "intro", "min_age", "max_age", "min_residence_months")
QUESTION_FIELDS = ("code", "text", "kind", "scale", "options", "required", "help_text")


def is_locked(questionnaire: Questionnaire) -> bool:
    """Frozen once a wave using it has left the draft state or has responses (phones may hold the form)."""
    return (
        questionnaire.waves.exclude(state=WaveState.DRAFT).exists()
        or Response.objects.filter(wave__questionnaire=questionnaire).exists()
    )


def _ensure_editable(questionnaire: Questionnaire) -> None:
    if is_locked(questionnaire):
        raise SurveyError(
            _("问卷已用于已开始的调查，不能再修改题目和对象条件；请复制为新问卷后修改。"), code="locked"
        )


def _clean_eligibility(min_age, max_age, min_residence_months) -> None:
    if not (isinstance(min_age, int) and isinstance(max_age, int)) or not 0 < min_age <= max_age <= 120:
        raise SurveyError(_("年龄范围无效：最小年龄须大于 0 且不大于最大年龄（最大 120）。"), code="invalid")
    if min_residence_months not in set(RESIDENCE_MIN_MONTHS.values()):
        raise SurveyError(_("最短居住时间只能是 0、6、12、36、60 或 120 个月。"), code="invalid")


def create_questionnaire(
    *, actor, title: str, intro: str = "", min_age: int = 18, max_age: int = 65, min_residence_months: int = 6
) -> Questionnaire:
    require_office(actor)
    if not (title or "").strip():
        raise SurveyError(_("请填写问卷名称。"), code="invalid")
    _clean_eligibility(min_age, max_age, min_residence_months)
    with transaction.atomic():
        return Questionnaire.objects.create(
            title=title.strip(), intro=intro, min_age=min_age, max_age=max_age,
            min_residence_months=min_residence_months, created_by=actor,
        )  # fmt: skip


def update_questionnaire(*, actor, questionnaire: Questionnaire, **fields) -> Questionnaire:
    """Title and intro may change at any time; the eligibility rules only while the questionnaire is editable."""
    require_office(actor)
    unknown = set(fields) - set(QUESTIONNAIRE_FIELDS)
    if unknown:
        raise SurveyError(_("不能修改：%(f)s") % {"f": "、".join(sorted(unknown))}, code="invalid")
    with transaction.atomic():
        q = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        rules = {k: fields[k] for k in ("min_age", "max_age", "min_residence_months") if k in fields}
        if any(getattr(q, k) != v for k, v in rules.items()):
            _ensure_editable(q)
        for name, value in fields.items():
            setattr(q, name, value.strip() if name == "title" else value)
        if not q.title:
            raise SurveyError(_("请填写问卷名称。"), code="invalid")
        _clean_eligibility(q.min_age, q.max_age, q.min_residence_months)
        q.save()
    return q


def copy_questionnaire(*, actor, questionnaire: Questionnaire, title: str = "") -> Questionnaire:
    """A new, editable questionnaire with the same rules and questions (to change a frozen one)."""
    require_office(actor)
    with transaction.atomic():
        copy = Questionnaire.objects.create(
            title=(title or "").strip() or _("%(t)s（副本）") % {"t": questionnaire.title},
            intro=questionnaire.intro, min_age=questionnaire.min_age, max_age=questionnaire.max_age,
            min_residence_months=questionnaire.min_residence_months, copied_from=questionnaire, created_by=actor,
        )  # fmt: skip
        Question.objects.bulk_create(
            Question(
                questionnaire=copy,
                code=q.code,
                text=q.text,
                kind=q.kind,
                scale=q.scale,
                options=q.options,
                required=q.required,
                help_text=q.help_text,
                order=q.order,
            )  # fmt: skip
            for q in questionnaire.questions.order_by("order", "pk")
        )
    return copy


def _clean_question(questionnaire: Questionnaire, values: dict, exclude_pk=None) -> dict:
    code = str(values.get("code") or "").strip()
    if not code or len(code) > 20:
        raise SurveyError(_("请填写题号（最多 20 个字符）。"), code="invalid")
    if questionnaire.questions.filter(code=code).exclude(pk=exclude_pk).exists():
        raise SurveyError(_("题号「%(c)s」已存在。") % {"c": code}, code="invalid")
    text = str(values.get("text") or "").strip()
    if not text:
        raise SurveyError(_("请填写题目。"), code="invalid")
    kind = values.get("kind")
    if kind not in QuestionKind.values:
        raise SurveyError(_("未知题型：%(k)s") % {"k": kind}, code="invalid")
    scale = Scale.NONE if kind == QuestionKind.TEXT else values.get("scale") or Scale.CUSTOM
    if scale not in Scale.values or (kind != QuestionKind.TEXT and scale == Scale.NONE):
        raise SurveyError(_("请选择选择题的量表。"), code="invalid")
    options = values.get("options")
    if options is None:
        options = default_options(kind, scale)
    try:
        options = clean_options(kind, options)
    except QuestionError as exc:
        raise SurveyError(exc.messages[0], code="invalid")
    return {**values, "code": code, "text": text, "kind": kind, "scale": scale, "options": options}


def add_question(
    *, actor, questionnaire: Questionnaire, code: str, text: str, kind: str, scale: str = Scale.THREE,
    options: list | None = None, required: bool = True, help_text: str = "",
) -> Question:  # fmt: skip
    """Append a question; without `options` the default set of its kind and scale is used."""
    require_office(actor)
    with transaction.atomic():
        q = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        _ensure_editable(q)
        values = _clean_question(q, {"code": code, "text": text, "kind": kind, "scale": scale, "options": options,
                                     "required": required, "help_text": help_text})  # fmt: skip
        last = q.questions.aggregate(m=Max("order"))["m"]
        return Question.objects.create(questionnaire=q, order=(last or 0) + 1, **values)


def update_question(*, actor, question: Question, **fields) -> Question:
    require_office(actor)
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise SurveyError(_("不能修改：%(f)s") % {"f": "、".join(sorted(unknown))}, code="invalid")
    with transaction.atomic():
        q = Questionnaire.objects.select_for_update().get(pk=question.questionnaire_id)
        _ensure_editable(q)
        current = {name: getattr(question, name) for name in QUESTION_FIELDS}
        if ("kind" in fields or "scale" in fields) and "options" not in fields:
            fields["options"] = None  # a new kind or scale starts from its default options
        values = _clean_question(q, {**current, **fields}, exclude_pk=question.pk)
        for name, value in values.items():
            setattr(question, name, value)
        question.save()
    return question


def delete_question(*, actor, question: Question) -> Questionnaire:
    require_office(actor)
    with transaction.atomic():
        q = Questionnaire.objects.select_for_update().get(pk=question.questionnaire_id)
        _ensure_editable(q)
        question.delete()
    return q


def move_question(*, actor, question: Question, direction: str) -> Question:
    """Swap a question with its neighbour ("up" or "down"); orders are renumbered 1…n."""
    require_office(actor)
    if direction not in ("up", "down"):
        raise SurveyError(_("移动方向无效。"), code="invalid")
    with transaction.atomic():
        q = Questionnaire.objects.select_for_update().get(pk=question.questionnaire_id)
        _ensure_editable(q)
        ordered = list(q.questions.order_by("order", "pk"))
        index = next(i for i, item in enumerate(ordered) if item.pk == question.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            if item.order != position:
                item.order = position
                item.save(update_fields=["order"])
    return Question.objects.get(pk=question.pk)
