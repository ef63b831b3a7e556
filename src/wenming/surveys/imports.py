"""Importing responses collected elsewhere (a third party's XLSX) into a wave — all or nothing.

One row per respondent. Columns: 答卷编号 (optional; refused when already imported into the wave), 区域编码
(the street or community the respondent lives in, inside one of the wave's strata), 年龄 (years, or an age
band such as "25–34 岁"), 居住时间, 职业 (label or code), 调查时间 (optional), then one column per question
headed by its 题号 (e.g. "Q1" or "Q1 您对…"), holding the option's text, code or number, or the text of an
open question. Every row is checked first; any problem (reported as row, column, Chinese message) and nothing
is written. The template (`import_template`) lists the options on a second sheet.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from wenming.core.spreadsheets import SafeWorkbook, workbook_bytes
from wenming.geo.services import ImportRejected, RowError
from wenming.geo.tables import TableError, cell_text, read_table
from wenming.surveys.choices import AgeBand, Channel, Occupation, Residence, WaveState
from wenming.surveys.models import Answer, Response, Wave
from wenming.surveys.services.common import SurveyError, require_office, visible
from wenming.surveys.services.responses import Submission, WaveContext, build_response, check_submission

C_ID, C_AREA, C_AGE, C_RESIDENCE, C_OCCUPATION, C_TIME = (
    "答卷编号",
    "区域编码",
    "年龄",
    "居住时间",
    "职业",
    "调查时间",
)
REQUIRED = (C_AREA, C_AGE, C_RESIDENCE, C_OCCUPATION)
FIXED = (C_ID, C_AREA, C_AGE, C_RESIDENCE, C_OCCUPATION, C_TIME)
IGNORED = ("序号", "区域名称")
FIELD_COLUMN = {"stratum": C_AREA, "area": C_AREA, "age": C_AGE, "residence": C_RESIDENCE,
                "occupation": C_OCCUPATION, "completed_at": C_TIME}  # fmt: skip
MAX_ERRORS = 200


@dataclass
class ImportResult:
    created: int
    batch: str

    def summary(self) -> str:
        return _("已导入 %(n)d 份答卷（批次 %(b)s）。") % {"n": self.created, "b": self.batch[:8]}


def _norm(text: str) -> str:
    return text.replace(" ", "").replace("—", "-").replace("–", "-").replace("～", "-").replace("~", "-")


def _choice(value: str, choices) -> str | None:
    """A TextChoices value from its code or label (spacing and dash style ignored)."""
    text = _norm(value)
    for code, label in choices.choices:
        if text in (_norm(code), _norm(str(label))):
            return code
    return None


def _question_columns(header: list[str], ctx: WaveContext, errors: list[RowError]) -> dict[int, object]:
    by_column = {}
    seen = set()
    for index, title in enumerate(header):
        if not title or title in FIXED or title in IGNORED:
            continue
        code = title.split()[0]
        question = ctx.by_code.get(code)
        if question is None:
            errors.append(RowError(0, title, _("未知列：问卷中没有题号「%(c)s」。") % {"c": code}))
            continue
        if question.pk in seen:
            errors.append(RowError(0, title, _("题号「%(c)s」的列重复。") % {"c": code}))
            continue
        seen.add(question.pk)
        by_column[index] = question
    missing = [q.code for q in ctx.questions if q.required and q.pk not in seen]
    if missing:
        errors.append(RowError(0, "", _("缺少必答题的列：%(c)s") % {"c": "、".join(missing)}))
    return by_column


def _when(value) -> datetime.datetime | None | str:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return timezone.make_aware(value) if timezone.is_naive(value) else value
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time(12)))
    text = cell_text(value).replace("/", "-")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return timezone.make_aware(datetime.datetime.strptime(text, fmt))
        except ValueError:
            continue
    return "bad"


def _row_submission(number, cells, columns, question_columns, ctx, errors) -> Submission | None:
    def cell(name):
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    bad = len(errors)
    sub = Submission(client_id=uuid.uuid4(), external_id=cell_text(cell(C_ID))[:60])
    area_code = cell_text(cell(C_AREA))
    area = ctx.area_by_code.get(area_code)
    if area is None:
        errors.append(RowError(number, C_AREA, _("区域编码「%(c)s」不在本次调查范围内。") % {"c": area_code} if area_code
                               else _("必填。")))  # fmt: skip
    else:
        sub.area = area.pk
    age = cell(C_AGE)
    text = cell_text(age)
    if text.isdigit():
        sub.age = int(text)
    elif text:
        band = _choice(text, AgeBand)
        if band is None:
            errors.append(RowError(number, C_AGE, _("「%(v)s」不是年龄或年龄段。") % {"v": text}))
        sub.age_band = band or ""
    for name, choices, attr in (
        (C_RESIDENCE, Residence, "residence"),
        (C_OCCUPATION, Occupation, "occupation"),
    ):
        text = cell_text(cell(name))
        value = _choice(text, choices) if text else None
        if text and value is None:
            errors.append(RowError(number, name, _("「%(v)s」不是可选的值。") % {"v": text}))
        setattr(sub, attr, value or "")
    when = _when(cell(C_TIME))
    if when == "bad":
        errors.append(RowError(number, C_TIME, _("无法识别的时间（应如 2026-05-01 09:30）。")))
    else:
        sub.completed_at = when
    for index, question in question_columns.items():
        value = cells[index] if index < len(cells) else None
        sub.answers[question.pk] = cell_text(value)
    return sub if len(errors) == bad else None


def import_responses(*, actor, wave: Wave, data: bytes, filename: str) -> ImportResult:
    """Check every row of the file, then write all responses in one transaction (or raise ImportRejected)."""
    require_office(actor, _("只有文明办可以导入答卷。"))
    visible(Wave, actor, wave)
    if wave.state == WaveState.CLOSED:
        raise SurveyError(_("调查已结束，不能再导入答卷。"), code="closed")
    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise ImportRejected([RowError(0, "", str(exc))])
    ctx = WaveContext(wave)
    errors: list[RowError] = []
    columns = {title: i for i, title in enumerate(table.header) if title in FIXED}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        errors.append(RowError(0, "", _("缺少列：%(c)s") % {"c": "、".join(missing)}))
    question_columns = _question_columns(table.header, ctx, errors)
    if errors:
        raise ImportRejected(errors)
    if not table.rows:
        raise ImportRejected([RowError(0, "", _("文件中没有数据行。"))])
    ready, ids_in_file = [], {}
    existing = set(
        Response.objects.filter(wave=wave).exclude(external_id="").values_list("external_id", flat=True)
    )
    for number, cells in table.rows:
        sub = _row_submission(number, cells, columns, question_columns, ctx, errors)
        if sub and sub.external_id:
            if sub.external_id in existing:
                errors.append(
                    RowError(number, C_ID, _("答卷编号「%(i)s」已导入过本次调查。") % {"i": sub.external_id})
                )
            elif sub.external_id in ids_in_file:
                errors.append(
                    RowError(
                        number, C_ID, _("答卷编号与第 %(r)d 行重复。") % {"r": ids_in_file[sub.external_id]}
                    )
                )
            ids_in_file.setdefault(sub.external_id, number)
        if sub is None:
            continue
        cleaned, problems = check_submission(ctx, sub)
        for p in problems:
            column = FIELD_COLUMN.get(p.field) or _question_header(
                p.field, ctx, table.header, question_columns
            )
            errors.append(RowError(number, column, p.message))
        if cleaned:
            ready.append((sub, cleaned))
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ImportRejected(errors)
    batch = uuid.uuid4().hex
    with transaction.atomic():
        locked = Wave.objects.select_for_update().get(pk=wave.pk)
        if locked.state == WaveState.CLOSED:
            raise SurveyError(_("调查已结束，不能再导入答卷。"), code="closed")
        built = [
            build_response(locked, cleaned, sub, channel=Channel.IMPORT, import_batch=batch)
            for sub, cleaned in ready
        ]
        Response.objects.bulk_create([r for r, _answers in built], batch_size=500)
        Answer.objects.bulk_create([a for r, answers in built for a in _attach(r, answers)], batch_size=2000)
    return ImportResult(created=len(built), batch=batch)


def _attach(response, answers):
    for answer in answers:
        answer.response_id = response.pk
        yield answer


def _question_header(field: str, ctx: WaveContext, header: list[str], question_columns: dict) -> str:
    if field.startswith("q:"):
        qid = int(field[2:])
        for index, question in question_columns.items():
            if question.pk == qid:
                return header[index]
        return ctx.by_id[qid].code
    return ""


def import_template(wave: Wave) -> bytes:
    """An XLSX with the columns to fill and, on a second sheet, every question's options."""
    questions = list(wave.questionnaire.questions.order_by("order", "pk"))
    workbook = SafeWorkbook()
    sheet = workbook.active
    sheet.title = _("答卷")[:31]
    sheet.append(
        [f"{c}*" if c in REQUIRED else c for c in FIXED]
        + [f"{q.code}{'*' if q.required else ''} {q.text[:30]}" for q in questions]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    areas = [s.area for s in wave.strata.select_related("area").order_by("order")]
    if areas:
        sheet.append(["", areas[0].code, 35, str(Residence.Y3_5.label), str(Occupation.EMPLOYEE.label), "",
                      *[(q.options[0]["label"] if q.options else "") for q in questions]])  # fmt: skip
    notes = workbook.create_sheet(_("填写说明")[:31])
    notes.append([_("列"), _("可填的值")])
    notes.append([C_AREA, "、".join(f"{a.code} {a.name}" for a in areas) + _("（或其下属社区的编码）")])
    notes.append([C_AGE, _("周岁（如 36），或年龄段：") + "、".join(str(label) for label in AgeBand.labels)])
    notes.append([C_RESIDENCE, "、".join(str(label) for label in Residence.labels)])
    notes.append([C_OCCUPATION, "、".join(str(label) for label in Occupation.labels)])
    notes.append([C_TIME, _("如 2026-05-01 09:30，可不填")])
    for q in questions:
        values = "、".join(o["label"] for o in q.options) if q.options else _("文字")
        notes.append([q.code, f"{q.text} —— {values}"])
    for row in notes.iter_rows(min_row=1, max_row=1):
        for cell in row:
            cell.font = Font(bold=True)
    return workbook_bytes(workbook)
