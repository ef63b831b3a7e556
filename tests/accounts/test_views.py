import io

import pytest
from axes.models import AccessAttempt, AccessLog
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_unit, make_user
from tests.permissions import assert_matrix
from wenming.accounts.choices import Role
from wenming.accounts.models import Membership, User

pytestmark = pytest.mark.django_db

STRONG = "Qiang-Mima-2026"


@pytest.fixture
def admin():
    return make_user(Role.ADMIN, username="root-admin")


@pytest.fixture
def people():
    """The non-admin side of every matrix: a district-wide office user and a scoped unit handler."""
    return {"office": make_user(Role.OFFICE), "unit": make_user(Role.UNIT_HANDLER, unit=make_unit())}


def admin_pages(target: User, grant: Membership) -> list[str]:
    return [
        reverse("accounts:user_list"),
        reverse("accounts:user_export"),
        reverse("accounts:user_create"),
        reverse("accounts:user_detail", args=[target.pk]),
        reverse("accounts:user_edit", args=[target.pk]),
        reverse("accounts:user_password", args=[target.pk]),
        reverse("accounts:membership_grant", args=[target.pk]),
        reverse("accounts:membership_revoke", args=[target.pk, grant.pk]),
        reverse("accounts:auth_log"),
    ]


def test_admin_pages_matrix(client, admin, people):
    target = people["unit"]
    grant = target.memberships.get()
    for url in admin_pages(target, grant):
        assert_matrix(client, url, {"anonymous": 302, people["office"]: 403, target: 403, admin: 200})


def test_a_superuser_without_grants_is_an_admin(client):
    root = make_user(is_superuser=True)
    assert_matrix(client, reverse("accounts:user_list"), {root: 200})


def test_objects_that_do_not_exist_or_do_not_match_are_404(client, admin, people):
    target, other = people["unit"], people["office"]
    other_grant = other.memberships.get()
    for url in [
        reverse("accounts:user_detail", args=[999999]),
        reverse("accounts:user_edit", args=[999999]),
        reverse("accounts:user_password", args=[999999]),
        reverse("accounts:membership_grant", args=[999999]),
        # a grant of someone else under this user's URL
        reverse("accounts:membership_revoke", args=[target.pk, other_grant.pk]),
    ]:
        assert_matrix(client, url, {admin: 404})


def test_post_only_unlock_matrix(client, admin, people):
    url = reverse("accounts:auth_unlock")
    assert_matrix(
        client,
        url,
        {"anonymous": 302, people["office"]: 403, admin: 302},
        method="post",
        data={"username": "x"},
    )
    assert_matrix(client, url, {admin: 405})


def test_own_pages_matrix(client, admin, people):
    for url in [reverse("accounts:profile"), reverse("accounts:password_change")]:
        assert_matrix(client, url, {"anonymous": 302, people["office"]: 200, people["unit"]: 200, admin: 200})


def test_user_list_search_filter_and_htmx_partial(client, admin, people):
    make_user(Role.OFFICE, username="wangfang", display_name="王芳")
    client.force_login(admin)
    html = client.get(reverse("accounts:user_list"), {"q": "王芳"}).content.decode()
    assert "wangfang" in html and people["unit"].username not in html
    html = client.get(reverse("accounts:user_list"), {"role": Role.UNIT_HANDLER}).content.decode()
    assert people["unit"].username in html and "wangfang" not in html
    partial = client.get(reverse("accounts:user_list"), {"q": "wangfang"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "wangfang" in body and "<html" not in body
    empty = client.get(reverse("accounts:user_list"), {"q": "没有这个人"}).content.decode()
    assert "没有符合条件的用户" in empty


def test_user_list_query_count_does_not_grow_with_users(client, admin, django_assert_max_num_queries):
    for i in range(30):
        make_user(Role.UNIT_HANDLER, unit=make_unit(), username=f"handler{i:02d}")
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 200
    assert response.content.decode().count("handler") >= 30


def test_user_export_is_the_filtered_list(client, admin, people):
    client.force_login(admin)
    response = client.get(reverse("accounts:user_export"), {"role": Role.UNIT_HANDLER})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("用户名", "显示名称")
    assert [r[0] for r in rows[1:]] == [people["unit"].username]
    assert rows[1][4].startswith("责任单位经办人（")


def test_create_user_with_a_first_grant(client, admin):
    unit = make_unit(name="区城管局")
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "chenjing",
            "display_name": "陈静",
            "password1": STRONG,
            "password2": STRONG,
            "role": Role.UNIT_HANDLER,
            "unit": unit.pk,
        },
    )
    user = User.objects.get(username="chenjing")
    assert response.status_code == 302 and response.url == reverse("accounts:user_detail", args=[user.pk])
    assert user.check_password(STRONG)
    assert [(m.role, m.unit) for m in user.memberships.all()] == [(Role.UNIT_HANDLER, unit)]


def test_create_user_with_an_incomplete_grant_writes_nothing(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "chenjing",
            "password1": STRONG,
            "password2": STRONG,
            "role": Role.UNIT_HANDLER,
        },
    )
    assert response.status_code == 200
    assert "该角色必须指定范围（单位、区域或专项组）。" in response.content.decode()
    assert not User.objects.filter(username="chenjing").exists()


