"""The shape every `wenming import_* FILE [--user NAME]` command shares: read the file, find the acting user,
run the all-or-nothing import, print each row error on stderr and fail with their count, or print the summary."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from wenming.geo.services import ImportRejected


class FileImportCommand(BaseCommand):
    """Subclasses set `help` and implement `run_import(actor, data, filename, **options)` → a result with
    `summary()`; they may extend `add_arguments` (call super())."""

    def add_arguments(self, parser):
        parser.add_argument("file", help="XLSX or CSV file")
        parser.add_argument("--user", help="username recorded as the actor in the change history")

    def run_import(self, *, actor, data: bytes, filename: str, **options):
        raise NotImplementedError

    def handle(self, *args, file, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户不存在：{user}")
        try:
            result = self.run_import(actor=actor, data=path.read_bytes(), filename=path.name, **options)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败：共 {len(exc.errors)} 个错误，未写入任何数据。")
        self.stdout.write(self.style.SUCCESS(result.summary()))
