"""`wenming disable_demo_accounts`: deactivate the demo accounts (shared published password) on a server
leaving demo mode."""

from django.core.management.base import BaseCommand

from wenming.accounts.services import disable_demo_accounts


class Command(BaseCommand):
    help = "Deactivate every demo account and revoke its API tokens (nothing is deleted)."

    def handle(self, *args, **options):
        count = disable_demo_accounts(actor=None)
        self.stdout.write(f"{count} demo account(s) deactivated.")
