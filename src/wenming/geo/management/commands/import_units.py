"""`wenming import_units FILE [--user NAME]`: import responsible units (XLSX or CSV); parents by code, name or abbreviation."""

from wenming.geo.management.importing import FileImportCommand
from wenming.geo.roster import import_units


class Command(FileImportCommand):
    help = "导入责任单位（XLSX 或 CSV）；上级单位可填编码、名称或常用简称；全部校验通过才写入。"

    def run_import(self, *, actor, data, filename, **options):
        return import_units(actor=actor, data=data, filename=filename)
