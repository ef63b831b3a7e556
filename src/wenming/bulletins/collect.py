"""Collecting a bulletin's figures into its JSON snapshot (数据快照): everything the documents print.

`collect(spec)` reads the inspections, scores and cases once and returns plain JSON (strings, numbers,
lists): the renderers (DOCX, XLSX, PDF) never query the database, so a published bulletin's files can be
rebuilt byte-for-byte in meaning from its snapshot and nothing that happens to cases later reaches it.

Sources, per kind:
* inspection bulletin — the round's latest inspection per point (its frozen score snapshot when the round is
  closed), and the cases its non-compliant observations became;
* weekly / monthly / quarterly / red-black — the latest inspection per point submitted in the period, and the
  cases reported in the period (rejected and merged ones excluded);
* special on a theme — the same, limited to the theme's problem categories (scores: the theme's criteria);
  special on a unit — limited to the unit's cases and the points it answers for.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.bulletins.choices import BulletinKind
from wenming.bulletins.periods import Window, cn_date, previous_window, window_of, window_of_dates
from wenming.cases import kpis
from wenming.cases.choices import CaseState, EventKind, PhotoStage
from wenming.cases.models import Case, CaseEvent, CasePhoto, KpiFormula
from wenming.inspections.campaigns import campaign_progress, progress_sentence, shown
from wenming.inspections.choices import RoundKind, RoundState
from wenming.inspections.models import Campaign, Inspection, Observation, Round
from wenming.scoring import bases, deductions, live
from wenming.scoring.choices import Dimension
from wenming.scoring.engine import ScoredPoint, roll_up, sub_score
from wenming.scoring.figures import frozen_snapshot, ranking
from wenming.scoring.models import SnapshotPoint
from wenming.standards.models import PointType

SCHEMA_VERSION = 1
PHOTOS_PER_STAGE = 2
CITY_ROUND_KINDS = frozenset({RoundKind.OFFICIAL, RoundKind.CITY_QUARTERLY})
EXCLUDED_STATES = (CaseState.MERGED, CaseState.REJECTED)
RANK_DIMENSIONS = (Dimension.STREET, Dimension.UNIT, Dimension.GROUP)


def ranking_formula(basis: str = bases.DEFAULT) -> str:
    return _(
        "点位得分 = 实得分 ÷ 应得分 × 100；%(rule)s过关率 = 过关点位数 ÷ 参评点位数（点位全部适用测评标准均符合为过关）"
    ) % {"rule": bases.rule_text(basis)}


@dataclass
class Spec:
    """What one bulletin covers."""

    kind: str
    window: Window
    round: Round | None = None
    theme: object | None = None
    unit: object | None = None
    top_n: int = 3
    basis: str = bases.DEFAULT


def spec_of(bulletin) -> Spec:
    if bulletin.kind == BulletinKind.INSPECTION:
        r = bulletin.round
        window = window_of_dates(r.period_start, r.period_end)
    elif bulletin.period_code:
        window = window_of(bulletin.period_code)
    else:
        window = window_of_dates(bulletin.period_start, bulletin.period_end)
    return Spec(
        kind=bulletin.kind,
        window=window,
        round=bulletin.round if bulletin.kind == BulletinKind.INSPECTION else None,
        theme=bulletin.theme if bulletin.kind == BulletinKind.SPECIAL else None,
        unit=bulletin.subject_unit if bulletin.kind == BulletinKind.SPECIAL else None,
        top_n=bulletin.top_n or 3,
        basis=getattr(bulletin, "ranking_basis", "") or bases.DEFAULT,
    )


def _local(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(value).strftime(fmt) if value else ""


def _r(value, digits: int = 2):
    return None if value is None else round(float(value), digits)


# --- points: who was inspected, who passed -------------------------------------------------------------


@dataclass(frozen=True)
class PointResult:
    point_id: int
    type_id: int | None
    street_id: int | None
    unit_id: int | None
    inspection_id: int
    score: float | None
    passed: bool


@dataclass
class Points:
    results: list[PointResult]
    items: dict[str, list[ScoredPoint]] | None  # per dimension, when scored live
    frozen: bool


def _latest_per_point(queryset) -> list[live.InspectionRef]:
    latest: dict[int, live.InspectionRef] = {}
    for ref in live.inspection_refs(queryset):  # oldest first: the last one seen wins
        latest[ref.point_id] = ref
    return list(latest.values())


def _theme_criteria(scored: live.Scored, theme) -> set[int] | None:
    if theme is None:
        return None
    return {
        cid
        for cid, spec in scored.criteria.items()
        if theme.matches(spec.category, scored.categories.get(spec.category or ""))
    }


def points_of(spec: Spec) -> Points:
    if spec.round is not None and frozen_snapshot(spec.round) is not None:
        snap = frozen_snapshot(spec.round)
        rows = SnapshotPoint.objects.filter(snapshot=snap).values_list(
            "point_id", "point_type_id", "street_id", "unit_id", "inspection_id", "score", "passed"
        )
        return Points([PointResult(*row) for row in rows], None, True)
    if spec.round is not None:
        refs = live.latest_inspections_of_round(spec.round.pk)
    else:
        qs = Inspection.objects.filter(submitted_at__gte=spec.window.start, submitted_at__lt=spec.window.end)
        if spec.unit is not None:
            qs = qs.filter(point__responsible_unit=spec.unit)
        refs = _latest_per_point(qs)
    scored = live.score_inspections(refs)
    wanted = _theme_criteria(scored, spec.theme)
    results, items = [], {d: [] for d in RANK_DIMENSIONS}
    for ref in refs:
        score = scored.scores[ref.id]
        if wanted is not None:
            score = sub_score(score, wanted)
        info = scored.points.get(ref.point_id)
        keys = info.keys() if info else {}
        item = ScoredPoint(point_id=ref.point_id, score=score, keys=keys, ref=ref.id)
        items[Dimension.STREET].append(item)
        items[Dimension.UNIT].append(item)
        by_group: dict[int, list[int]] = defaultdict(list)
        for cid in score.grades:
            group = scored.criteria[cid].group
            if group is not None:
                by_group[int(group)].append(cid)
        for group, ids in sorted(by_group.items()):
            part = sub_score(score, ids)
            items[Dimension.GROUP].append(ScoredPoint(ref.point_id, part, {Dimension.GROUP: group}, ref.id))
        if score.assessed:
            results.append(
                PointResult(
                    ref.point_id,
                    keys.get(Dimension.TYPE),
                    keys.get(Dimension.STREET),
                    keys.get(Dimension.UNIT),
                    ref.id,
                    score.score_0_100,
                    score.passed,
                )
            )
    return Points(results, items, False)


def _ranking_row(r, label: str, rank_no, tied: bool, basis: bases.Basis) -> dict:
    """One ranking line: the three bases printed (two decimals, half up), the one ranked by as `value`."""
    return {
        "rank": rank_no, "tied": tied, "label": label, "points": r.points, "passed": r.passed,
        "pass_rate": _r(r.pass_rate, 4), "mean_score": bases.printed(r.mean_score),
        "score_rate": bases.printed(r.score_rate), "compliance_rate": bases.printed(r.compliance_rate),
        "observations": r.observations, "compliant_observations": r.compliant_observations,
        "value": bases.printed(basis.value(r)),
    }  # fmt: skip


def _ranking_rows(spec: Spec, points: Points, dimension: str) -> list[dict]:
    basis = bases.get(spec.basis)
    if points.frozen:
        rows = ranking(spec.round, dimension, basis=basis.code).rows
        return [_ranking_row(r, r.label, r.rank, r.tied, basis) for r in rows]
    rolled = roll_up(points.items[dimension], dimension)
    names = live.labels(dimension, rolled.keys())
    return [
        _ranking_row(r.item, names.get(r.item.key, str(r.item.key)), r.rank, r.tied, basis)
        for r in bases.rank_by(list(rolled.values()), basis)
    ]


def ranking_of(spec: Spec, points: Points, dimension: str) -> dict:
    basis = bases.get(spec.basis)
    return {
        "basis": basis.code, "basis_label": str(basis.label), "basis_unit": str(basis.unit),
        "formula": ranking_formula(basis.code), "rows": _ranking_rows(spec, points, dimension),
    }  # fmt: skip


def compliance_table(results: list[PointResult]) -> dict:
    """Street × point type: points inspected, passed and the pass rate, with totals."""
    from wenming.geo.models import Area

    type_ids = sorted({r.type_id for r in results if r.type_id is not None})
    types = {
        pk: name for pk, name in PointType.objects.filter(pk__in=type_ids).order_by("order", "code").values_list("pk", "name")
    }  # fmt: skip
    type_order = [pk for pk in types]
    street_ids = {r.street_id for r in results}
    streets = dict(
        Area.objects.filter(pk__in=[s for s in street_ids if s]).order_by("code").values_list("pk", "name")
    )
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        for key in ((r.street_id, r.type_id), (r.street_id, None), (None, r.type_id), (None, None)):
            cells[key][0] += 1
            cells[key][1] += 1 if r.passed else 0

    def cell(key):
        points, passed = cells.get(key, (0, 0))
        return {"points": points, "passed": passed, "rate": _r(passed / points, 4) if points else None}

    street_order = list(streets) + ([None] if None in street_ids else [])
    rows = [
        {
            "street": streets.get(s, _("未划入街道")) if s is not None else _("未划入街道"),
            "cells": [cell((s, t)) for t in type_order],
            "total": cell((s, None)),
        }
        for s in street_order
    ]
    return {
        "types": [types[t] for t in type_order],
        "rows": rows,
        "total": {"cells": [cell((None, t)) for t in type_order], "total": cell((None, None))},
    }


# --- problems (cases) -----------------------------------------------------------------------------------


def _scoped(qs, spec: Spec):
    if spec.theme is not None:
        codes = list(spec.theme.category_codes or [])
        qs = qs.filter(Q(category__code__in=codes) | Q(top_category__code__in=codes))
    if spec.unit is not None:
        qs = qs.filter(unit=spec.unit)
    return qs


def case_base(spec: Spec):
    """Every case the bulletin may speak of (any date): the round's, or the theme's / unit's, or all."""
    qs = Case.objects.exclude(state__in=EXCLUDED_STATES)
    if spec.round is not None:
        ids = Observation.objects.filter(inspection__round=spec.round, case__isnull=False).values("case_id")
        qs = qs.filter(pk__in=ids)
    return _scoped(qs, spec)


