"""Exports: the raw responses of a wave, anonymised (XLSX).

Anonymised means: no exact age (the band only), no interviewer, no position, no device/phone/address digests,
no external or internal ids, the date without the time; responses are listed by stratum in a shuffled order
so the row order does not retrace an interviewer's day. Open answers are exported as written.
"""

import random

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from wenming.core.spreadsheets import SafeWorkbook, workbook_bytes
from wenming.surveys.models import Answer, Response, Wave


def anonymised_rows(wave: Wave) -> tuple[list[str], list[list]]:
    questions = list(wave.questionnaire.questions.order_by("order", "pk"))
    header = [
        _("序号"),
        _("分层"),
        _("居住街道/社区"),
        _("年龄段"),
        _("居住时间"),
        _("职业"),
        _("采集方式"),
        _("调查日期"),
    ]
    header += [f"{q.code} {q.text}" for q in questions]
    answers: dict[int, dict[int, Answer]] = {}
    for answer in Answer.objects.filter(response__wave=wave).only(
        "response_id", "question_id", "value", "text"
    ):
        answers.setdefault(answer.response_id, {})[answer.question_id] = answer
    responses = list(
        Response.objects.filter(wave=wave)
        .select_related("stratum__area", "area")
        .only("pk", "stratum__area__name", "stratum__order", "area__name", "age_band", "residence", "occupation",
              "channel", "completed_at", "received_at")
    )  # fmt: skip
    random.Random(f"wenming-export-{wave.pk}").shuffle(responses)
    responses.sort(key=lambda r: r.stratum.order)
    labels = {q.pk: {o["value"]: o["label"] for o in q.options} for q in questions}
    rows = []
    for number, r in enumerate(responses, start=1):
        when = timezone.localtime(r.completed_at or r.received_at).date()
        row = [number, r.stratum.area.name, r.area.name if r.area else "", r.get_age_band_display(),
               r.get_residence_display(), r.get_occupation_display(), r.get_channel_display(), when]  # fmt: skip
        given = answers.get(r.pk, {})
        for q in questions:
            a = given.get(q.pk)
            row.append("" if a is None else (a.text if q.is_text else labels[q.pk].get(a.value, a.value)))
        rows.append(row)
    return header, rows


def anonymised_xlsx(wave: Wave) -> bytes:
    header, rows = anonymised_rows(wave)
    workbook = SafeWorkbook()
    sheet = workbook.active
    sheet.title = _("答卷（已匿名）")[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)
