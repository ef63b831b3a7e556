"""The bulletin as an ordered outline of headings, paragraphs and tables, built once from the snapshot and the
bulletin's head; the DOCX, XLSX and PDF renderers walk the same outline, so the three files print the same
tables with the same figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from wenming.bulletins.choices import BulletinKind
from wenming.bulletins.periods import cn_date
from wenming.bulletins.summary import pct

CN_NUMBERS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 11 → 十一, 20 → 二十 (headings never go past ninety-nine)."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMBERS[ones - 1] if ones else "")


def _num(value, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


@dataclass
class Table:
    """A table: a caption, a header, rows of text, relative column widths; `photos` rows for the appendix."""

    key: str  # sheet name / anchor
    caption: str
    header: list[str]
    rows: list[list[str]]
    widths: list[float]
    note: str = ""
    empty: str = ""
    screen_only: tuple[int, ...] = ()  # columns kept in the XLSX but not printed (too wide for A4 portrait)

    def printed(self) -> Table:
        """The table as the DOCX and PDF print it (without the screen-only columns)."""
        if not self.screen_only:
            return self
        keep = [i for i in range(len(self.header)) if i not in self.screen_only]
        return Table(
            self.key, self.caption, [self.header[i] for i in keep], [[row[i] for i in keep] for row in self.rows],
            [self.widths[i] for i in keep], self.note, self.empty,
        )  # fmt: skip

    @property
    def is_wide(self) -> bool:
        """Nine columns or more: printed a point smaller so they fit a portrait page."""
        return len(self.header) >= 9


@dataclass
class Section:
    heading: str
    level: int = 1  # 1: 一、  2: （一）
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)


@dataclass
class PhotoEntry:
    caption: str
    path: str  # relative to MEDIA_ROOT


@dataclass
class Outline:
    issuer: str
    doc_number: str
    title: str
    recipients: str
    sections: list[Section]
    closing: list[str]  # issuer and date at the end
    cc: str
    photos: list[tuple[str, list[PhotoEntry]]]  # (problem heading, photos) for the appendix
    fonts: dict[str, str]
    generated_at: str
    period_label: str
    summary: str
    figures: list[tuple[str, str]]  # key figures (label, value) for the XLSX overview


def fonts() -> dict[str, str]:
    return {
        "title": getattr(settings, "BULLETIN_TITLE_FONT", "方正小标宋简体"),
        "body": getattr(settings, "BULLETIN_BODY_FONT", "仿宋_GB2312"),
        "heading": getattr(settings, "BULLETIN_HEADING_FONT", "黑体"),
        "subheading": getattr(settings, "BULLETIN_SUBHEADING_FONT", "楷体_GB2312"),
    }


def _rank(row: dict) -> str:
    if row["rank"] is None:
        return "—"
    return f"{row['rank']}{_('（并列）') if row.get('tied') else ''}"


def _basis_value(ranking: dict, row: dict) -> str:
    """The value the ranking orders by, as printed (snapshots made before the bases had only the mean)."""
    if "value" not in row:
        return _num(row["mean_score"])
    value = row["value"]
    if value is None:
        return "—"
    return f"{value:.2f}%" if ranking.get("basis_unit") == "%" else f"{value:.2f}"


def ranking_table(key: str, caption: str, label: str, ranking: dict) -> Table:
    rows = [
        [
            _rank(r),
            r["label"],
            str(r["points"]),
            str(r["passed"]),
            pct(r["pass_rate"]),
            _basis_value(ranking, r),
        ]
        for r in ranking["rows"]
    ]
    basis = ranking.get("basis_label") or _("平均得分")
    return Table(
        key, caption, [_("名次"), label, _("参评点位"), _("过关点位"), _("过关率"), basis], rows,
        [1, 4, 1.4, 1.4, 1.4, 1.4], note=_("计分方法：") + ranking["formula"], empty=_("本期无参评数据。"),
    )  # fmt: skip


def compliance_table(data: dict) -> Table:
    """Point type × street (the snapshot's street × type, transposed: a district has a handful of streets but up
    to ~30 point types, so the long side runs down the portrait page)."""
    comp = data["compliance"]

    def cell(c) -> str:
        if not c or not c["points"]:
            return "—"
        return f"{c['passed']}/{c['points']}（{pct(c['rate'], 0)}）"

    streets = comp["rows"]
    header = [_("点位类型"), *[r["street"] for r in streets], _("合计")]
    rows = [
        [name, *[cell(r["cells"][i]) for r in streets], cell(comp["total"]["cells"][i])]
        for i, name in enumerate(comp["types"])
    ]
    if rows:
        rows.append([_("合计"), *[cell(r["total"]) for r in streets], cell(comp["total"]["total"])])
    return Table(
        "compliance", _("测评点位达标情况（过关点位/参评点位）"), header, rows,
        [2.4] + [1.8] * (len(header) - 1), empty=_("本期无参评点位。"),
    )  # fmt: skip


PROBLEM_HEADER = (
    "序号",
    "问题编号",
    "责任单位",
    "地点",
    "责任人",
    "问题类别",
    "测评标准",
    "发现时间",
    "整改时限",
    "状态",
)


def problem_rows(rows: list[dict]) -> list[list[str]]:
    out = []
    for i, r in enumerate(rows, start=1):
        state = r["state"] + (_("（已超期）") if r.get("overdue") else "")
        category = " / ".join(x for x in (r["top_category"], r["category"]) if x)
        out.append(
            [str(i), r["code"], r["unit"], r["place"] or r["street"], r["person"] or "—", category,
             r["criterion"] or r["description"], r["found_at"], r["deadline"] or "—", state]
        )  # fmt: skip
    return out


def problem_table(key: str, caption: str, rows: list[dict], empty: str) -> Table:
    return Table(
        key, caption, [_(h) for h in PROBLEM_HEADER], problem_rows(rows),
        [0.8, 2.7, 2.2, 2.4, 1.1, 1.8, 2.8, 2.0, 2.0, 1.3], empty=empty, screen_only=(7,),
    )  # fmt: skip


def _overdue_days(row: dict) -> str:
    """Working days with the calendar days beside, e.g. "2（4）"; older snapshots had calendar days only."""
    if "overdue_calendar_days" not in row:
        return str(row["overdue_days"])
    return f"{row['overdue_days']}（{row['overdue_calendar_days']}）"


def overdue_table(rows: list[dict]) -> Table:
    body = [
        [str(i), r["code"], r["unit"], r["place"] or r["street"], r["person"] or "—", r["category"], r["deadline"],
         _overdue_days(r)]
        for i, r in enumerate(rows, start=1)
    ]  # fmt: skip
    return Table(
        "overdue", _("超期未整改问题"),
        [_("序号"), _("问题编号"), _("责任单位"), _("地点"), _("责任人"), _("问题类别"), _("整改时限"), _("超期工作日（自然日）")],
        body, [0.7, 2.2, 2.4, 3, 1.2, 2, 2, 1.1], empty=_("无超期未整改问题。"),
    )  # fmt: skip


def rebound_table(rows: list[dict]) -> Table:
    body = [
        [str(i), r["code"], r["unit"], r["place"] or r["street"], r["person"] or "—", r["category"], r["found_at"], r["state"]]
        for i, r in enumerate(rows, start=1)
    ]  # fmt: skip
    return Table(
        "rebounds", _("反弹及重复发生问题"),
        [_("序号"), _("问题编号"), _("责任单位"), _("地点"), _("责任人"), _("问题类别"), _("发现时间"), _("状态")],
        body, [0.7, 2.2, 2.4, 3, 1.2, 2, 2, 1.4], empty=_("无反弹及重复发生问题。"),
    )  # fmt: skip


def theme_table(rows: list[dict]) -> Table:
    body = [
        [str(i), t["name"], str(t["occurrences"]), _num(t["lost"]), str(t["problems"])]
        for i, t in enumerate(rows, 1)
    ]
    return Table(
        "themes", _("易扣分点情况"), [_("序号"), _("易扣分点"), _("失分次数"), _("失分合计"), _("问题数")], body,
        [0.8, 4, 1.5, 1.5, 1.5],
        note=_("失分次数：测评中该类测评标准未达标的次数；问题数：本期通报问题中属于该类的个数。"),
        empty=_("未配置易扣分点主题。"),
    )  # fmt: skip


def forecast_section(f: dict) -> Section:
    """预估测评得分 (wenming.forecast): the expected score with its intervals and the top of the fix-first list."""
    pct = "—" if f.get("p_target") is None else f"{f['p_target'] * 100:.0f}%"
    rate = "—" if f.get("pass_rate") is None else f"{f['pass_rate'] * 100:.0f}%"
    text = _(
        "如果测评组明天来，预估得分 %(mean)s 分（80%% 区间 %(l80)s–%(h80)s，95%% 区间 %(l95)s–%(h95)s），"
        "达到 %(target)s 分的概率 %(p)s，预估过关率 %(rate)s。（%(at)s 计算，模拟测评 %(n)s 次）"
    ) % {"mean": _num(f.get("mean"), 1), "l80": _num(f.get("low80"), 1), "h80": _num(f.get("high80"), 1),
         "l95": _num(f.get("low95"), 1), "h95": _num(f.get("high95"), 1), "target": f.get("target"), "p": pct,
         "rate": rate, "at": f.get("computed_at", ""), "n": f.get("simulations")}  # fmt: skip
    body = [
        [str(i), f"{line['point_code']} {line['point_name']}", f"{line['criterion_code']} {line['criterion_text']}",
         f"{line['p_fail'] * 100:.0f}%", _num(line["gain"], 3), line["unit"] or "—", line["case_code"] or "—"]
        for i, line in enumerate(f.get("top", []), 1)
    ]  # fmt: skip
    table = Table(
        "forecast", _("先改什么（按预估提分排序）"),
        [_("序号"), _("点位"), _("测评标准"), _("失分概率"), _("预估提分"), _("责任单位"), _("问题案件")], body,
        [0.8, 3, 4, 1.2, 1.2, 2.5, 2], note=_("预估提分：修好这一项，全区预估得分平均提高的分数。"),
        empty=_("暂无需要优先整改的项。"),
    )  # fmt: skip
    return Section(_("预估测评得分"), paragraphs=[text], tables=[table])


def _goal_text(goal: str, met) -> str:
    if not goal:
        return _("未设目标")
    return _("目标 %(goal)s，%(met)s") % {"goal": goal, "met": _("已达成") if met else _("未达成")}


def campaign_section(campaigns: list[dict]) -> Section:
    """限时行动进展: per campaign, its sentence, targets and goals, and the daily progress table of the days in the
    bulletin's period (cumulative from the campaign's start, as of the period's end)."""
    children = []
    for i, c in enumerate(campaigns, start=1):
        targets = _("行动期间 %(start)s 至 %(end)s；目标问题类别：%(cats)s；目标点位：%(points)s；办结率%(close)s；点位符合率%(comp)s。") % {
            "start": c["start"], "end": c["end"], "cats": "、".join(c["categories"]),
            "points": _("%(n)s 个") % {"n": c["points"]} if c["points"] else _("全区"),
            "close": _goal_text(c["goal_close_rate"], c["close_goal_met"]),
            "comp": _goal_text(c["goal_compliance_rate"], c["compliance_goal_met"]),
        }  # fmt: skip
        body = [
            [d["date"], str(d["new"]), str(d["found"]), str(d["closed"]), d["close_rate"], str(d["applicable"]),
             str(d["compliant"]), d["compliance_rate"]]
            for d in c["days"]
        ]  # fmt: skip
        table = Table(
            f"campaign_{i}", _("%(name)s每日进展") % {"name": c["name"]},
            [_("日期"), _("当日新发现"), _("累计发现问题"), _("累计已办结"), _("办结率"), _("适用测评项"),
             _("符合项"), _("点位符合率")],
            body, [2, 1.3, 1.4, 1.4, 1.3, 1.4, 1.2, 1.4],
            note=_("累计数自行动开始日起算，每日按当日 24 时的案件状态计（之后的办结、重新打开不改变已过日期的数字）；"
                   "办结率 = 累计已办结 ÷ 累计发现问题；点位符合率 = 符合项 ÷ 适用测评项。"),
            empty=_("本期内行动尚未开始。"),
        )  # fmt: skip
        children.append(Section(c["name"], level=2, paragraphs=[c["summary"], targets], tables=[table]))
    return Section(_("限时行动进展"), children=children)


