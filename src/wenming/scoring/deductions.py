"""易扣分点 (frequent deductions): which criteria, categories and themes lose the most points and most often,
and the weekly "clear to zero" (清零) tracking of the themes.

Sources: a closed round reads the losses frozen in its snapshot; an open round is scored live (latest
inspection per point, as its ranking); a period scores every inspection submitted in it (a point patrolled
every week counts every week — "most often" is about occurrences).
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.roles import is_reader
from wenming.geo.models import Point
from wenming.inspections.models import Inspection, Round
from wenming.scoring import live
from wenming.scoring.engine import pareto
from wenming.scoring.figures import frozen_snapshot
from wenming.scoring.models import DeductionTheme, ScoreSnapshot, SnapshotLoss
from wenming.standards.models import Criterion, ProblemCategory

# --- periods -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A date range (local dates, both ends included) with the text it was given as."""

    start: datetime.date
    end: datetime.date
    text: str

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d} — {self.end:%Y-%m-%d}"


PERIOD_HELP = "2026、2026-Q2、2026-05、2026-W18 或 2026-05-01..2026-05-31"
MAX_PERIOD_DAYS = 366 * 3


class PeriodError(ValueError):
    """A period that cannot be read; the message is Chinese."""


def parse_period(text: str) -> Period:
    """Parse a year, quarter, month, ISO week or explicit date range; a PeriodError explains in Chinese."""
    raw = (text or "").strip()
    try:
        period = _parse_period(raw.upper(), raw)
    except PeriodError:
        raise
    except ValueError as exc:  # an impossible date such as 2026-13 or week 60
        raise PeriodError(_("统计期「%(text)s」不是有效日期。") % {"text": raw}) from exc
    if period is None:
        raise PeriodError(
            _("无法识别的统计期「%(text)s」，请使用：%(help)s") % {"text": raw, "help": PERIOD_HELP}
        )
    if period.end < period.start:
        raise PeriodError(_("结束日期不能早于开始日期。"))
    if (period.end - period.start).days > MAX_PERIOD_DAYS:
        raise PeriodError(_("统计期最长三年。"))
    return period


def _parse_period(value: str, raw: str) -> Period | None:
    if m := re.fullmatch(r"(\d{4})", value):
        y = int(m[1])
        return Period(datetime.date(y, 1, 1), datetime.date(y, 12, 31), raw)
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", value):
        y, q = int(m[1]), int(m[2])
        end_month = 3 * q
        return Period(
            datetime.date(y, end_month - 2, 1),
            datetime.date(y, end_month, calendar.monthrange(y, end_month)[1]),
            raw,
        )
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
        y, mo = int(m[1]), int(m[2])
        return Period(datetime.date(y, mo, 1), datetime.date(y, mo, calendar.monthrange(y, mo)[1]), raw)
    if m := re.fullmatch(r"(\d{4})-?W(\d{1,2})", value):
        monday = datetime.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return Period(monday, monday + datetime.timedelta(days=6), raw)
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|—|至)\s*(\d{4}-\d{2}-\d{2})", value):
        return Period(datetime.date.fromisoformat(m[1]), datetime.date.fromisoformat(m[2]), raw)
    return None


def recent_weeks(weeks: int = 12, today: datetime.date | None = None) -> Period:
    """The last `weeks` ISO weeks up to and including the current one."""
    today = today or timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    start = monday - datetime.timedelta(weeks=weeks - 1)
    return Period(start, monday + datetime.timedelta(days=6), f"{start:%Y-%m-%d}..{monday:%Y-%m-%d}")


def inspections_in(period: Period):
    return Inspection.objects.filter(submitted_at__date__gte=period.start, submitted_at__date__lte=period.end)


# --- losses ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loss:
    """A criterion not fully compliant at one inspection: the atom every 易扣分点 figure adds up."""

    inspection_id: int
    point_id: int
    criterion_id: int
    category_code: str
    lost: float
    problems: int
    grade_letter: str


@dataclass
class LossSet:
    losses: list[Loss]
    inspections: int
    snapshot: ScoreSnapshot | None = None
    parents: dict[str, str | None] = field(default_factory=dict)  # category code → parent code


def _category_parents() -> dict[str, str | None]:
    cats = dict(ProblemCategory.objects.values_list("pk", "code"))
    return {
        code: cats.get(parent) for code, parent in ProblemCategory.objects.values_list("code", "parent_id")
    }


def _losses_from(scored: live.Scored) -> list[Loss]:
    out = []
    for ref in scored.inspections:
        for cid, g in scored.scores[ref.id].grades.items():
            if g.applicable and (not g.compliant or g.lost > 0):
                out.append(
                    Loss(
                        inspection_id=ref.id,
                        point_id=ref.point_id,
                        criterion_id=cid,
                        category_code=scored.criteria[cid].category or "",
                        lost=g.lost,
                        problems=g.problems,
                        grade_letter=g.grade_letter or "",
                    )
                )
    return out


