"""Workbench widgets of bulletins, appraisal and the leadership view on the home page, per role."""

import datetime

from django.urls import reverse

from tests.bulletins.helpers import NOW
from wenming.bulletins import appraisal, services
from wenming.bulletins.choices import BulletinKind, BulletinState
from wenming.bulletins.models import AppraisalScheme, Bulletin
from wenming.dashboard.models import TestDate as DateOfTest


def _home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("dashboard:home")).content.decode()


def test_leader_sees_bulletins_to_sign_and_the_countdown(client, ds):
    b = services.create_bulletin(actor=ds.office, kind=BulletinKind.MONTHLY, period_code="2026-10")
    Bulletin.objects.filter(pk=b.pk).update(data={"x": 1}, state=BulletinState.REVIEW)
    DateOfTest.objects.create(name="国测", date=datetime.date.today() + datetime.timedelta(days=30))
    body = _home(client, ds.leader)
    assert 'id="widget-bulletins-todo"' in body and b.title in body
    assert 'id="widget-countdown"' in body and "<strong>30</strong>" in body
    assert 'id="widget-bulletins-todo"' not in _home(client, ds.handler_u1)


def test_unit_sees_the_bulletins_sent_to_it_and_its_result(client, ds):
    b = services.create_bulletin(
        actor=ds.office, kind=BulletinKind.MONTHLY, period_code="2026-10", recipients=[ds.u1]
    )
    Bulletin.objects.filter(pk=b.pk).update(data={"x": 1}, state=BulletinState.SIGNED)
    services.transition_bulletin(actor=ds.office, bulletin=b, action="publish")
    appraisal.ensure_template_schemes()
    run = appraisal.run_appraisal(actor=ds.office, scheme=AppraisalScheme.objects.get(template_key="unit_handling"),
                                  period_code="2026-10", now=NOW)  # fmt: skip
    appraisal.publish_run(actor=ds.office, run=run)
    body = _home(client, ds.handler_u1)
    assert 'id="widget-my-bulletins"' in body and b.title in body and "53.33" in body
    other = _home(client, ds.handler_u2)
    assert b.title not in other and "区交通局 30" in other
    assert 'id="widget-countdown"' not in body