def handling_table(handling: dict) -> Table:
    body = [
        [str(i), r["label"], str(r["due"]), str(r["handled"]), pct(r["on_time_rate"]), str(r["closed"]),
         str(r["overdue_open"]), _num(r["score"])]
        for i, r in enumerate(handling["rows"], start=1)
    ]  # fmt: skip
    return Table(
        "handling", _("责任单位问题处置情况"),
        [_("序号"), _("责任单位"), _("应处置"), _("已处置"), _("按期处置率"), _("已结案"), _("超期待处置"),
         handling["formula_name"]],
        body, [0.7, 3.6, 1.2, 1.2, 1.5, 1.2, 1.4, 1.6],
        note=_("%(name)s = %(f)s") % {"name": handling["formula_name"], "f": handling["formula"]},
        empty=_("本期无应处置案件。"),
    )  # fmt: skip


def _redblack_sections(data: dict) -> list[Section]:
    rb = data["redblack"]
    red = Section(_("红榜"), children=[])
    red.tables = [
        ranking_table("red_streets", _("红榜街道"), _("街道"), {**data["rankings"]["street"], "rows": rb["red_streets"]}),
        ranking_table("red_units", _("红榜责任单位"), _("责任单位"), {**data["rankings"]["unit"], "rows": rb["red_units"]}),
    ]  # fmt: skip
    black = Section(_("黑榜"))
    overdue = Table(
        "overdue_units", _("超期未整改问题较多的单位"), [_("序号"), _("责任单位"), _("超期问题数")],
        [[str(i), r["label"], str(r["count"])] for i, r in enumerate(rb["overdue_units"], 1)], [0.8, 5, 2],
        empty=_("无超期未整改问题。"),
    )  # fmt: skip
    black.tables = [
        ranking_table("black_streets", _("黑榜街道"), _("街道"), {**data["rankings"]["street"], "rows": rb["black_streets"]}),
        ranking_table("black_units", _("黑榜责任单位"), _("责任单位"), {**data["rankings"]["unit"], "rows": rb["black_units"]}),
        overdue,
    ]  # fmt: skip
    return [red, black]


