"""Account writes: users, memberships (role + scope), passwords, API tokens, demo accounts, login unlocks.

Every function is `verb_noun(*, actor, …)`, runs in one transaction and returns what it changed. Errors are
`ValidationError`s with Chinese messages; a refused call changes nothing.
"""

import datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.accounts import audit
from wenming.accounts.choices import Role
from wenming.accounts.models import Membership, User
from wenming.core import versions
from wenming.core.roles import is_admin

DEMO_USERNAMES = (
    "admin",
    "office",
    "leader",
    "group",
    "unit",
    "street",
    "community",
    "grid",
    "inspector",
    "auditor",
)


class DemoAccountsNotAllowed(ImproperlyConfigured):
    """Demo accounts share one published password: they may exist only in DEBUG or when explicitly allowed."""

    def __init__(self):
        super().__init__(
            _(
                "当前配置不允许演示账号（DEBUG 已关闭且未设置 WENMING_ALLOW_DEMO_ACCOUNTS=1）。"
                "演示账号使用公开的统一密码，不得在生产环境中创建或登录。"
            )
        )


def demo_accounts_allowed() -> bool:
    return bool(getattr(settings, "DEMO_ACCOUNTS_ALLOWED", False))


def _forget_scope(user: User) -> None:
    """A user's scope is cached on the object; a membership change must not leave a stale one behind."""
    user.__dict__.pop("_scope_cache", None)


def _check_password(password: str, user: User | None) -> None:
    if not password:
        raise ValidationError({"password": _("请输入密码。")})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages})


def _check_username(username: str, *, exclude_pk: int | None = None) -> str:
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("请输入用户名。")})
    field = User._meta.get_field("username")
    try:
        field.run_validators(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages})
    taken = User.objects.filter(username__iexact=username)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"username": _("用户名“%(username)s”已被使用。") % {"username": username}})
    return username


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    display_name: str = "",
    phone: str = "",
    email: str = "",
    person=None,
    is_active: bool = True,
) -> User:
    """Create a sign-in account; the password must pass the configured validators."""
    username = _check_username(username)
    user = User(
        username=username,
        display_name=display_name.strip(),
        phone=phone.strip(),
        email=email.strip(),
        person=person,
        is_active=is_active,
    )
    _check_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def update_user(
    *,
    actor: User | None,
    user: User,
    display_name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    person=None,
    clear_person: bool = False,
    is_active: bool | None = None,
) -> User:
    """Change a user's profile fields; deactivating oneself is refused (it would lock the admin out)."""
    if is_active is False and actor is not None and actor.pk == user.pk:
        raise ValidationError({"is_active": _("不能停用自己的账号。")})
    fields = []
    for name, value in (("display_name", display_name), ("phone", phone), ("email", email)):
        if value is not None:
            setattr(user, name, value.strip())
            fields.append(name)
    if person is not None or clear_person:
        user.person = person
        fields.append("person")
    if is_active is not None:
        user.is_active = is_active
        fields.append("is_active")
    if fields:
        user.full_clean(exclude=["password"], validate_unique=False)
        user.save(update_fields=fields)
        if "is_active" in fields and not user.is_active:
            _drop_tokens(user)
    return user


@transaction.atomic
def grant_membership(
    *,
    actor: User | None,
    user: User,
    role: str,
    unit=None,
    area=None,
    special_group=None,
    is_third_party: bool = False,
    valid_until: datetime.date | None = None,
) -> Membership:
    """Give a user a role within a scope; a duplicate of an active grant is refused."""
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色：%(role)s。") % {"role": role}})
    membership = Membership(
        user=user,
        role=role,
        unit=unit,
        area=area,
        special_group=special_group,
        is_third_party=is_third_party,
        valid_until=valid_until,
    )
    membership.full_clean()
    duplicate = Membership.objects.active().filter(
        user=user, role=role, unit=unit, area=area, special_group=special_group
    )
    if duplicate.exists():
        raise ValidationError(_("该用户已拥有相同角色和范围的有效授权。"))
    membership._history_user = actor  # the change log names who granted it
    membership.save()
    _forget_scope(user)
    return membership


@transaction.atomic
def revoke_membership(*, actor: User | None, membership: Membership) -> Membership:
    """End a grant (kept, inactive, for the record); an admin cannot remove their own last admin grant."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ValidationError(_("该授权已撤销。"))
    if (
        actor is not None
        and membership.user_id == actor.pk
        and membership.role == Role.ADMIN
        and not actor.is_superuser
    ):
        others = Membership.objects.active().filter(user=actor, role=Role.ADMIN).exclude(pk=membership.pk)
        if not others.exists():
            raise ValidationError(_("不能撤销自己唯一的系统管理员授权。"))
    membership.is_active = False
    membership._history_user = actor
    membership.save(update_fields=["is_active"])
    _forget_scope(membership.user)
    return membership


@transaction.atomic
def set_password(*, actor: User | None, user: User, password: str) -> User:
    """Set a new password (admin reset or own change); existing API tokens stop working."""
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _drop_tokens(user)
    return user


def _drop_tokens(user: User) -> None:
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()


def token_expires_at(token) -> datetime.datetime | None:
    """When an API token stops working: `settings.API_TOKEN_DAYS` after it was issued (0 = never)."""
    days = getattr(settings, "API_TOKEN_DAYS", 0)
    return token.created + datetime.timedelta(days=days) if days else None


def token_expired(token, now: datetime.datetime | None = None) -> bool:
    expires = token_expires_at(token)
    return expires is not None and expires <= (now or timezone.now())


@transaction.atomic
def issue_token(*, user: User, request=None):
    """The user's API token (one per user): the current one while valid, a new one once it has expired.

    Recorded in the audit log (the sign-in itself is recorded by the caller as a login)."""
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_expired(token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
        audit.record(user, audit.TOKEN_ISSUED, user, {"expires_at": str(token_expires_at(token) or "")}, request=request)  # fmt: skip
    return token


def current_token(user: User):
    """The user's valid API token, or None (an expired one counts as none)."""
    from rest_framework.authtoken.models import Token

    token = Token.objects.filter(user=user).first()
    return None if token is None or token_expired(token) else token


