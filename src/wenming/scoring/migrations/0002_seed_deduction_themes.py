"""Seed the five frequent-deduction themes of the seed article (易扣分点清零: 保洁, 不文明行为, 骑手交通违法,
小区管理, 公益广告), mapped to the problem categories of the default standard (standards/data/default_standard.yaml). Editable
afterwards (scoring:theme_list); a top-level code (BEHAVIOR, COMMUNITY) covers all its subcategories."""

from django.db import migrations

THEMES = [
    ("保洁", ["ENV-01", "ENV-02", "ENV-03", "ENV-04", "ENV-06", "ENV-07"], "暴露垃圾、道路不洁、垃圾桶满溢、卫生死角、公厕与水体保洁"),
    ("不文明行为", ["BEHAVIOR"], "随地吐痰、乱扔垃圾、违规吸烟、不文明养犬、插队拥挤等"),
    ("骑手等交通违法", ["TRAFFIC-02", "TRAFFIC-03", "TRAFFIC-04"], "外卖快递骑手等非机动车闯红灯、逆行、乱停放，行人交通违法"),
    ("社区小区管理", ["COMMUNITY"], "小区环境、楼道堆物与消防通道、乱停车、电动车充电、物业服务"),
    ("公益广告", ["PUBLICITY-01", "PUBLICITY-02", "PUBLICITY-03", "PUBLICITY-04", "PUBLICITY-05", "PUBLICITY-06"],
     "核心价值观与公益广告的数量、质量、维护与播放"),
]


def seed(apps, schema_editor):
    theme = apps.get_model("scoring", "DeductionTheme")
    for order, (name, codes, description) in enumerate(THEMES, start=1):
        theme.objects.get_or_create(
            name=name, defaults={"category_codes": codes, "description": description, "order": order}
        )


def unseed(apps, schema_editor):
    apps.get_model("scoring", "DeductionTheme").objects.filter(name__in=[t[0] for t in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