def sections(bulletin, data: dict) -> list[Section]:
    out: list[Section] = [
        Section(_("总体情况"), paragraphs=[p for p in (bulletin.summary or "").split("\n") if p.strip()])
    ]
    if bulletin.kind == BulletinKind.REDBLACK:
        out.extend(_redblack_sections(data))
    out.append(Section(_("测评点位达标情况"), tables=[compliance_table(data)]))
    ranks = Section(_("排名情况"))
    for dim, label, caption in (
        ("street", _("街道"), _("街道排名")),
        ("unit", _("责任单位"), _("责任单位排名")),
        ("group", _("专项整治组"), _("专项整治组排名")),
    ):
        ranks.children.append(
            Section(
                caption, level=2, tables=[ranking_table(f"rank_{dim}", caption, label, data["rankings"][dim])]
            )
        )
    ranks.children.append(
        Section(_("责任单位问题处置情况"), level=2, tables=[handling_table(data["handling"])])
    )
    out.append(ranks)
    caption = _("黑榜单位问题清单") if bulletin.kind == BulletinKind.REDBLACK else _("问题清单")
    out.append(
        Section(
            caption,
            paragraphs=[_("以下问题请各责任单位对照整改，按时限反馈整改结果（整改前后照片见附件）。")]
            if data["problems"]
            else [],
            tables=[problem_table("problems", caption, data["problems"], _("本期未发现问题。"))],
        )
    )
    out.append(Section(_("超期未整改问题"), tables=[overdue_table(data["overdue"])]))
    out.append(Section(_("反弹及重复发生问题"), tables=[rebound_table(data["rebounds"])]))
    out.append(Section(_("易扣分点情况"), tables=[theme_table(data["themes"])]))
    if data.get("campaigns"):
        out.append(campaign_section(data["campaigns"]))
    if data.get("forecast"):
        out.append(forecast_section(data["forecast"]))
    lines = bulletin.requirement_lines()
    if lines:
        out.append(Section(_("工作要求"), paragraphs=[f"{i}. {line}" for i, line in enumerate(lines, 1)]))
    if bulletin.remarks.strip():
        out.append(Section(_("备注"), paragraphs=[p for p in bulletin.remarks.split("\n") if p.strip()]))
    return out