def losses_of_round(round_obj: Round) -> LossSet:
    snapshot = frozen_snapshot(round_obj)
    if snapshot is not None:
        rows = SnapshotLoss.objects.filter(snapshot=snapshot).values_list(
            "snapshot_point__inspection_id",
            "snapshot_point__point_id",
            "criterion_id",
            "category_code",
            "lost",
            "problems",
            "grade_letter",
        )
        losses = [Loss(*row) for row in rows]
        return LossSet(losses, snapshot.points + snapshot.unassessed, snapshot, _category_parents())
    scored = live.score_round(round_obj.pk)
    return LossSet(_losses_from(scored), len(scored.inspections), None, scored.categories)


def losses_of_period(period: Period) -> LossSet:
    scored = live.score_inspections(live.inspection_refs(inspections_in(period)))
    return LossSet(
        _losses_from(scored), len(scored.inspections), None, scored.categories or _category_parents()
    )


# --- Pareto tables ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParetoLine:
    key: str
    label: str
    detail: str
    lost: float
    count: int
    problems: int
    share: float
    cumulative_share: float
    vital: bool


@dataclass
class ParetoView:
    by_criterion: list[ParetoLine]
    by_category: list[ParetoLine]
    by_theme: list[ParetoLine]
    total_lost: float
    total_count: int
    inspections: int
    snapshot: ScoreSnapshot | None


def _sum(losses, key_of) -> tuple[dict, dict, dict]:
    lost: dict[str, float] = {}
    count: dict[str, int] = {}
    problems: dict[str, int] = {}
    for loss in losses:
        for key in key_of(loss):
            lost[key] = lost.get(key, 0.0) + loss.lost
            count[key] = count.get(key, 0) + 1
            problems[key] = problems.get(key, 0) + loss.problems
    return lost, count, problems


def _lines(lost, count, problems, labels, details, keep_zero=()) -> list[ParetoLine]:
    rows = pareto(lost, counts=count)
    out = [
        ParetoLine(
            key=str(r.key),
            label=labels.get(r.key, str(r.key)),
            detail=details.get(r.key, ""),
            lost=r.value,
            count=count.get(r.key, 0),
            problems=problems.get(r.key, 0),
            share=r.share,
            cumulative_share=r.cumulative_share,
            vital=r.vital,
        )
        for r in rows
    ]
    shown = {line.key for line in out}
    # Non-compliances that cost no points (e.g. zero-weight items), then keys kept visible at zero.
    for key in sorted((k for k in count if k not in shown), key=lambda k: -count[k]):
        out.append(
            ParetoLine(
                key, labels.get(key, key), details.get(key, ""), 0.0, count[key], problems[key], 0, 0, False
            )
        )
        shown.add(key)
    for key in keep_zero:
        if key not in shown:
            out.append(
                ParetoLine(key, labels.get(key, key), details.get(key, ""), 0.0, 0, 0, 0.0, 0.0, False)
            )
    return out


def theme_keys(themes: list[DeductionTheme], parents: dict[str, str | None]):
    """A function giving the theme ids (as strings) a loss belongs to."""

    def keys(loss: Loss) -> list[str]:
        parent = parents.get(loss.category_code)
        return [str(t.pk) for t in themes if t.matches(loss.category_code, parent)]

    return keys


def pareto_view(loss_set: LossSet) -> ParetoView:
    losses = loss_set.losses
    criteria = {
        pk: (code, text, cat)
        for pk, code, text, cat in Criterion.objects.filter(
            pk__in={x.criterion_id for x in losses}
        ).values_list("pk", "code", "text", "category__name")
    }
    lost, count, problems = _sum(losses, lambda x: [str(x.criterion_id)])
    by_criterion = _lines(
        lost,
        count,
        problems,
        {str(k): f"{v[0]} {v[1][:60]}" for k, v in criteria.items()},
        {str(k): v[2] or "" for k, v in criteria.items()},
    )
    cat_names = dict(ProblemCategory.objects.values_list("code", "name"))
    lost, count, problems = _sum(losses, lambda x: [x.category_code or "—"])
    by_category = _lines(
        lost, count, problems, {k: cat_names.get(k, _("未分类")) for k in lost | count}, {k: k for k in lost}
    )
    themes = list(DeductionTheme.objects.active())
    lost, count, problems = _sum(losses, theme_keys(themes, loss_set.parents))
    by_theme = _lines(
        lost,
        count,
        problems,
        {str(t.pk): t.name for t in themes},
        {str(t.pk): "、".join(t.category_codes) for t in themes},
        keep_zero=[str(t.pk) for t in themes],
    )
    return ParetoView(
        by_criterion=by_criterion,
        by_category=by_category,
        by_theme=by_theme,
        total_lost=sum(x.lost for x in losses),
        total_count=len(losses),
        inspections=loss_set.inspections,
        snapshot=loss_set.snapshot,
    )


