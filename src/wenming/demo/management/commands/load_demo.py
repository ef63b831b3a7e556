"""`wenming load_demo [--seed N]`: load the Huli district demo (idempotent, reproducible)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wenming.demo import DEFAULT_SEED, load


class Command(BaseCommand):
    help = _("加载湖里区演示数据（可重复运行；相同种子得到相同数据）。")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=_("随机种子（默认 %(d)s）") % {"d": DEFAULT_SEED}
        )
        parser.add_argument(
            "--part",
            choices=["all", "foundation"],
            default="all",
            help=_("all：全部演示数据；foundation：仅台账与账号（快速）"),
        )

    def handle(self, *args, seed: int, part: str = "all", **options) -> None:
        from wenming.accounts.services import DemoAccountsNotAllowed

        try:
            load(seed=seed, stdout=self.stdout, part=part)
        except DemoAccountsNotAllowed as exc:
            raise CommandError(str(exc))
