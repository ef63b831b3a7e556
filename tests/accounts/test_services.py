import datetime

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.test import override_settings
from rest_framework.authtoken.models import Token

from tests.factories import make_area, make_group, make_person, make_unit, make_user
from wenming.accounts import services
from wenming.accounts.choices import Role
from wenming.accounts.models import Membership, User
from wenming.geo.choices import AreaLevel

pytestmark = pytest.mark.django_db

STRONG = "Qiang-Mima-2026"


def test_create_user_sets_a_usable_password():
    admin = make_user(Role.ADMIN)
    user = services.create_user(actor=admin, username="zhangsan", password=STRONG, display_name=" 张三 ")
    user.refresh_from_db()
    assert user.display_name == "张三"
    assert user.check_password(STRONG)
    assert user.is_active and not user.is_demo


def test_create_user_refuses_a_taken_username_whatever_the_case():
    make_user(username="Lisi")
    before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_user(actor=None, username="lisi", password=STRONG)
    assert exc.value.message_dict == {"username": ["用户名“lisi”已被使用。"]}
    assert User.objects.count() == before


@pytest.mark.parametrize("password", ["", "123", "password", "wangwu12"])
def test_create_user_refuses_weak_passwords(password):
    with pytest.raises(ValidationError) as exc:
        services.create_user(actor=None, username="wangwu", password=password)
    assert list(exc.value.message_dict) == ["password"]
    assert not User.objects.filter(username="wangwu").exists()


def test_grant_membership_needs_the_scope_the_role_requires():
    user = make_user()
    with pytest.raises(ValidationError) as exc:
        services.grant_membership(actor=None, user=user, role=Role.UNIT_HANDLER)
    assert exc.value.messages == ["该角色必须指定范围（单位、区域或专项组）。"]
    assert not Membership.objects.filter(user=user).exists()


def test_grant_membership_refuses_unknown_roles_and_duplicates():
    user = make_user()
    unit = make_unit()
    with pytest.raises(ValidationError):
        services.grant_membership(actor=None, user=user, role="mayor")
    services.grant_membership(actor=None, user=user, role=Role.UNIT_HANDLER, unit=unit)
    with pytest.raises(ValidationError) as exc:
        services.grant_membership(actor=None, user=user, role=Role.UNIT_HANDLER, unit=unit)
    assert exc.value.messages == ["该用户已拥有相同角色和范围的有效授权。"]
    assert Membership.objects.filter(user=user).count() == 1


def test_grant_membership_refreshes_the_cached_scope_and_records_the_actor():
    admin = make_user(Role.ADMIN)
    user = make_user()
    unit = make_unit()
    assert user.scope().unit_ids == set()
    membership = services.grant_membership(actor=admin, user=user, role=Role.UNIT_HANDLER, unit=unit)
    assert user.scope().unit_ids == {unit.pk}
    assert membership.history.get().history_user == admin


def test_revoke_membership_keeps_the_row_inactive_and_refuses_twice():
    admin = make_user(Role.ADMIN)
    user = make_user(Role.OFFICE)
    membership = user.memberships.get()
    services.revoke_membership(actor=admin, membership=membership)
    membership.refresh_from_db()
    assert membership.is_active is False
    assert User.objects.get(pk=user.pk).scope().roles == frozenset()
    with pytest.raises(ValidationError) as exc:
        services.revoke_membership(actor=admin, membership=membership)
    assert exc.value.messages == ["该授权已撤销。"]


def test_an_admin_cannot_revoke_their_own_last_admin_grant():
    admin = make_user(Role.ADMIN)
    grant = admin.memberships.get()
    with pytest.raises(ValidationError) as exc:
        services.revoke_membership(actor=admin, membership=grant)
    assert exc.value.messages == ["不能撤销自己唯一的系统管理员授权。"]
    grant.refresh_from_db()
    assert grant.is_active is True


def test_set_password_validates_and_drops_api_tokens():
    user = make_user()
    token = Token.objects.create(user=user)
    with pytest.raises(ValidationError):
        services.set_password(actor=user, user=user, password="short")
    assert Token.objects.filter(pk=token.pk).exists()
    assert user.check_password("pw-Test-123")
    services.set_password(actor=user, user=user, password=STRONG)
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert not Token.objects.filter(user=user).exists()


def test_update_user_refuses_self_deactivation_and_deactivation_drops_tokens():
    admin = make_user(Role.ADMIN)
    with pytest.raises(ValidationError) as exc:
        services.update_user(actor=admin, user=admin, is_active=False)
    assert exc.value.message_dict == {"is_active": ["不能停用自己的账号。"]}
    admin.refresh_from_db()
    assert admin.is_active
    other = make_user()
    Token.objects.create(user=other)
    services.update_user(actor=admin, user=other, is_active=False, phone="13900001111")
    other.refresh_from_db()
    assert (other.is_active, other.phone) == (False, "13900001111")
    assert not Token.objects.filter(user=other).exists()