def visible_tokens(user: User):
    """The API tokens `user` may list and revoke: their own; a system administrator's, everyone's."""
    from rest_framework.authtoken.models import Token

    tokens = Token.objects.select_related("user").order_by("-created")
    if user is None or not user.is_authenticated:
        return tokens.none()
    return tokens if user.scope().has_role(Role.ADMIN) else tokens.filter(user=user)


@transaction.atomic
def revoke_token(*, actor: User | None, user: User, request=None) -> int:
    """Revoke a user's API token (the user themself, or an administrator); returns how many were removed."""
    from rest_framework.authtoken.models import Token

    if actor is not None and actor.pk != user.pk and not is_admin(actor):
        raise ValidationError(_("只有本人或系统管理员可以吊销 API 令牌。"))
    deleted, _rows = Token.objects.filter(user=user).delete()
    if deleted:
        audit.record(actor, audit.TOKEN_REVOKED, user, {"user": user.get_username()}, request=request)
    return deleted


@transaction.atomic
def unlock_login(*, actor: User | None, username: str = "", ip_address: str = "") -> int:
    """Clear django-axes failure counters for a username and/or address; returns how many were removed."""
    from axes.utils import reset

    username, ip_address = (username or "").strip(), (ip_address or "").strip()
    if not username and not ip_address:
        raise ValidationError(_("请指定要解锁的用户名或 IP 地址。"))
    return reset(username=username or None, ip=ip_address or None)


# --- demo accounts ------------------------------------------------------------------------------------


@transaction.atomic
def ensure_demo_accounts(*, password: str, scopes: dict[str, dict]) -> dict[str, User]:
    """Create or bring up to date the demo accounts, one per username in `scopes`.

    `scopes` maps a username to {"role", "unit", "area", "special_group", "person", "display_name"}
    (missing keys mean None / the username). Idempotent: a second call with the same input writes nothing.
    The role Role.ADMIN also makes the account a superuser (it can open the Django admin).
    Refused with `DemoAccountsNotAllowed` unless `settings.DEMO_ACCOUNTS_ALLOWED`.
    """
    if not demo_accounts_allowed():
        raise DemoAccountsNotAllowed()
    if not password:
        raise ValidationError({"password": _("演示账号密码不能为空。")})
    for username, spec in scopes.items():
        role = spec.get("role")
        if role not in Role.values:
            raise ValidationError(_("演示账号“%(u)s”的角色无效：%(r)s。") % {"u": username, "r": role})
    return {username: _ensure_demo_account(username, password, spec) for username, spec in scopes.items()}


@transaction.atomic
def disable_demo_accounts(*, actor: User | None) -> int:
    """Deactivate every demo account and drop its API tokens (for a server leaving demo mode); returns how many.
    Nothing is deleted: records that name a demo account keep pointing at it."""
    from rest_framework.authtoken.models import Token

    demo = User.objects.demo().filter(is_active=True)
    ids = list(demo.values_list("pk", flat=True))
    Token.objects.filter(user_id__in=ids).delete()
    changed = User.objects.filter(pk__in=ids).update(is_active=False)
    versions.changed("recipients")  # a bulk update: no signal tells the in-memory recipient lists
    return changed


def _ensure_demo_account(username: str, password: str, spec: dict) -> User:
    role = spec["role"]
    is_admin = role == Role.ADMIN
    wanted = {
        "display_name": spec.get("display_name") or username,
        "person": spec.get("person"),
        "is_demo": True,
        "is_active": True,
        "is_superuser": is_admin,
        "is_staff": is_admin,
    }
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **wanted)
        user.set_password(password)
        user.save()
    else:
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        if not user.check_password(password):
            user.set_password(password)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
    target = {
        "role": role,
        "unit": spec.get("unit"),
        "area": spec.get("area"),
        "special_group": spec.get("special_group"),
    }
    current = list(user.memberships.order_by("pk"))
    keep = [m for m in current if m.is_active and m.valid_until is None and _same_grant(m, target)]
    for stale in current:
        if stale.is_active and (not keep or stale.pk != keep[0].pk):
            stale.is_active = False
            stale.save(update_fields=["is_active"])
    if not keep:
        membership = Membership(user=user, **target)
        membership.full_clean()
        membership.save()
    _forget_scope(user)
    return user


def _same_grant(membership: Membership, target: dict) -> bool:
    def pk(obj):
        return obj.pk if obj is not None else None

    return (
        membership.role == target["role"]
        and membership.unit_id == pk(target["unit"])
        and membership.area_id == pk(target["area"])
        and membership.special_group_id == pk(target["special_group"])
    )
