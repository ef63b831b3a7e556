"""Time-boxed campaigns (专项整治行动 / 迎检冲刺): daily progress from cases and observations.

Rule (docs/domain-rules.md, "限时行动"), for a campaign from S to E and each day d from S to min(E, as_of):

* **found(d)** = cases reported from S to d (local dates) in the target categories (a top-level category
  includes its subcategories; none = all) at the target points (none = anywhere), not rejected or merged by
  the end of d (a case rejected or merged later still counts on the days before: past days do not change);
* **closed(d)** = those of them whose case timeline, read up to the end of d, ends closed (a closing row,
  not undone by a later reopen on or before d). A case closed on day 3 and reopened on day 5 counts as closed
  on days 3–4 and open from day 5: past days do not change afterwards;
* **close rate(d)** = closed(d) ÷ found(d), shown with one decimal (percent); none when nothing is found;
* **applicable(d) / compliant(d)** = observations submitted from S to d at the target points, whose criterion's
  problem category is a target (none = all), not 不适用 / of them 符合; **compliance rate(d)** = compliant ÷
  applicable, one decimal;
* a goal is **met** when the last day's rate ≥ the goal (compared unrounded).

`campaign_progress(campaign, as_of=…)` returns the days; `campaign_summary(campaign, as_of=…)` is the sentence
a bulletin prints.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.cases.choices import CaseState, EventKind
from wenming.cases.models import Case, CaseEvent
from wenming.inspections.choices import ObservationResult
from wenming.inspections.models import Campaign, Observation

_ONE_DAY = datetime.timedelta(days=1)
_HUNDRED = Decimal(100)


def rate(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage, unrounded; None when whole is 0."""
    return None if not whole else Decimal(part) * _HUNDRED / Decimal(whole)


def shown(value: Decimal | None) -> str:
    """A rate as printed: one decimal, half up (93.75 → 93.8)."""
    return "—" if value is None else f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


@dataclass(frozen=True)
class DayProgress:
    date: datetime.date
    found: int
    closed: int
    new: int
    applicable: int
    compliant: int

    @property
    def close_rate(self) -> Decimal | None:
        return rate(self.closed, self.found)

    @property
    def compliance_rate(self) -> Decimal | None:
        return rate(self.compliant, self.applicable)

    @property
    def close_rate_shown(self) -> str:
        return shown(self.close_rate)

    @property
    def compliance_rate_shown(self) -> str:
        return shown(self.compliance_rate)


@dataclass(frozen=True)
class CampaignProgress:
    campaign: Campaign
    as_of: datetime.date
    days: list[DayProgress]

    @property
    def last(self) -> DayProgress | None:
        return self.days[-1] if self.days else None

    def _met(self, goal, value) -> bool | None:
        if goal is None or self.last is None or value is None:
            return None
        return value >= goal

    @property
    def close_goal_met(self) -> bool | None:
        return self._met(self.campaign.goal_close_rate, self.last and self.last.close_rate)

    @property
    def compliance_goal_met(self) -> bool | None:
        return self._met(self.campaign.goal_compliance_rate, self.last and self.last.compliance_rate)


def _category_q(campaign: Campaign, field: str) -> Q:
    ids = list(campaign.categories.values_list("pk", flat=True))
    if not ids:
        return Q()
    return Q(**{f"{field}__in": ids}) | Q(**{f"{field}__parent__in": ids})


def _bounds(day: datetime.date) -> datetime.datetime:
    """The start of `day` in local time (aware)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


GONE = (CaseState.REJECTED, CaseState.MERGED)


def campaign_cases(campaign: Campaign, *, with_gone: bool = False):
    """The campaign's cases; without `with_gone`, those rejected or merged now are left out."""
    cases = Case.objects.filter(
        _category_q(campaign, "category"),
        reported_at__gte=_bounds(campaign.start_date),
        reported_at__lt=_bounds(campaign.end_date + _ONE_DAY),
    )
    if not with_gone:
        cases = cases.exclude(state__in=GONE)
    point_ids = list(campaign.points.values_list("pk", flat=True))
    if point_ids:
        cases = cases.filter(point_id__in=point_ids)
    return cases


