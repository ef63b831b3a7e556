"""`wenming generate [--cases N | --years Y] [--scale S] [--seed N] [--force]`: a large district on demand."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wenming.demo.generate import CASES_PER_YEAR, GenerateRefused, generate


class Command(BaseCommand):
    help = _("按随机种子生成大规模数据（台账、账号、案件及完整流转记录），用于性能测试。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", type=int, default=None, help=_("案件总数（优先于 --years）"))
        parser.add_argument(
            "--years",
            type=float,
            default=1.0,
            help=_("覆盖的年数（每年 %(n)s 件 × 规模）") % {"n": CASES_PER_YEAR},
        )
        parser.add_argument("--scale", type=float, default=1.0, help=_("规模系数（默认 1）"))
        parser.add_argument("--seed", type=int, default=20261207, help=_("随机种子"))
        parser.add_argument("--database", default="default", help=_("数据库别名（默认即当前配置的数据库）"))
        parser.add_argument("--force", action="store_true", help=_("数据库已有非生成数据时仍然写入"))

    def handle(self, *args, cases, years, scale, seed, database, force, **options) -> None:
        try:
            report = generate(
                cases=cases,
                years=years,
                scale=scale,
                seed=seed,
                using=database,
                force=force,
                log=lambda m: self.stdout.write(m),
            )
        except GenerateRefused as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            _(
                "完成：案件 %(n)s 件，%(r)s 件/秒（按本进程 CPU 时间 %(c)s 件/秒）；状态分布 %(st)s；账号 %(u)s"
            )
            % {
                "n": report.cases,
                "r": report.cases_per_second,
                "c": report.cases_per_cpu_second,
                "st": {str(k): v for k, v in report.states.items()},
                "u": ", ".join(report.users.values()),
            }
        )
