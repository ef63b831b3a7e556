"""`wenming import_areas FILE.geojson`: create or update the area tree from a GeoJSON FeatureCollection.

Each feature's properties: code, name, level (district/street/community/grid or 区/街道/社区/网格),
parent_code, and optionally population, households, unit_code, is_synthetic.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wenming.geo.imports import area_rows_from_geojson, import_areas
from wenming.geo.services import ImportRejected, assign_point_areas


class Command(BaseCommand):
    help = "从 GeoJSON 导入区域树（区/街道/社区/网格）；全部校验通过才写入，循环上级会被拒绝。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--no-update", action="store_true", help="已存在的区域编码视为错误")

    def handle(self, *args, file, no_update=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            rows = area_rows_from_geojson(json.loads(path.read_text(encoding="utf-8-sig")))
            areas = import_areas(actor=None, rows=rows, update_existing=not no_update)
        except ValueError as exc:
            raise CommandError(f"不是有效的 JSON：{exc}")
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败：共 {len(exc.errors)} 个错误，未写入任何数据。")
        moved = assign_point_areas()
        self.stdout.write(
            self.style.SUCCESS(f"已导入区域 {len(areas)} 个；{moved} 个点位重新判定了所在区域。")
        )