def problem_cases(spec: Spec):
    """The problems the bulletin reports: the round's, or those reported in the period."""
    qs = case_base(spec)
    if spec.round is None:
        qs = qs.filter(reported_at__gte=spec.window.start, reported_at__lt=spec.window.end)
    return qs


def _with_rows(qs):
    photos = CasePhoto.objects.filter(stage__in=[PhotoStage.BEFORE, PhotoStage.AFTER]).order_by("pk")
    return qs.select_related(
        "category", "top_category", "criterion", "unit", "person", "street", "area", "special_group",
        "point", "point__responsible_person", "point__area",
    ).prefetch_related(Prefetch("photos", queryset=photos, to_attr="doc_photos"))  # fmt: skip


def _photo_path(photo) -> str:
    """The stored photo itself: the documents print its copy at print resolution (`render.photos`); the 320 px
    thumbnail, which earlier snapshots name, is too coarse for 7.4 cm on paper (110 dpi)."""
    return photo.image.name or (photo.thumbnail.name if photo.thumbnail else "")


def _place(case: Case) -> str:
    """Street · point (or area) · address: where an inspector would go."""
    parts = [case.street.name if case.street_id else ""]
    for part in (
        case.point.name if case.point_id else (case.area.name if case.area_id else ""),
        case.address,
    ):
        if part and part not in parts:
            parts.append(part)
    return "·".join(p for p in parts if p)


