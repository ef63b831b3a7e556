"""Ship the two composite formulas of domain.md §4 as editable templates (综合考核公式模板)."""

from django.db import migrations

TEMPLATES = (
    (
        "处置综合得分",
        "处置率*30 + 按期处置率*20 + (1-返工率)*20 + (1-超期待处置率)*20 + (1-延期率)*10",
        "处置率×30 + 按期处置率×20 + (1−返工率)×20 + (1−超期待处置率)×20 + (1−延期率)×10（满分 100）",
    ),
    (
        "结案综合得分",
        "((按期结案率 + 0.4*超期结案率)*0.8 + (1-延期率)*0.1 + (1-返工率)*0.1) * 100",
        "(按期结案率 + 0.4×超期结案率)×80% + (1−延期率)×10% + (1−返工率)×10%（换算为百分制）",
    ),
)


def load(apps, schema_editor):
    KpiFormula = apps.get_model("cases", "KpiFormula")
    for order, (name, expression, description) in enumerate(TEMPLATES, start=1):
        KpiFormula.objects.get_or_create(
            name=name, defaults={"expression": expression, "description": description, "order": order}
        )


def unload(apps, schema_editor):
    KpiFormula = apps.get_model("cases", "KpiFormula")
    KpiFormula.objects.filter(name__in=[t[0] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
