import datetime
import json

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_area, make_unit, make_user
from tests.permissions import assert_matrix
from wenming.core.models import Notification
from wenming.core.notify import notify


def make_note(user, title="新案件待签收", read=False, **kw) -> Notification:
    note = notify([user], kind="case.dispatched", title=title, **kw)[0]
    if read:
        Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
        note.refresh_from_db()
    return note


def test_inbox_permission_matrix(db):
    unit = make_unit()
    handler = make_user("unit_handler", unit=unit)
    street = make_user("street", area=make_area())
    office = make_user("office")
    assert_matrix(Client(), reverse("core:inbox"), {"anonymous": 302, handler: 200, street: 200, office: 200})


def test_nobody_sees_or_marks_another_users_notification(client, db):
    owner = make_user("unit_handler", unit=make_unit())
    other_handler = make_user("unit_handler", unit=make_unit())
    admin = make_user("admin", is_superuser=True, is_staff=True)
    note = make_note(owner, url="/cases/1/")
    open_url = reverse("core:notification_open", args=[note.pk])
    read_url = reverse("core:notification_read", args=[note.pk])

    assert_matrix(client, open_url, {"anonymous": 302, other_handler: 404, admin: 404, owner: 302})
    Notification.objects.filter(pk=note.pk).update(read_at=None)
    assert_matrix(client, read_url, {"anonymous": 302, other_handler: 404, admin: 404}, method="post")
    assert Notification.objects.get(pk=note.pk).read_at is None
    assert_matrix(client, read_url, {owner: 302}, method="post")
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_the_inbox_lists_only_my_messages_unread_first(client, db):
    me, someone = make_user("office"), make_user("office")
    old_unread = make_note(me, title="旧的未读")
    Notification.objects.filter(pk=old_unread.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    make_note(me, title="新的已读", read=True)
    make_note(me, title="新的未读")
    make_note(someone, title="别人的消息")
    client.force_login(me)

    response = client.get(reverse("core:inbox"))

    titles = [n.title for n in response.context["notifications"]]
    assert titles == ["新的未读", "旧的未读", "新的已读"]
    assert "别人的消息" not in response.content.decode()
    unread = client.get(reverse("core:inbox"), {"unread": "1"}).context["notifications"]
    assert [n.title for n in unread] == ["新的未读", "旧的未读"]


def test_the_inbox_is_paginated_with_bounded_queries(client, db, django_assert_max_num_queries):
    me = make_user("office")
    for i in range(45):
        make_note(me, title=f"消息{i}")
    client.force_login(me)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("core:inbox"), {"page": 3})
    assert response.status_code == 200
    assert len(response.context["notifications"]) == 5
    assert "共 45 条" in response.content.decode()


def test_an_empty_inbox_says_so(client, db):
    client.force_login(make_user("office"))
    html = client.get(reverse("core:inbox")).content.decode()
    assert "暂无消息" in html
    html = client.get(reverse("core:inbox"), {"unread": "1"}).content.decode()
    assert "没有未读消息" in html


def test_htmx_gets_only_the_table(client, db):
    me = make_user("office")
    make_note(me, title="只要表格")
    client.force_login(me)
    html = client.get(reverse("core:inbox"), headers={"HX-Request": "true"}).content.decode()
    assert "只要表格" in html
    assert "<html" not in html


def test_marking_one_read_over_htmx_returns_the_row_and_the_new_count(client, db):
    me = make_user("office")
    first, _second = make_note(me, title="第一条"), make_note(me, title="第二条")
    client.force_login(me)

    response = client.post(reverse("core:notification_read", args=[first.pk]), headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="notification-{first.pk}" class="is-read">')
    assert "已读" in html and "第二条" not in html
    assert json.loads(response["HX-Trigger"]) == {"wenming:unread": {"count": 1}}
    assert Notification.objects.get(pk=first.pk).read_at is not None


def test_mark_all_read(client, db):
    me, someone = make_user("office"), make_user("office")
    make_note(me), make_note(me)
    theirs = make_note(someone)
    client.force_login(me)

    response = client.post(reverse("core:inbox_read_all"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"wenming:unread": {"count": 0}}
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.post(reverse("core:inbox_read_all")).status_code == 302
    assert client.get(reverse("core:inbox_read_all")).status_code == 405


def test_opening_a_message_marks_it_read_and_follows_only_local_links(client, db):
    me = make_user("office")
    local = make_note(me, url="/cases/7/")
    evil = make_note(me, url="https://evil.example.com/")
    client.force_login(me)

    assert client.get(reverse("core:notification_open", args=[local.pk]))["Location"] == "/cases/7/"
    assert client.get(reverse("core:notification_open", args=[evil.pk]))["Location"] == reverse("core:inbox")
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 0


def test_the_unread_count_is_one_lazy_count_query(rf, db, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from wenming.core.context_processors import _unread_count

    me = make_user("office")
    make_note(me), make_note(me), make_note(me, read=True)
    request = rf.get("/")
    request.user = me
    value = _unread_count(request)
    with django_assert_num_queries(1):
        assert value == 2
        assert str(value) == "2"
        assert bool(value) is True
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert _unread_count(request) == 0