# States in which the case has been handed to a unit (dispatched, in coordination, or beyond); before
# dispatch a bulletin names neither unit nor person.
_NOT_YET_HANDED = frozenset({CaseState.REPORTED, CaseState.REGISTERED})


class Named:
    """Who a bulletin row names (domain.md §8 "Who is named"): the unit responsible for the case NOW and a
    person OF THAT UNIT — the case's assigned person, else the unit's current duty holder for the point
    (点位责任人 or the point's registered owner), else for the area the case lies in (nearest area first).
    A person of another unit is never named; a case not yet dispatched names neither.

    One instance per snapshot: the units' descendants and the duty look-ups are cached."""

    def __init__(self, on=None):
        self.on = on or timezone.localdate()
        self._members: dict[int, set[int]] = {}
        self._duty: dict[tuple, object] = {}

    def members(self, unit_id: int) -> set[int]:
        """The unit and its sub-units (a person of a sub-unit belongs to the unit)."""
        if unit_id not in self._members:
            from wenming.accounts.scope import _unit_descendants
            from wenming.org.models import Unit

            self._members[unit_id] = _unit_descendants(Unit, {unit_id})
        return self._members[unit_id]

    def of_unit(self, person, unit_id: int) -> bool:
        return person is not None and person.unit_id in self.members(unit_id)

    def duty_holder(self, case: Case):
        from wenming.geo.models import Duty

        key = (case.unit_id, case.point_id, case.area_id)
        if key in self._duty:
            return self._duty[key]
        units = self.members(case.unit_id)
        found = None
        categories = [c for c in (case.category_id, case.top_category_id) if c]
        duties = (
            Duty.objects.current(self.on)
            .filter(person__is_active=True, person__unit_id__in=units)
            .filter(Q(category__isnull=True) | Q(category_id__in=categories))
        )
        if case.point_id:
            found = (
                duties.filter(point_id=case.point_id)
                .select_related("person")
                .order_by("post", "start_date", "pk")
                .first()
            )
            found = found.person if found else None
            owner = case.point.responsible_person
            if found is None and owner is not None and owner.is_active and owner.unit_id in units:
                found = owner
        area = case.area if case.area_id else (case.point.area if case.point_id else None)
        if found is None and area is not None:
            chain = [area, *reversed(area.ancestors())]
            by_area = {
                d.area_id: d
                for d in duties.filter(area_id__in=[a.pk for a in chain], point__isnull=True)
                .select_related("person")
                .order_by("-post", "-start_date", "-pk")  # the first by (post, start) wins below
            }
            for a in chain:
                if a.pk in by_area:
                    found = by_area[a.pk].person
                    break
        self._duty[key] = found
        return found

    def __call__(self, case: Case) -> tuple[str, str]:
        """(unit name, person name) for the row; ("（待派遣）", "") before dispatch."""
        if not case.unit_id or case.state in _NOT_YET_HANDED:
            return str(_("（待派遣）")), ""
        person = case.person if self.of_unit(case.person, case.unit_id) else None
        if person is None:
            person = self.duty_holder(case)
        return case.unit.name, person.name if person else ""


