"""System checks for accounts: demo accounts must not exist where they are not allowed.

The check reads the database, so Django runs it only when asked: `wenming check --database default`
(also with `--deploy`). Signing in is blocked regardless (see `backends.AccountBackend`).
"""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connections


@register(Tags.database)
def check_demo_accounts(app_configs=None, databases=None, **kwargs):
    from wenming.accounts.models import User
    from wenming.accounts.services import demo_accounts_allowed

    if demo_accounts_allowed() or not databases:
        return []
    errors = []
    for alias in databases:
        try:
            if User._meta.db_table not in connections[alias].introspection.table_names():
                continue
            names = list(
                User.objects.using(alias)
                .demo()
                .filter(is_active=True)
                .values_list("username", flat=True)[:20]
            )
        except DatabaseError:
            continue
        if names:
            errors.append(
                Error(
                    "Active demo accounts exist but are not allowed (DEBUG off, WENMING_ALLOW_DEMO_ACCOUNTS unset): "
                    + ", ".join(names),
                    hint="They cannot sign in. Run `wenming disable_demo_accounts`, or set WENMING_ALLOW_DEMO_ACCOUNTS=1.",
                    obj=alias,
                    id="accounts.E001",
                )
            )
    return errors
