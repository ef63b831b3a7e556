import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.core.sms_backends import FlakySmsBackend
from tests.factories import make_user
from wenming.core.choices import DeliveryChannel, DeliveryStatus
from wenming.core.models import Delivery, Notification
from wenming.core.notify import attempt_delivery, notify
from wenming.core.sms import LocmemSmsBackend
from wenming.core.tasks import retry_due_deliveries


@pytest.fixture
def flaky_sms(settings):
    settings.SMS_BACKEND = "tests.core.sms_backends.FlakySmsBackend"
    FlakySmsBackend.reset(failures=1)
    return FlakySmsBackend


def test_notify_fills_the_inbox_and_mails_after_commit(
    db, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://wenming.example.gov.cn"
    alice = make_user("unit_handler", email="alice@example.gov.cn")
    bob = make_user("unit_handler", email="bob@example.gov.cn")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notes = notify(
            [alice, bob, alice],
            kind="case.dispatched",
            title="新案件待签收",
            body="HL-2025-000001",
            url="/cases/1/",
            channels=["email"],
        )
        assert mailoutbox == []  # nothing leaves before the commit

    assert len(callbacks) == 1
    assert [n.recipient for n in notes] == [alice, bob]
    assert Notification.objects.filter(kind="case.dispatched", read_at__isnull=True).count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.gov.cn", "bob@example.gov.cn"]
    assert mailoutbox[0].subject == "新案件待签收"
    assert mailoutbox[0].body == "HL-2025-000001\n\nhttps://wenming.example.gov.cn/cases/1/"
    assert set(Delivery.objects.values_list("status", "attempts", "channel")) == {
        (DeliveryStatus.SENT, 1, DeliveryChannel.EMAIL)
    }


def test_a_rolled_back_transaction_sends_nothing(db, mailoutbox, django_capture_on_commit_callbacks):
    alice = make_user("unit_handler", email="alice@example.gov.cn", phone="13800000000")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify([alice], kind="case.dispatched", title="新案件", channels=["email", "sms"])
            raise RuntimeError("the dispatch failed")

    assert callbacks == []
    assert mailoutbox == []
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0


def test_inbox_only_notifications_need_no_task(db, django_capture_on_commit_callbacks):
    alice = make_user("office")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify([alice], kind="bulletin.issued", title="第 12 期通报已签发")
    assert callbacks == []
    assert Notification.objects.get().title == "第 12 期通报已签发"


def test_sms_failure_is_retried_with_backoff_and_visible(db, flaky_sms, django_capture_on_commit_callbacks):
    alice = make_user("unit_handler", phone="13800000000")
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], kind="case.overdue", title="案件已超期", url="/cases/1/", channels=["sms"])

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error == "SmsError: 短信网关超时"
    assert before + datetime.timedelta(seconds=60) <= delivery.next_attempt_at
    assert delivery.next_attempt_at <= timezone.now() + datetime.timedelta(seconds=60)

    retry_due_deliveries.enqueue()  # not due yet: nothing happens
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, flaky_sms.calls) == (DeliveryStatus.PENDING, 1, 1)

    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    retry_due_deliveries.enqueue()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")
    assert delivery.address == "13800000000"
    assert flaky_sms.sent == [("13800000000", "案件已超期 http://127.0.0.1:8000/cases/1/")]


def test_a_delivery_that_keeps_failing_ends_failed_and_shows_on_the_admin_page(
    db, flaky_sms, settings, client, django_capture_on_commit_callbacks
):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    flaky_sms.reset(failures=99)
    alice = make_user("unit_handler", phone="13800000000")
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], kind="case.overdue", title="案件已超期", channels=["sms"])

    for _ in range(5):
        Delivery.objects.pending().update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
        retry_due_deliveries.enqueue()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 3, None)
    assert flaky_sms.calls == 3

    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    html = client.get(reverse("admin:core_delivery_changelist")).content.decode()
    assert "发送失败" in html and "SmsError: 短信网关超时" in html
    html = client.get(
        reverse("admin:core_notification_change", args=[delivery.notification_id])
    ).content.decode()
    assert "发送失败" in html and "SmsError: 短信网关超时" in html


def test_the_admin_can_retry_a_failed_delivery(db, flaky_sms, client, django_capture_on_commit_callbacks):
    flaky_sms.reset(failures=99)
    alice = make_user("unit_handler", phone="13800000000")
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], kind="x", title="提醒", channels=["sms"])
    Delivery.objects.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
    flaky_sms.reset(failures=0)

    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:core_delivery_changelist"),
            {"action": "retry_now", "_selected_action": [Delivery.objects.get().pk]},
        )
    assert response.status_code == 302
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert flaky_sms.sent == [("13800000000", "提醒")]


def test_a_recipient_without_an_address_fails_at_once(db, mailoutbox, django_capture_on_commit_callbacks):
    alice = make_user("unit_handler", email="", phone="")
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], kind="x", title="提醒", channels=["email", "sms"])
    assert sorted(Delivery.objects.values_list("channel", "status", "attempts", "last_error")) == [
        ("email", "failed", 1, "收件人未设置电子邮箱"),
        ("sms", "failed", 1, "收件人未设置手机号"),
    ]
    assert mailoutbox == []


def test_two_workers_never_send_the_same_attempt(db, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "wenming.core.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox = []
    alice = make_user("unit_handler", phone="13800000000")
    notify([alice], kind="x", title="提醒", channels=["sms"])  # on_commit not run: still pending
    delivery = Delivery.objects.get()
    now = timezone.now()

    assert attempt_delivery(delivery.pk, now) == DeliveryStatus.SENT
    assert attempt_delivery(delivery.pk, now) is None
    assert LocmemSmsBackend.outbox == [("13800000000", "提醒")]


def test_notify_refuses_unknown_channels_and_empty_titles(db):
    alice = make_user("office")
    with pytest.raises(ValueError):
        notify([alice], kind="x", title="提醒", channels=["fax"])
    with pytest.raises(ValueError):
        notify([alice], kind="x", title="  ")
    assert Notification.objects.count() == 0


def test_inactive_users_get_nothing(db):
    gone = make_user("office", is_active=False)
    assert notify([gone], kind="x", title="提醒") == []
    assert Notification.objects.count() == 0
