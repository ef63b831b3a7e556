"""Management commands: load_default_standard, import_standard, export_standard."""

import pytest
from django.core.management import CommandError, call_command

from tests.standards.factories import small_doc, snapshot, to_xlsx, to_yaml
from wenming.standards.models import StandardSet
from wenming.standards.services import export_standard

pytestmark = pytest.mark.django_db


def test_load_default_standard_command_is_idempotent(capsys):
    call_command("load_default_standard")
    call_command("load_default_standard")
    out = capsys.readouterr().out
    assert (
        out.count(
            "HULI-2021-DEMO「湖里区文明城市测评体系（示范）」：235 条测评标准，68 个二级问题分类，已启用。"
        )
        == 2
    )
    assert StandardSet.objects.count() == 1


def test_load_default_standard_without_activation():
    call_command("load_default_standard", "--no-activate")
    assert StandardSet.objects.get().is_active is False


@pytest.mark.parametrize("suffix", ["xlsx", "yaml"])
def test_import_then_export_round_trip(tmp_path, capsys, suffix):
    source = tmp_path / f"in.{suffix}"
    source.write_bytes(to_xlsx(small_doc()) if suffix == "xlsx" else to_yaml(small_doc()))
    call_command("import_standard", str(source), "--activate")
    assert "已导入 T-1「测试体系」：4 条测评标准，已启用。" in capsys.readouterr().out
    target = tmp_path / f"out.{suffix}"
    call_command("export_standard", "T-1", str(target))
    assert target.read_bytes() == export_standard(
        standard_set=StandardSet.objects.get(code="T-1"), fmt=suffix
    )


def test_import_command_lists_problems_and_fails(tmp_path, capsys):
    doc = small_doc()
    doc["criteria"][0]["category"] = "NOPE-1"
    source = tmp_path / "bad.yaml"
    source.write_bytes(to_yaml(doc))
    before = snapshot()
    with pytest.raises(CommandError, match="文件有 1 个问题，未导入任何内容。"):
        call_command("import_standard", str(source))
    assert "criteria 第 1 行「category」：问题分类「NOPE-1」不存在" in capsys.readouterr().err
    assert snapshot() == before


def test_command_errors_are_clear(tmp_path):
    with pytest.raises(CommandError, match="无法从扩展名判断格式"):
        call_command("import_standard", str(tmp_path / "x.txt"))
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_standard", str(tmp_path / "missing.yaml"))
    with pytest.raises(CommandError, match="测评体系「NOPE」不存在。"):
        call_command("export_standard", "NOPE", str(tmp_path / "x.yaml"))