def photo_entries(data: dict) -> list[tuple[str, list[PhotoEntry]]]:
    out = []
    for i, r in enumerate(data["problems"], start=1):
        photos = [PhotoEntry(_("整改前"), p) for p in r.get("before", [])]
        photos += [PhotoEntry(_("整改后"), p) for p in r.get("after", [])]
        if photos:
            out.append((f"{i}. {r['code']} {r['unit']} {r['place'] or r['street']}", photos))
    return out


RECIPIENTS_LISTED = 8


def recipients_line(bulletin) -> str:
    """The salutation (主送): the units by name when few, else the customary collective form (the units all
    still receive it: distribution follows the recipient list, not this line)."""
    names = [u.name for u in bulletin.recipients.all()]
    if not names or len(names) > RECIPIENTS_LISTED:
        return _("各街道、区直有关单位：")
    return "、".join(names) + "："


def outline(bulletin, data: dict | None = None) -> Outline:
    data = data if data is not None else bulletin.data
    issue = bulletin.issue_date or datetime.date.today()
    points = data["points"]
    figures = [
        (_("统计期间"), data["period"]["label"]),
        (_("参评点位"), str(points["inspected"])),
        (_("过关点位"), str(points["passed"])),
        (_("过关率"), pct(points["pass_rate"])),
        (_("平均得分"), _num(points["mean_score"])),
        (_("发现问题"), str(data["problems_total"])),
        (_("涉及责任单位"), str(data["units_involved"])),
        (_("已整改销号"), str(data["states"]["closed"])),
        (_("超期未整改"), str(len(data["overdue"]))),
        (_("反弹及重复发生"), str(len(data["rebounds"]))),
    ]
    return Outline(
        issuer=bulletin.issuer,
        doc_number=bulletin.doc_number or _("（文号印发时生成）"),
        title=bulletin.title,
        recipients=recipients_line(bulletin),
        sections=sections(bulletin, data),
        closing=[bulletin.issuer, cn_date(issue)],
        cc=bulletin.cc,
        photos=photo_entries(data),
        fonts=fonts(),
        generated_at=data.get("generated_at", ""),
        period_label=data["period"]["label"],
        summary=bulletin.summary,
        figures=figures,
    )


def heading_label(section: Section, index: int) -> str:
    return (
        f"{cn_number(index)}、{section.heading}"
        if section.level == 1
        else f"（{cn_number(index)}）{section.heading}"
    )