# --- the records behind one Pareto line --------------------------------------------------------------------


@dataclass(frozen=True)
class LossRow:
    loss: Loss
    point_code: str
    point_name: str
    criterion: str
    submitted_at: datetime.datetime | None


def loss_rows(loss_set: LossSet, user, *, criterion=None, category=None, theme: DeductionTheme | None = None):
    """The losses behind a line (criterion id, category code or theme), limited to the user's point scope."""
    keep = loss_set.losses
    if criterion:
        keep = [x for x in keep if x.criterion_id == int(criterion)]
    if category:
        keep = [x for x in keep if (x.category_code or "—") == category]
    if theme is not None:
        keys = theme_keys([theme], loss_set.parents)
        keep = [x for x in keep if keys(x)]
    allowed = _allowed_points(user, {x.point_id for x in keep})
    keep = [x for x in keep if x.point_id in allowed]
    points = dict(Point.objects.filter(pk__in={x.point_id for x in keep}).values_list("pk", "code"))
    names = dict(Point.objects.filter(pk__in={x.point_id for x in keep}).values_list("pk", "name"))
    crit = dict(Criterion.objects.filter(pk__in={x.criterion_id for x in keep}).values_list("pk", "code"))
    when = dict(
        Inspection.objects.filter(pk__in={x.inspection_id for x in keep}).values_list("pk", "submitted_at")
    )
    rows = [
        LossRow(
            x,
            points.get(x.point_id, ""),
            names.get(x.point_id, ""),
            crit.get(x.criterion_id, ""),
            when.get(x.inspection_id),
        )
        for x in keep
    ]
    rows.sort(key=lambda r: (-r.loss.lost, r.point_code))
    return rows


def _allowed_points(user, ids: set[int]) -> set[int]:
    if is_reader(user) or user.scope().sees_all_points:
        return ids
    return set(Point.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True))


# --- clear to zero (清零) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    iso_year: int
    week: int
    monday: datetime.date

    @property
    def label(self) -> str:
        return f"{self.iso_year}-W{self.week:02d}"


@dataclass
class ThemeTrack:
    theme: DeductionTheme
    cells: list[tuple[int, int]]  # per week: (checked, non-compliant)
    zero_streak: int  # consecutive inspected weeks at the end with no non-compliance
    last_count: int | None  # non-compliances in the last inspected week (None: never inspected)

    @property
    def cleared(self) -> bool:
        return self.last_count == 0

    @property
    def total(self) -> int:
        return sum(bad for _, bad in self.cells)


def weeks_of(period: Period) -> list[Week]:
    monday = period.start - datetime.timedelta(days=period.start.weekday())
    out = []
    while monday <= period.end:
        y, w, _ = monday.isocalendar()
        out.append(Week(y, w, monday))
        monday += datetime.timedelta(weeks=1)
    return out


def theme_tracks(period: Period) -> tuple[list[Week], list[ThemeTrack]]:
    """Per theme and ISO week: criteria checked and found non-compliant (a grade, not an observation, per
    inspection and criterion — the same atoms as the Pareto table)."""
    weeks = weeks_of(period)
    index = {(w.iso_year, w.week): i for i, w in enumerate(weeks)}
    refs = live.inspection_refs(inspections_in(period))
    scored = live.score_inspections(refs)
    parents = scored.categories or _category_parents()
    themes = list(DeductionTheme.objects.active())
    counts = {t.pk: [[0, 0] for _ in weeks] for t in themes}
    for ref in refs:
        local = timezone.localtime(ref.submitted_at)
        y, w, _ = local.isocalendar()
        i = index.get((y, w))
        if i is None:
            continue
        for cid, g in scored.scores[ref.id].grades.items():
            if not g.applicable:
                continue
            code = scored.criteria[cid].category
            for t in themes:
                if t.matches(code, parents.get(code or "")):
                    counts[t.pk][i][0] += 1
                    counts[t.pk][i][1] += 0 if g.compliant else 1
    tracks = []
    for t in themes:
        cells = [(c, b) for c, b in counts[t.pk]]
        inspected = [b for c, b in cells if c > 0]
        streak = 0
        for bad in reversed(inspected):
            if bad:
                break
            streak += 1
        tracks.append(ThemeTrack(t, cells, streak, inspected[-1] if inspected else None))
    return weeks, tracks