def test_create_user_refuses_mismatched_and_weak_passwords(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user_create"), {"username": "a1", "password1": STRONG, "password2": "x"}
    )
    assert "两次输入的密码不一致。" in response.content.decode()
    response = client.post(
        reverse("accounts:user_create"), {"username": "a1", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    assert not User.objects.filter(username="a1").exists()


def test_edit_user_deactivates(client, admin, people):
    target = people["office"]
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user_edit", args=[target.pk]), {"display_name": "已离职", "phone": "", "email": ""}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.display_name, target.is_active) == ("已离职", False)


def test_grant_then_revoke_with_confirmation(client, admin, people):
    target = people["office"]
    unit = make_unit()
    client.force_login(admin)
    response = client.post(
        reverse("accounts:membership_grant", args=[target.pk]), {"role": Role.UNIT_HANDLER, "unit": unit.pk}
    )
    assert response.status_code == 302
    grant = target.memberships.get(role=Role.UNIT_HANDLER)
    url = reverse("accounts:membership_revoke", args=[target.pk, grant.pk])
    confirm = client.get(url).content.decode()
    assert "确认撤销" in confirm and unit.name in confirm
    grant.refresh_from_db()
    assert grant.is_active is True  # GET only asks
    assert client.post(url).status_code == 302
    grant.refresh_from_db()
    assert grant.is_active is False
    detail = client.get(reverse("accounts:user_detail", args=[target.pk])).content.decode()
    assert "已撤销" in detail


def test_grant_duplicate_shows_the_service_error(client, admin, people):
    target = people["office"]
    client.force_login(admin)
    response = client.post(reverse("accounts:membership_grant", args=[target.pk]), {"role": Role.OFFICE})
    assert response.status_code == 200
    assert "该用户已拥有相同角色和范围的有效授权。" in response.content.decode()
    assert target.memberships.count() == 1


def test_admin_resets_a_password(client, admin, people):
    target = people["office"]
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user_password", args=[target.pk]), {"password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(STRONG)
    response = client.post(
        reverse("accounts:user_password", args=[target.pk]), {"password1": "1", "password2": "1"}
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.check_password(STRONG)


def test_profile_update_and_own_password_change(client, people):
    user = people["unit"]
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "责任单位经办人" in page
    client.post(reverse("accounts:profile"), {"display_name": "刘洋", "phone": "13900002222", "email": ""})
    user.refresh_from_db()
    assert (user.display_name, user.phone) == ("刘洋", "13900002222")
    wrong = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": STRONG, "new_password2": STRONG},
    )
    assert wrong.status_code == 200
    user.refresh_from_db()
    assert user.check_password("pw-Test-123")
    ok = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-Test-123", "new_password1": STRONG, "new_password2": STRONG},
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert client.get(reverse("accounts:profile")).status_code == 200  # still signed in


def test_auth_log_shows_logins_failures_and_unlocks(client, admin):
    victim = make_user(username="zhouwei")
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": "zhouwei", "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": "zhouwei", "password": "pw-Test-123"})
    assert AccessLog.objects.filter(username=victim.username).count() == 1
    client.logout()
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": "zhouwei", "password": "wrong"})
    client.force_login(admin)
    page = client.get(reverse("accounts:auth_log")).content.decode()
    assert "zhouwei" in page
    failures = client.get(
        reverse("accounts:auth_log"), {"kind": "failure", "q": "zhou"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert failures.count("zhouwei") == 4 and "<html" not in failures
    assert AccessAttempt.objects.get(username="zhouwei").failures_since_start == 2
    client.post(reverse("accounts:auth_unlock"), {"username": "zhouwei"})
    assert not AccessAttempt.objects.filter(username="zhouwei").exists()


def test_auth_log_query_count(client, admin, django_assert_max_num_queries):
    for i in range(40):
        AccessLog.objects.create(
            username=f"u{i}",
            ip_address="10.0.0.2",
            user_agent="t",
            http_accept="*",
            path_info="/accounts/login/",
        )
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:auth_log"))
    assert response.content.decode().count("10.0.0.2") == 40


def test_django_admin_pages_for_users_and_grants(client):
    root = make_user(is_superuser=True, is_staff=True)
    target = make_user(Role.UNIT_HANDLER, unit=make_unit())
    for url in [
        "/admin/accounts/user/",
        f"/admin/accounts/user/{target.pk}/change/",
        "/admin/accounts/membership/",
        f"/admin/accounts/membership/{target.memberships.get().pk}/change/",
    ]:
        assert_matrix(client, url, {"anonymous": 302, target: 302, root: 200})


def test_login_and_logout_pages_matrix(client, people):
    office = people["office"]
    assert_matrix(client, reverse("accounts:login"), {"anonymous": 200, office: 302})
    assert_matrix(client, reverse("accounts:logout"), {"anonymous": 405, office: 405})
    assert_matrix(client, reverse("accounts:logout"), {"anonymous": 302, office: 302}, method="post", data={})
    client.force_login(office)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302