def campaign_observations(campaign: Campaign):
    observations = Observation.objects.filter(
        _category_q(campaign, "criterion__category"),
        inspection__submitted_at__gte=_bounds(campaign.start_date),
        inspection__submitted_at__lt=_bounds(campaign.end_date + _ONE_DAY),
    ).exclude(result=ObservationResult.NA)
    point_ids = list(campaign.points.values_list("pk", flat=True))
    if point_ids:
        observations = observations.filter(inspection__point_id__in=point_ids)
    return observations


def campaign_progress(campaign: Campaign, *, as_of: datetime.date | None = None) -> CampaignProgress:
    """Day-by-day progress from the campaign's start to min(end, as_of) (see the module docstring)."""
    as_of = as_of or timezone.localdate()
    last = min(campaign.end_date, as_of)
    reported = {
        pk: timezone.localtime(at).date()
        for pk, at in campaign_cases(campaign, with_gone=True).values_list("pk", "reported_at")
    }
    # rejected (不予立案) and merged (已合并) are final: the moment a case left the count
    gone: dict[int, datetime.datetime] = dict(
        CaseEvent.objects.filter(case_id__in=list(reported), to_state__in=GONE)
        .order_by("at", "pk")
        .values_list("case_id", "at")
    )
    timeline: dict[int, list[tuple[datetime.datetime, bool]]] = {}
    events = CaseEvent.objects.filter(case_id__in=list(reported)).filter(
        Q(to_state=CaseState.CLOSED) | Q(kind=EventKind.REOPENED)
    )
    for case_id, at, kind, to_state in events.values_list("case_id", "at", "kind", "to_state").order_by(
        "at", "pk"
    ):
        timeline.setdefault(case_id, []).append(
            (at, kind != EventKind.REOPENED and to_state == CaseState.CLOSED)
        )
    observations = [
        (timezone.localtime(at).date(), result == ObservationResult.COMPLIANT)
        for at, result in campaign_observations(campaign).values_list("inspection__submitted_at", "result")
    ]
    days: list[DayProgress] = []
    day = campaign.start_date
    while day <= last:
        end = _bounds(day + _ONE_DAY)
        found = [pk for pk, on in reported.items() if on <= day and not (pk in gone and gone[pk] < end)]
        closed = 0
        for pk in found:
            state = False
            for at, closes in timeline.get(pk, ()):
                if at >= end:
                    break
                state = closes
            closed += state
        seen = [ok for on, ok in observations if on <= day]
        days.append(
            DayProgress(
                date=day,
                found=len(found),
                closed=closed,
                new=sum(1 for pk in found if reported[pk] == day),
                applicable=len(seen),
                compliant=sum(seen),
            )  # fmt: skip
        )
        day += _ONE_DAY
    return CampaignProgress(campaign=campaign, as_of=as_of, days=days)


def campaign_summary(campaign: Campaign, *, as_of: datetime.date | None = None) -> str:
    """One sentence for a bulletin: period, problems found and closed, rates against goals."""
    return progress_sentence(campaign_progress(campaign, as_of=as_of))


def progress_sentence(progress: CampaignProgress) -> str:
    """The sentence of `campaign_summary` for progress already computed."""
    campaign = progress.campaign
    last = progress.last
    if last is None:
        return _("%(name)s（%(start)s 至 %(end)s）尚未开始。") % {
            "name": campaign.name, "start": campaign.start_date.isoformat(), "end": campaign.end_date.isoformat(),
        }  # fmt: skip
    text = _("%(name)s（%(start)s 至 %(end)s），截至 %(day)s 发现问题 %(found)s 个，已办结 %(closed)s 个，办结率 %(rate)s") % {
        "name": campaign.name, "start": campaign.start_date.isoformat(), "end": campaign.end_date.isoformat(),
        "day": last.date.isoformat(), "found": last.found, "closed": last.closed, "rate": last.close_rate_shown,
    }  # fmt: skip
    if campaign.goal_close_rate is not None:
        text += _("（目标 %(goal)s，%(met)s）") % {
            "goal": shown(campaign.goal_close_rate), "met": _("已达成") if progress.close_goal_met else _("未达成"),
        }  # fmt: skip
    text += _("；点位符合率 %(rate)s") % {"rate": last.compliance_rate_shown}
    if campaign.goal_compliance_rate is not None:
        text += _("（目标 %(goal)s，%(met)s）") % {
            "goal": shown(campaign.goal_compliance_rate),
            "met": _("已达成") if progress.compliance_goal_met else _("未达成"),
        }
    return text + "。"