def overdue_days(deadline, now, overdue: bool = True) -> dict:
    """超期天数 of an overdue case, counted by local dates: working days after the deadline's day up to and
    including today (statutory calendar with 调休), with the calendar days beside."""
    import datetime

    from wenming.core.workcal import is_working_day

    if not overdue or deadline is None:
        return {"overdue_days": 0, "overdue_calendar_days": 0}
    first, today = timezone.localdate(deadline), timezone.localdate(now)
    calendar_days = max(0, (today - first).days)
    working = sum(
        1 for i in range(1, calendar_days + 1) if is_working_day(first + datetime.timedelta(days=i))
    )
    return {"overdue_days": working, "overdue_calendar_days": calendar_days}


def problem_row(case: Case, now, *, photos: bool = True, named: Named | None = None) -> dict:
    unit_name, person_name = (named or Named(timezone.localdate(now)))(case)
    overdue = case.is_overdue(now)
    row = {
        "code": case.code,
        "street": case.street.name if case.street_id else "",
        "unit": unit_name,
        "place": _place(case),
        "person": person_name,
        "group": case.special_group.name if case.special_group_id else "",
        "top_category": case.top_category.name if case.top_category_id else "",
        "category": case.category.name if case.category_id else "",
        "criterion": f"{case.criterion.code} {case.criterion.text}" if case.criterion_id else "",
        "description": case.description,
        "found_at": _local(case.reported_at),
        "deadline": _local(case.fix_deadline),
        "state": _("当场整改")
        if case.fixed_on_spot and case.state == CaseState.CLOSED
        else case.get_state_display(),
        "overdue": overdue,
        **overdue_days(case.fix_deadline, now, overdue),
        "closed_at": _local(case.closed_at),
    }
    if photos:
        found = getattr(case, "doc_photos", None)
        if found is None:
            found = list(case.photos.filter(stage__in=[PhotoStage.BEFORE, PhotoStage.AFTER]).order_by("pk"))
        row["before"] = [_photo_path(p) for p in found if p.stage == PhotoStage.BEFORE][:PHOTOS_PER_STAGE]
        row["after"] = [_photo_path(p) for p in found if p.stage == PhotoStage.AFTER][:PHOTOS_PER_STAGE]
    return row


