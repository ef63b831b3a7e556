from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wenming.standards.models import StandardSet
from wenming.standards.services import export_standard, format_from_name


class Command(BaseCommand):
    help = "导出测评体系为 Excel 模板（.xlsx）或 YAML（.yaml），格式按扩展名。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="测评体系编码")
        parser.add_argument("file", help="输出文件路径（.xlsx、.yaml 或 .yml）")
        parser.add_argument("--format", choices=["xlsx", "yaml"], help="文件格式（默认按扩展名）")

    def handle(self, *args, code, file, format=None, **options):
        fmt = format or format_from_name(file)
        if not fmt:
            raise CommandError("无法从扩展名判断格式，请使用 .xlsx/.yaml 或 --format。")
        standard_set = StandardSet.objects.filter(code=code).first()
        if standard_set is None:
            raise CommandError(f"测评体系「{code}」不存在。")
        Path(file).write_bytes(export_standard(standard_set=standard_set, fmt=fmt))
        self.stdout.write(self.style.SUCCESS(f"已导出 {code} 到 {file}。"))
