from django.core.management.base import BaseCommand, CommandError

from wenming.standards.services import StandardImportError, format_from_name, import_standard


class Command(BaseCommand):
    help = "导入测评体系文件（.xlsx 模板或 .yaml）；全有或全无，出错时列出全部问题。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="文件路径（.xlsx、.yaml 或 .yml）")
        parser.add_argument("--activate", action="store_true", help="导入后启用")
        parser.add_argument("--format", choices=["xlsx", "yaml"], help="文件格式（默认按扩展名）")

    def handle(self, *args, file, activate, format=None, **options):
        fmt = format or format_from_name(file)
        if not fmt:
            raise CommandError("无法从扩展名判断格式，请使用 .xlsx/.yaml 或 --format。")
        try:
            standard_set = import_standard(actor=None, file=file, fmt=fmt, activate=activate)
        except FileNotFoundError:
            raise CommandError(f"文件不存在：{file}")
        except StandardImportError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"文件有 {len(exc.problems)} 个问题，未导入任何内容。")
        state = "，已启用" if standard_set.is_active else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入 {standard_set.code}「{standard_set.name}」：{standard_set.criteria.count()} 条测评标准{state}。"
            )
        )
