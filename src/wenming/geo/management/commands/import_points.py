"""`wenming import_points FILE [--update] [--user NAME]`: import the point inventory (XLSX or CSV)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wenming.geo.imports import import_points
from wenming.geo.services import ImportRejected


class Command(BaseCommand):
    help = "导入测评点位（XLSX 或 CSV，UTF-8/GBK）；全部校验通过才写入，否则逐行报告错误。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="XLSX or CSV file")
        parser.add_argument(
            "--update", action="store_true", help="已存在的点位编码更新该点位（默认视为错误）"
        )
        parser.add_argument("--user", help="username recorded as the actor in the change history")

    def handle(self, *args, file, update, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        actor = None
        if user:
            from django.contrib.auth import get_user_model

            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户不存在：{user}")
        try:
            result = import_points(
                actor=actor, data=path.read_bytes(), filename=path.name, update_existing=update
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败：共 {len(exc.errors)} 个错误，未写入任何数据。")
        self.stdout.write(self.style.SUCCESS(result.summary()))