def _row_order(case: Case):
    return (
        case.street.code if case.street_id else "~",
        case.unit.name if case.unit_id else "~",
        case.reported_at,
        case.pk,
    )


def rebound_cases(spec: Spec):
    """Problems that came back in the period: reopened after closing (回头看反弹) or reported again at the same
    place within the recurrence window (重复发生)."""
    base = case_base(spec)
    reopened = CaseEvent.objects.filter(
        kind=EventKind.REOPENED, at__gte=spec.window.start, at__lt=spec.window.end
    ).values("case_id")
    again = Q(is_recurrence=True)
    if spec.round is None:
        again &= Q(reported_at__gte=spec.window.start, reported_at__lt=spec.window.end)
    return base.filter(Q(pk__in=reopened) | again)


# --- tables of units (case handling) ------------------------------------------------------------------------


def kpi_formula() -> SimpleNamespace:
    formula = KpiFormula.objects.active().first()
    if formula is not None:
        return SimpleNamespace(name=formula.name, expression=formula.expression)
    name, expression, _text = kpis.TEMPLATE_FORMULAS[0]
    return SimpleNamespace(name=name, expression=expression)


def unit_handling(spec: Spec, now) -> dict:
    formula = kpi_formula()
    qs = _scoped(Case.objects.all(), spec)
    rows = kpis.compute("unit", spec.window.kpi_period, queryset=qs, now=now, formulas=[formula])
    out = []
    for row in rows:
        if not row.counts["due"]:
            continue
        out.append(
            {
                "label": row.label, "due": row.counts["due"], "handled": row.counts["handled"],
                "on_time_rate": _r(row.rates["on_time_handling_rate"], 4), "closed": row.counts["closed"],
                "overdue_open": row.counts["overdue_open"], "score": row.scores.get(formula.name),
            }
        )  # fmt: skip
    out.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["label"]))
    return {"formula_name": formula.name, "formula": formula.expression, "rows": out}


# --- themes (易扣分点) ----------------------------------------------------------------------------------------


def themes(spec: Spec, cases: list[Case], point_ids: set[int] | None) -> list[dict]:
    if spec.round is not None:
        loss_set = deductions.losses_of_round(spec.round)
    else:
        period = deductions.Period(spec.window.first_day, spec.window.last_day, spec.window.code)
        loss_set = deductions.losses_of_period(period)
    if point_ids is not None:
        loss_set.losses = [x for x in loss_set.losses if x.point_id in point_ids]
    view = deductions.pareto_view(loss_set)
    from wenming.scoring.models import DeductionTheme

    by_id = {str(t.pk): t for t in DeductionTheme.objects.active()}
    out = []
    for line in view.by_theme:
        theme = by_id.get(line.key)
        if theme is None or (spec.theme is not None and theme.pk != spec.theme.pk):
            continue
        problems = sum(
            1
            for c in cases
            if theme.matches(c.category.code, c.top_category.code if c.top_category_id else None)
        )
        out.append(
            {"name": line.label, "occurrences": line.count, "lost": _r(line.lost), "problems": problems,
             "codes": line.detail}
        )  # fmt: skip
    out.sort(key=lambda t: (-t["occurrences"], -t["problems"], t["name"]))
    return out


# --- time-boxed campaigns (限时行动) ---------------------------------------------------------------------------


