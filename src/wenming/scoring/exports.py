"""XLSX exports of the score tables (for bulletins and the third-party appraiser)."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from wenming.core.spreadsheets import SafeWorkbook, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _response(wb: SafeWorkbook, name: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(wb), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename={name}-{timezone.localdate():%Y%m%d}.xlsx"
    return response


def _sheet(wb: SafeWorkbook, title: str, header: list[str], rows: list[list]) -> None:
    ws = wb.active
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)


def _r(value, digits=2):
    return None if value is None else round(value, digits)


def ranking_xlsx(ranking) -> HttpResponse:
    wb = SafeWorkbook()
    header = [
        _("名次"),
        _("名称"),
        _("参评点位"),
        _("过关点位"),
        _("过关率"),
        _("平均得分"),
        _("得分率"),
        _("并列"),
    ]
    rows = [
        [
            r.rank,
            r.label,
            r.points,
            r.passed,
            _r(r.pass_rate, 4),
            _r(r.mean_score),
            _r(r.score_rate),
            "是" if r.tied else "",
        ]
        for r in ranking.rows
    ]
    _sheet(wb, _("排名"), header, rows)
    ws = wb.create_sheet(_("说明"))
    ws.append([_("轮次"), ranking.round.name])
    ws.append(
        [
            _("来源"),
            _("实时计算") if ranking.is_live else _("冻结快照 v%(v)s") % {"v": ranking.snapshot.version},
        ]
    )
    if ranking.snapshot:
        ws.append([_("数据指纹"), ranking.snapshot.data_hash])
    ws.append([_("口径"), _("点位得分 = 实得分 ÷ 应得分 × 100；排名按平均得分，相同者并列。")])
    return _response(wb, f"ranking-{ranking.dimension}")


def points_xlsx(round_obj, rows, title: str) -> HttpResponse:
    wb = SafeWorkbook()
    header = [
        _("点位编码"),
        _("点位名称"),
        _("点位类型"),
        _("街道"),
        _("社区"),
        _("责任单位"),
        _("测评记录"),
        _("测评时间"),
        _("实得分"),
        _("应得分"),
        _("得分"),
        _("过关"),
        _("未过关测评标准"),
    ]
    data = [
        [
            r.code,
            r.name,
            r.point_type,
            r.street,
            r.community,
            r.unit,
            r.inspection_id,
            timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M") if r.submitted_at else "",
            _r(r.earned, 3),
            _r(r.possible, 3),
            _r(r.score),
            _("是") if r.passed else _("否"),
            "、".join(r.failing),
        ]
        for r in rows
    ]
    _sheet(wb, title or _("点位得分"), header, data)
    return _response(wb, f"points-round{round_obj.pk}")


def pareto_xlsx(view, label: str) -> HttpResponse:
    """The three 易扣分点 tables, one sheet each."""
    wb = SafeWorkbook()
    header = [
        _("名称"),
        _("说明"),
        _("失分"),
        _("占比"),
        _("累计占比"),
        _("未达标项次"),
        _("问题数"),
        _("关键少数"),
    ]
    sheets = [
        (_("测评标准"), view.by_criterion),
        (_("问题分类"), view.by_category),
        (_("主题"), view.by_theme),
    ]
    for i, (title, lines) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for x in lines:
            ws.append(
                [
                    x.label,
                    x.detail,
                    _r(x.lost, 3),
                    _r(x.share, 4),
                    _r(x.cumulative_share, 4),
                    x.count,
                    x.problems,
                    _("是") if x.vital else "",
                ]
            )
    ws = wb.create_sheet(_("说明"))
    ws.append([_("来源"), label])
    ws.append([_("口径"), _("失分 = 应得分 − 实得分；每次测评中未完全符合的一条测评标准计 1 项次。")])
    return _response(wb, "pareto")
