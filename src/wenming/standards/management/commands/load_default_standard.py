from django.core.management.base import BaseCommand

from wenming.standards.models import ProblemCategory
from wenming.standards.services import load_default_standard


class Command(BaseCommand):
    help = "加载内置的示范测评体系（幂等：已存在时不重复创建），并把问题分类关联到已存在的专项组。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-activate", action="store_true", help="不启用（默认：所属层级尚无启用体系时启用）"
        )

    def handle(self, *args, no_activate=False, **options):
        standard_set = load_default_standard(actor=None, activate=not no_activate)
        self.stdout.write(
            self.style.SUCCESS(
                f"{standard_set.code}「{standard_set.name}」：{standard_set.criteria.count()} 条测评标准，"
                f"{ProblemCategory.objects.leaves().count()} 个二级问题分类"
                f"{'，已启用' if standard_set.is_active else ''}。"
            )
        )
