"""`wenming import_points FILE [--update] [--user NAME]`: import the point inventory (XLSX or CSV)."""

from wenming.geo.imports import import_points
from wenming.geo.management.importing import FileImportCommand


class Command(FileImportCommand):
    help = "导入测评点位（XLSX 或 CSV，UTF-8/GBK）；全部校验通过才写入，否则逐行报告错误。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--update", action="store_true", help="已存在的点位编码更新该点位（默认视为错误）"
        )

    def run_import(self, *, actor, data, filename, update=False, **options):
        return import_points(actor=actor, data=data, filename=filename, update_existing=update)
