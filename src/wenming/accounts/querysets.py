"""Business reads for accounts: who holds which grants, scoped by `restrict(user, action)`."""

from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone

from wenming.accounts.choices import Role
from wenming.core.appendonly import AppendOnlyQuerySet
from wenming.core.policy import Policy, RestrictedQuerySet, everything, has_role, owner, rows

ADMIN = has_role(Role.ADMIN)


class UserQuerySet(RestrictedQuerySet):
    # Administrators manage every account; anyone else sees only their own (and changes nothing here).
    policy = Policy(view=[everything(ADMIN), rows(owner("pk"))], otherwise=[everything(ADMIN)])

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            models.Q(username__icontains=text)
            | models.Q(display_name__icontains=text)
            | models.Q(phone__icontains=text)
            | models.Q(email__icontains=text)
        )

    def with_role(self, role: str, on=None):
        """Users holding `role` through an active grant (superusers count as admin)."""
        from wenming.accounts.models import Membership

        holders = Membership.objects.active(on).filter(role=role).values("user_id")
        q = models.Q(pk__in=holders)
        if role == Role.ADMIN:
            q |= models.Q(is_superuser=True)
        return self.filter(q)

    def demo(self):
        return self.filter(is_demo=True)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class MembershipQuerySet(RestrictedQuerySet):
    policy = Policy(view=[everything(ADMIN), rows(owner("user"))], otherwise=[everything(ADMIN)])

    def active(self, on=None):
        """Grants in force on `on` (default today): not revoked and not expired."""
        on = on or timezone.localdate()
        return self.filter(is_active=True).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on)
        )


class AuditEventQuerySet(RestrictedQuerySet, AppendOnlyQuerySet):
    # Auditors and administrators read the whole log; nobody changes it (append-only).
    policy = Policy(view=[everything(has_role(Role.AUDITOR, Role.ADMIN))])