def campaigns_of(spec: Spec, now) -> list[dict]:
    """Every campaign whose period overlaps the bulletin's, as of the end of the bulletin's period (or today when
    the period is not over): the sentence, the targets and goals, and the daily progress of the days inside the
    bulletin's period (cumulative from the campaign's start). docs/domain-rules.md §10, "In bulletins"."""
    first, last = spec.window.first_day, spec.window.last_day
    as_of = min(last, timezone.localdate(now))
    out = []
    campaigns = (
        Campaign.objects.filter(start_date__lte=as_of, end_date__gte=first)
        .prefetch_related("categories", "points")
        .order_by("start_date", "pk")
    )
    for campaign in campaigns:
        progress = campaign_progress(campaign, as_of=as_of)
        final = progress.last

        def goal(value):
            return shown(value) if value is not None else ""

        def met(flag):
            return None if flag is None else bool(flag)

        out.append(
            {
                "name": campaign.name,
                "kind": campaign.get_kind_display(),
                "start": str(campaign.start_date),
                "end": str(campaign.end_date),
                "as_of": str(final.date) if final else str(as_of),
                "categories": [c.name for c in campaign.categories.all()] or [_("全部类别")],
                "points": len(campaign.points.all()),
                "goal_close_rate": goal(campaign.goal_close_rate),
                "goal_compliance_rate": goal(campaign.goal_compliance_rate),
                "close_goal_met": met(progress.close_goal_met),
                "compliance_goal_met": met(progress.compliance_goal_met),
                "summary": progress_sentence(progress),
                "days": [
                    {
                        "date": str(d.date), "new": d.new, "found": d.found, "closed": d.closed,
                        "close_rate": d.close_rate_shown, "applicable": d.applicable, "compliant": d.compliant,
                        "compliance_rate": d.compliance_rate_shown,
                    }
                    for d in progress.days
                    if d.date >= first
                ],
            }
        )  # fmt: skip
    return out


# --- the whole snapshot ----------------------------------------------------------------------------------------


