"""Business reads for citizen participation, named after states; every office list starts from `restrict()`."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from wenming.accounts.choices import Role
from wenming.core import roles
from wenming.core.appendonly import AppendOnlyQuerySet
from wenming.core.policy import (
    OFFICE,
    SEES_ALL,
    Policy,
    RestrictedQuerySet,
    areas,
    everything,
    holds,
    rows,
    through,
)
from wenming.participation.choices import LINKED_STATES, PUBLIC_REPORT_EVENTS, ReportState

MERGE_DEPTH = 5  # merge chains followed in SQL (public.MAX_CHAIN in Python; real chains are 1–2 long)
AREA_ROLES = frozenset({Role.STREET, Role.COMMUNITY, Role.GRID})


def can_see_contact(user) -> bool:
    """Reporter name/phone/e-mail: the office (and admin) call reporters back; nobody else needs them."""
    return roles.is_office(user)


def can_triage(user) -> bool:
    return roles.is_office(user)


class ReportQuerySet(RestrictedQuerySet):
    # Office/admin: all (and only they change); leader/auditor: read all; street/community/grid staff: read
    # the reports in their area subtrees; everyone else nothing.
    policy = Policy(
        view=[everything(SEES_ALL), rows(areas("area_id"), who=holds(*AREA_ROLES))],
        otherwise=[everything(SEES_ALL)],
    )

    def pending(self):
        """The triage queue (待审核)."""
        return self.filter(state=ReportState.PENDING)

    def linked(self):
        """Accepted or merged: a case carries the report."""
        return self.filter(state__in=LINKED_STATES)

    def not_spam(self):
        return self.exclude(state=ReportState.SPAM)

    def public(self):
        """What the public pages, the public exports and Open311 `GET requests` may show: accepted reports
        (accepted or merged into a case — never pending, rejected or spam) whose category is public. The SQL
        side of `privacy.is_public`."""
        from wenming.standards.models import ProblemCategory

        hidden = ProblemCategory.objects.filter(Q(is_public=False) | Q(parent__is_public=False)).values("pk")
        return (
            self.filter(state__in=LINKED_STATES)
            .exclude(case__category__in=hidden)
            .exclude(case__isnull=True, category__in=hidden)
        )

    def open311_visible(self):
        """Not spam, public category: the base of the aggregated public figures (counts only, never rows)."""
        from wenming.standards.models import ProblemCategory

        hidden = ProblemCategory.objects.filter(Q(is_public=False) | Q(parent__is_public=False)).values("pk")
        return (
            self.not_spam().exclude(case__category__in=hidden).exclude(case__isnull=True, category__in=hidden)
        )

    def open311_status(self, wanted: set[str]):
        """Open311 `status=open|closed` in SQL, the same rule as `public.status_of` for public reports: closed
        when the effective case (the report's case, or the survivor a merged case points to, followed up to
        `MERGE_DEPTH` links) is closed or rejected; everything else public is open."""
        from wenming.cases.choices import CaseState

        if wanted >= {"open", "closed"}:
            return self
        closed_states = [CaseState.CLOSED, CaseState.REJECTED]
        closed = Q()
        prefix = "case"
        merged = Q()
        for _depth in range(MERGE_DEPTH):
            closed |= merged & Q(**{f"{prefix}__state__in": closed_states})
            merged &= Q(**{f"{prefix}__state": CaseState.MERGED})
            prefix += "__merged_into"
        if wanted == {"closed"}:
            return self.filter(closed)
        if wanted == {"open"}:
            return self.exclude(closed)
        return self.none()

    def submitted_between(self, start: datetime.datetime | None, end: datetime.datetime | None):
        qs = self
        if start is not None:
            qs = qs.filter(submitted_at__gte=start)
        if end is not None:
            qs = qs.filter(submitted_at__lte=end)
        return qs

    def recent(self, days: int, now: datetime.datetime | None = None):
        return self.filter(submitted_at__gte=(now or timezone.now()) - datetime.timedelta(days=days))

    def for_phone(self, phone: str):
        return self.filter(reporter_phone=phone) if phone else self.none()

    def with_list_related(self):
        return self.select_related(
            "category",
            "suggested_category",
            "street",
            "area",
            "case",
            "case__category",
            "case__unit",
            "suggested_unit",
        )


class ReportEventQuerySet(RestrictedQuerySet, AppendOnlyQuerySet):
    policy = Policy(view=[rows(through("report", "view", values=False))])

    def public(self):
        return self.filter(kind__in=PUBLIC_REPORT_EVENTS)


class PointsEntryQuerySet(AppendOnlyQuerySet):
    def for_phone(self, phone: str):
        return self.filter(phone=phone) if phone else self.none()

    def total(self) -> int:
        return self.aggregate(total=models.Sum("points"))["total"] or 0


class ClassifierModelQuerySet(RestrictedQuerySet):
    policy = Policy(otherwise=[everything(OFFICE)])

    def active(self):
        return self.filter(is_active=True)

    def current(self):
        """The model that answers predictions: the newest active one."""
        return self.active().order_by("-created_at", "-id").first()


class Open311ClientQuerySet(RestrictedQuerySet):
    # API keys are the office's business only (issued, listed and revoked by admin/office).
    policy = Policy(otherwise=[everything(OFFICE)])

    def active(self):
        return self.filter(is_active=True, revoked_at__isnull=True)
