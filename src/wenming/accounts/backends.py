"""Authentication backend: Django's model backend plus the demo-account guard.

Demo accounts share a published password. When demo accounts are not allowed (DEBUG off and no
WENMING_ALLOW_DEMO_ACCOUNTS) an existing demo account can neither sign in nor keep using an old session:
`user_can_authenticate` is consulted both by `authenticate()` and by `get_user()` on every request.
"""

from django.contrib.auth.backends import ModelBackend


def demo_login_blocked(user) -> bool:
    from wenming.accounts.services import demo_accounts_allowed

    return bool(getattr(user, "is_demo", False)) and not demo_accounts_allowed()


class AccountBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not demo_login_blocked(user)