def _counts_by(rows: list[dict], key: str, empty: str) -> list[dict]:
    counter = Counter(r[key] or empty for r in rows)
    return [{"label": k, "count": v} for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def _points_summary(results: list[PointResult]) -> dict:
    from wenming.standards.models import PointType as PT

    names = dict(PT.objects.filter(pk__in={r.type_id for r in results}).values_list("pk", "name"))
    by_type: dict = defaultdict(lambda: [0, 0])
    for r in results:
        by_type[r.type_id][0] += 1
        by_type[r.type_id][1] += 1 if r.passed else 0
    passed = sum(1 for r in results if r.passed)
    scores = [r.score for r in results if r.score is not None]
    return {
        "inspected": len(results),
        "passed": passed,
        "pass_rate": _r(passed / len(results), 4) if results else None,
        "mean_score": _r(sum(scores) / len(scores)) if scores else None,
        "by_type": [
            {"label": names.get(t, _("未分类")), "points": v[0], "passed": v[1]}
            for t, v in sorted(by_type.items(), key=lambda kv: (-kv[1][0], names.get(kv[0], "")))
        ],
    }


def previous_round(round_obj: Round) -> Round | None:
    return (
        Round.objects.filter(kind=round_obj.kind, period_end__lt=round_obj.period_start)
        .exclude(state=RoundState.DRAFT)
        .order_by("-period_end", "-pk")
        .first()
    )


def previous_figures(spec: Spec) -> dict | None:
    """Points, pass rate and problems of the comparable earlier period (or the same kind's previous round)."""
    if spec.round is not None:
        before = previous_round(spec.round)
        if before is None:
            return None
        prev = Spec(
            spec.kind, window_of_dates(before.period_start, before.period_end), before, spec.theme, spec.unit
        )
        label = before.name
    else:
        prev = Spec(spec.kind, previous_window(spec.window), None, spec.theme, spec.unit)
        label = prev.window.label
    summary = _points_summary(points_of(prev).results)
    return {
        "label": label,
        "points": summary["inspected"],
        "pass_rate": summary["pass_rate"],
        "problems": problem_cases(prev).count(),
    }


def _red_black(spec: Spec, rankings: dict, handling: dict, overdue_rows: list[dict]) -> dict:
    n = max(1, spec.top_n)

    def split(rows):
        ranked = [r for r in rows if r["rank"] is not None]
        red = ranked[:n]
        black = [r for r in reversed(ranked) if r not in red][:n]
        return red, black

    red_streets, black_streets = split(rankings["street"]["rows"])
    red_units, black_units = split(rankings["unit"]["rows"])
    overdue_by_unit = _counts_by(overdue_rows, "unit", _("（待派遣）"))[:n]
    return {
        "red_streets": red_streets,
        "black_streets": black_streets,
        "red_units": red_units,
        "black_units": black_units,
        "overdue_units": overdue_by_unit,
    }


def collect(spec: Spec, *, now=None, progress=None) -> dict:
    """The bulletin's snapshot. `progress(percent, stage)` is told about each step."""
    now = now or timezone.now()
    tell = progress or (lambda percent, stage: None)
    tell(2, _("统计测评点位"))
    points = points_of(spec)
    results = points.results
    if spec.unit is not None:
        results = [r for r in results if r.unit_id == spec.unit.pk]
    tell(4, _("汇总问题清单"))
    named = Named(timezone.localdate(now))
    cases = sorted(_with_rows(problem_cases(spec)), key=_row_order)
    problems = [problem_row(c, now, named=named) for c in cases]
    overdue = sorted(_with_rows(case_base(spec).overdue(now)), key=_row_order)
    overdue_rows = [problem_row(c, now, photos=False, named=named) for c in overdue]
    rebound_rows = [
        problem_row(c, now, photos=False, named=named)
        for c in sorted(_with_rows(rebound_cases(spec)), key=_row_order)
    ]
    tell(6, _("计算排名"))
    rankings = {str(d): ranking_of(spec, points, d) for d in RANK_DIMENSIONS}
    handling = unit_handling(spec, now)
    tell(8, _("统计易扣分点与上期对比"))
    point_ids = {r.point_id for r in results} if spec.unit is not None else None
    data = {
        "version": SCHEMA_VERSION,
        "kind": spec.kind,
        "period": {
            "code": spec.window.code, "start": str(spec.window.first_day), "end": str(spec.window.last_day),
            "label": spec.window.label,
        },
        "round": {"name": spec.round.name, "kind": spec.round.get_kind_display(), "frozen": points.frozen}
        if spec.round is not None else None,
        "theme": spec.theme.name if spec.theme is not None else "",
        "unit": spec.unit.name if spec.unit is not None else "",
        "generated_at": _local(now),
        "as_of": cn_date(timezone.localdate(now)),
        "points": _points_summary(results),
        "problems_total": len(problems),
        "problems_by_group": _counts_by(problems, "group", _("未归口专项组")),
        "problems_by_unit": _counts_by(problems, "unit", _("（待派遣）")),
        "problems_by_street": _counts_by(problems, "street", _("未划入街道")),
        "units_involved": len({r["unit"] for r in problems if r["unit"] and r["unit"] != _("（待派遣）")}),
        "streets_involved": len({r["street"] for r in problems if r["street"]}),
        "states": {
            "closed": sum(1 for c in cases if c.state == CaseState.CLOSED),
            "on_spot": sum(1 for c in cases if c.fixed_on_spot and c.state == CaseState.CLOSED),
            "open": sum(1 for c in cases if c.state != CaseState.CLOSED),
            "overdue": sum(1 for r in problems if r["overdue"]),
        },
        "previous": previous_figures(spec),
        "compliance": compliance_table(results),
        "rankings": rankings,
        "handling": handling,
        "problems": problems,
        "overdue": overdue_rows,
        "rebounds": rebound_rows,
        "themes": themes(spec, cases, point_ids),
        "campaigns": campaigns_of(spec, now),
        "photos": sum(len(r["before"]) + len(r["after"]) for r in problems),
        "recipient_unit_ids": sorted(
            {c.unit_id for c in cases if c.unit_id} | {c.street.unit_id for c in cases if c.street_id and c.street.unit_id}
        ),
    }  # fmt: skip
    if spec.kind == BulletinKind.WEEKLY:  # the forecast block (wenming.forecast): the latest cached run
        from wenming.forecast.services import bulletin_snapshot

        data["forecast"] = bulletin_snapshot()
    if spec.kind == BulletinKind.REDBLACK:
        data["redblack"] = _red_black(spec, rankings, handling, overdue_rows)
        black = {r["label"] for r in data["redblack"]["black_units"]}
        data["problems"] = [r for r in problems if r["unit"] in black]
    tell(10, _("数据已汇总"))
    return data


def data_hash(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
