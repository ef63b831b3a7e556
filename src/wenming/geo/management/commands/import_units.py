"""`wenming import_units FILE [--user NAME]`: import responsible units (XLSX or CSV); parents by code, name or abbreviation."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wenming.geo.roster import import_units
from wenming.geo.services import ImportRejected


class Command(BaseCommand):
    help = "导入责任单位（XLSX 或 CSV）；上级单位可填编码、名称或常用简称；全部校验通过才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="XLSX or CSV file")
        parser.add_argument("--user", help="username recorded as the actor in the change history")

    def handle(self, *args, file, user=None, **options):
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
            result = import_units(actor=actor, data=path.read_bytes(), filename=path.name)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败：共 {len(exc.errors)} 个错误，未写入任何数据。")
        self.stdout.write(self.style.SUCCESS(result.summary()))
