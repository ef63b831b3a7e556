"""The demo step: ≥ 150 citizen reports in every triage outcome, one Open311 client; idempotent."""

import io
from collections import Counter

import pytest

from tests.factories import make_point
from tests.participation.helpers import local
from wenming.cases.choices import CaseSource
from wenming.cases.models import Case
from wenming.demo.context import DemoContext
from wenming.demo.participation import CLIENT_NAME, load_participation
from wenming.participation.choices import ReportState
from wenming.participation.models import Open311Client, Report

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_load_participation_makes_a_realistic_queue_and_is_idempotent(world):
    world.office.is_demo = True
    world.office.save()
    for i in range(24):
        make_point(name=f"东渡路{i + 1}号", lat=24.5035 + 0.0005 * i, lon=118.1035 + 0.0004 * (i % 7),
                   area=world.community)  # fmt: skip
    ctx = DemoContext(seed=7, stdout=io.StringIO())
    ctx.extra["cases_now"] = local(2026, 11, 20, 16, 0)
    ctx.reseed("load_participation")
    load_participation(ctx)
    states = Counter(Report.objects.values_list("state", flat=True))
    assert sum(states.values()) >= 150
    assert set(states) == set(ReportState.values)
    assert states[ReportState.ACCEPTED] > sum(states.values()) / 2
    assert Report.objects.filter(state=ReportState.PENDING, duplicate_count__gt=0).exists()
    assert Open311Client.objects.filter(name=CLIENT_NAME).count() == 1
    assert Case.objects.filter(source=CaseSource.CITIZEN).count() == states[ReportState.ACCEPTED]
    assert Case.objects.filter(source=CaseSource.CITIZEN, state="closed").exists()
    assert Report.objects.filter(disputes__gt=0).exists()  # a reporter disputed a fix: the case reopened
    assert Report.objects.filter(rated_at__isnull=False).exists()
    before = (Report.objects.count(), Case.objects.count())
    ctx.reseed("load_participation")
    load_participation(ctx)
    assert (Report.objects.count(), Case.objects.count()) == before
    assert "demo reports already loaded" in ctx.stdout.getvalue()
