"""Models of the dashboard app: the test dates the leadership view counts down to."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from wenming.core.models import TimeStampedModel
from wenming.core.policy import OFFICE, SIGNED_IN, Policy, RestrictedQuerySet, everything


class TestDateQuerySet(RestrictedQuerySet):
    # Every signed-in user may read the dates; only admin and office set them.
    policy = Policy(view=[everything(SIGNED_IN)], otherwise=[everything(OFFICE)])

    def upcoming(self, today: datetime.date | None = None):
        return self.filter(date__gte=today or timezone.localdate()).order_by("date", "pk")


class TestDate(TimeStampedModel):
    """A date the city expects to be tested (测评日期), e.g. the national annual test: the countdown's target."""

    name = models.CharField(_("名称"), max_length=120, help_text=_("如：2026年全国文明城市年度测评"))
    date = models.DateField(_("测评日期"))
    note = models.CharField(_("备注"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = TestDateQuerySet.as_manager()

    class Meta:
        verbose_name = _("测评日期")
        verbose_name_plural = _("测评日期")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