def test_unlock_login_clears_failure_counters():
    AccessAttempt.objects.create(
        username="zhao",
        ip_address="10.0.0.1",
        failures_since_start=5,
        user_agent="x",
        http_accept="x",
        path_info="/",
        get_data="",
        post_data="",
    )
    AccessAttempt.objects.create(
        username="qian",
        ip_address="10.0.0.1",
        failures_since_start=2,
        user_agent="x",
        http_accept="x",
        path_info="/",
        get_data="",
        post_data="",
    )
    with pytest.raises(ValidationError):
        services.unlock_login(actor=None)
    assert AccessAttempt.objects.count() == 2
    assert services.unlock_login(actor=None, username="zhao") == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["qian"]


# --- demo accounts ------------------------------------------------------------------------------------


def demo_scopes():
    district = make_area(AreaLevel.DISTRICT, code="350206")
    street = make_area(AreaLevel.STREET, parent=district)
    community = make_area(AreaLevel.COMMUNITY, parent=street)
    grid = make_area(AreaLevel.GRID, parent=community)
    bureau = make_unit(name="区市场监督管理局")
    group = make_group(lead_unit=bureau)
    grid_person = make_person(unit=make_unit())
    return {
        "admin": {"role": Role.ADMIN, "display_name": "系统管理员"},
        "office": {"role": Role.OFFICE, "display_name": "区文明办"},
        "leader": {"role": Role.LEADER},
        "group": {"role": Role.GROUP_LEAD, "special_group": group},
        "unit": {"role": Role.UNIT_HANDLER, "unit": bureau},
        "street": {"role": Role.STREET, "area": street},
        "community": {"role": Role.COMMUNITY, "area": community},
        "grid": {"role": Role.GRID, "area": grid, "person": grid_person},
        "inspector": {"role": Role.INSPECTOR},
        "auditor": {"role": Role.AUDITOR},
    }


def test_ensure_demo_accounts_creates_every_account_with_its_scope():
    scopes = demo_scopes()
    users = services.ensure_demo_accounts(password="Wenming@2026", scopes=scopes)
    assert sorted(users) == sorted(services.DEMO_USERNAMES)
    assert User.objects.filter(is_demo=True).count() == 10
    for username, spec in scopes.items():
        user = User.objects.get(username=username)
        assert user.check_password("Wenming@2026")
        grant = user.memberships.get()
        assert (grant.role, grant.unit, grant.area, grant.special_group) == (
            spec["role"],
            spec.get("unit"),
            spec.get("area"),
            spec.get("special_group"),
        )
    assert User.objects.get(username="admin").is_superuser is True
    assert User.objects.get(username="office").is_superuser is False
    assert User.objects.get(username="grid").person == scopes["grid"]["person"]
    assert User.objects.get(username="office").display_name == "区文明办"
    assert User.objects.get(username="leader").display_name == "leader"


def test_ensure_demo_accounts_twice_changes_nothing():
    scopes = demo_scopes()
    services.ensure_demo_accounts(password="Wenming@2026", scopes=scopes)
    snapshot = list(User.objects.order_by("pk").values_list("pk", "password", "display_name", "is_superuser"))
    history = Membership.history.count()
    services.ensure_demo_accounts(password="Wenming@2026", scopes=scopes)
    assert (
        list(User.objects.order_by("pk").values_list("pk", "password", "display_name", "is_superuser"))
        == snapshot
    )
    assert Membership.history.count() == history
    assert Membership.objects.count() == 10


def test_ensure_demo_accounts_moves_a_changed_scope_and_resets_a_changed_password():
    scopes = demo_scopes()
    services.ensure_demo_accounts(password="Wenming@2026", scopes=scopes)
    new_unit = make_unit()
    scopes["unit"] = {"role": Role.UNIT_HANDLER, "unit": new_unit}
    services.ensure_demo_accounts(password="Another@2027", scopes=scopes)
    unit_user = User.objects.get(username="unit")
    assert [(m.unit_id, m.is_active) for m in unit_user.memberships.order_by("pk")] == [
        (scopes["group"]["special_group"].lead_unit_id, False),
        (new_unit.pk, True),
    ]
    assert unit_user.check_password("Another@2027")


@override_settings(DEMO_ACCOUNTS_ALLOWED=False)
def test_ensure_demo_accounts_is_refused_when_not_allowed():
    scopes = demo_scopes()
    with pytest.raises(services.DemoAccountsNotAllowed) as exc:
        services.ensure_demo_accounts(password="Wenming@2026", scopes=scopes)
    assert "WENMING_ALLOW_DEMO_ACCOUNTS" in str(exc.value)
    assert not User.objects.filter(is_demo=True).exists()


def test_ensure_demo_accounts_refuses_a_bad_role_without_writing():
    with pytest.raises(ValidationError):
        services.ensure_demo_accounts(
            password="x", scopes={"office": {"role": Role.OFFICE}, "boss": {"role": "x"}}
        )
    assert not User.objects.exists()


def test_membership_expiry_is_respected():
    user = make_user()
    services.grant_membership(
        actor=None,
        user=user,
        role=Role.OFFICE,
        valid_until=datetime.date.today() - datetime.timedelta(days=1),
    )
    assert User.objects.get(pk=user.pk).scope().roles == frozenset()
