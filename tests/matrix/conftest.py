"""The matrix's world: the fuzzers' district plus one row of each kind the fuzz world lacks, so the pages about
them can be declared (a questionnaire, a training session for the first unit, a published example, a
notification for the street user, a test date, a duty in the grid)."""

import datetime

import pytest
from django.db import transaction
from django.test import override_settings

from tests.fuzz.world import build_world


def add_rows(world) -> None:
    from wenming.core.models import Notification
    from wenming.dashboard.models import TestDate
    from wenming.geo.models import Duty
    from wenming.standards.models import PointType
    from wenming.surveys.models import Example, Questionnaire, TrainingSession

    day = datetime.date(2026, 10, 1)
    session = TrainingSession.objects.create(topic="文明城市创建业务培训", date=day)
    session.audience_units.add(world.objects["bureau"])
    world.objects.update(
        questionnaire=Questionnaire.objects.create(title="市民满意度问卷"),
        session=session,
        example=Example.objects.create(point_type=PointType.objects.order_by("pk").first(), kind="right", title="门前三包示范"),
        notification=Notification.objects.create(recipient=world.users["street"], kind="case.dispatched", title="新案件"),
        test_date=TestDate.objects.create(name="2026年全国文明城市年度测评", date=day),
        duty=Duty.objects.create(person=world.objects["person"], post="grid_worker", area=world.objects["grid"], start_date=day),
    )  # fmt: skip


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(WENMING_TEST_NO_RATE_LIMIT=False):
        with transaction.atomic():
            world = build_world()
            add_rows(world)
            yield world
            transaction.set_rollback(True)
