"""`wenming import_roster FILE [--user NAME]`: import people and their duties (XLSX or CSV), by names or codes."""

from wenming.geo.management.importing import FileImportCommand
from wenming.geo.roster import import_roster


class Command(FileImportCommand):
    help = "导入人员与定人定岗定责（XLSX 或 CSV）；单位、区域、点位、类别可填编码、名称或常用简称；全部校验通过才写入。"

    def run_import(self, *, actor, data, filename, **options):
        return import_roster(actor=actor, data=data, filename=filename)
