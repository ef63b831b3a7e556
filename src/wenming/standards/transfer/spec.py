"""The file template, declared once: sheets (YAML sections), their columns (YAML keys) and what each holds.

The XLSX workbook has one sheet per level as an office keeps it; the YAML file has one section per sheet
with the same fields under English keys. `docs/standard-template.md` describes the same thing for people.
"""

from dataclasses import dataclass

from django.conf import settings

FORMAT = "wenming-standard/1"

# A real standard has a few hundred rows per sheet; anything far beyond that is a mistake or an attack.
DEFAULT_MAX_ROWS = 5000


def max_rows() -> int:
    return int(getattr(settings, "STANDARD_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def max_bytes() -> int:
    """Upper bound for the uploaded file and for an XLSX's total uncompressed size."""
    return int(settings.UPLOAD_MAX_XLSX_BYTES)


@dataclass(frozen=True)
class Column:
    key: str  # YAML key
    header: str  # XLSX header (Chinese)
    help: str = ""
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    key: str  # YAML section
    title: str  # XLSX sheet name
    columns: tuple[Column, ...]
    help: str = ""

    def headers(self) -> dict[str, str]:
        return {c.header: c.key for c in self.columns}


# The 说明 sheet (YAML: `standard_set`): one row per field, label in column A, value in column B.
META_TITLE = "说明"
META_KEY = "standard_set"
META_FIELDS = (
    Column("format", "模板版本", f"固定填写 {FORMAT}"),
    Column("code", "体系编码", "字母、数字、点、横线或下划线，最多 60 位；同一编码只能导入一次"),
    Column("name", "体系名称", "必填，最多 160 字"),
    Column("version", "版本", "必填，如 2021"),
    Column("scope", "发布层级", "全国、省级、市级或区级"),
    Column("effective_from", "生效日期", "YYYY-MM-DD，可空"),
    Column("description", "体系说明", "可空"),
)

_METHODS_HELP = "实地考察、问卷调查、材料审核/网上申报、网络调查、模拟验证，多个用顿号分隔"

ITEMS = Sheet(
    "items",
    "测评项目",
    (
        Column("code", "编号", "一级编号，如 A", 10),
        Column("name", "名称", "必填", 30),
        Column("weight", "权数", "数字，最多 3 位小数；等于其下测评指标权数之和", 8),
        Column("methods", "测评方法", _METHODS_HELP, 24),
    ),
    "一级：测评项目。",
)
INDICATORS = Sheet(
    "indicators",
    "测评指标",
    (
        Column("code", "编号", "二级编号，如 A01", 10),
        Column("parent", "上级编号", "所属测评项目的编号", 10),
        Column("name", "名称", "必填", 30),
        Column("weight", "权数", "等于其下测评内容权数之和", 8),
        Column("methods", "测评方法", _METHODS_HELP, 24),
    ),
    "二级：测评指标。",
)
CONTENTS = Sheet(
    "contents",
    "测评内容",
    (
        Column("code", "编号", "三级编号，如 A01-01", 10),
        Column("parent", "上级编号", "所属测评指标的编号", 10),
        Column("name", "名称", "必填", 36),
        Column("weight", "权数", "等于其下测评标准分值之和", 8),
        Column("methods", "测评方法", _METHODS_HELP, 24),
    ),
    "三级：测评内容。",
)
CRITERIA = Sheet(
    "criteria",
    "测评标准",
    (
        Column("code", "编号", "如 A01-01-01", 12),
        Column("content", "测评内容编号", "所属测评内容的编号", 12),
        Column("text", "测评标准", "必填，具体、可计数", 60),
        Column("weight", "分值", "大于 0 的数字，最多 3 位小数", 8),
        Column("method", "测评方法", "一种测评方法", 12),
        Column("point_types", "适用点位类型", "点位类型编码，多个用顿号分隔；仅实地考察填写", 28),
        Column("block", "通用模块", "通用模块编码；填写后不再单独填写点位类型", 10),
        Column("sampling_note", "点内抽样说明", "如：进入小区 200 米，抽查 2 个楼道", 30),
        Column("rule", "评分规则", "符合/不符合、A/B/C/C# 分档、按次扣分（封顶）、数量达标、抽样子单元", 16),
        Column("rule_params", "规则参数", "JSON，见模板说明", 36),
        Column("category", "问题分类", "二级问题分类编码，如 ENV-01", 10),
    ),
    "测评标准（可计数的检查项），每条属于一个测评内容。",
)
POINT_TYPES = Sheet(
    "point_types",
    "点位类型",
    (
        Column("code", "编码", "大写字母、数字、下划线，如 BACK_STREET", 20),
        Column("name", "名称", "必填，全库唯一", 20),
        Column("description", "说明", "", 50),
    ),
    "点位类型（全库共用；按编码新增或更新）。",
)
BLOCKS = Sheet(
    "blocks",
    "通用模块",
    (
        Column("code", "编码", "如 COMMON", 12),
        Column("name", "名称", "必填", 24),
        Column("point_types", "适用点位类型", "点位类型编码，多个用顿号分隔", 80),
    ),
    "通用模块：一组测评标准同时适用于多种点位类型（如公共文明通用项）。",
)
CATEGORIES = Sheet(
    "categories",
    "问题分类",
    (
        Column("code", "编码", "顶级为固定的八个编码；二级如 ENV-01", 12),
        Column("name", "名称", "必填", 20),
        Column("parent", "上级编码", "二级分类填写所属顶级分类编码", 10),
        Column("kind", "类型", "部件、事件或行为（二级必填）", 8),
        Column("special_group", "主管专项组", "专项整治协调组编码，如 SG01", 10),
        Column("deadline_value", "处置时限", "正整数（二级必填）", 8),
        Column("deadline_unit", "时限单位", "工作小时或工作日（二级必填）", 10),
        Column("closing_condition", "结案条件", "", 30),
        Column("public_name", "群众可见名称", "", 18),
        Column("is_public", "群众可选", "是或否", 8),
        Column("description", "说明", "", 24),
        Column("examples", "示例描述", "每行一条", 50),
    ),
    "问题分类（两级，全库共用；按编码新增或更新）。",
)

SHEETS: tuple[Sheet, ...] = (ITEMS, INDICATORS, CONTENTS, CRITERIA, POINT_TYPES, BLOCKS, CATEGORIES)
SHEETS_BY_KEY = {s.key: s for s in SHEETS}
LEVEL_SHEETS = {1: ITEMS, 2: INDICATORS, 3: CONTENTS}
