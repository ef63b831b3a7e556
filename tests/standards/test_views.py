"""Pages: permission matrix for every view, query-count bounds on lists, what the pages show."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_unit, make_user
from tests.permissions import assert_matrix
from tests.standards.factories import import_small, small_doc, snapshot, to_xlsx, to_yaml
from wenming.accounts.models import User
from wenming.standards.models import StandardSet
from wenming.standards.services import export_standard, load_default_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """Signed-in users of every kind the standard pages distinguish."""
    return {
        "unit": make_user("unit_handler", unit=make_unit()),  # a role with no rights on the standard
        "nobody": make_user(),  # signed in, no role at all
        "leader": make_user("leader"),  # reads the whole district, changes nothing
        "office": make_user("office"),
        "admin": User.objects.create_superuser("root", password="pw-Test-123"),
    }


@pytest.fixture
def small_set():
    return import_small()


def read_matrix(people):
    return {
        "anonymous": 302,
        people["unit"]: 200,
        people["nobody"]: 200,
        people["leader"]: 200,
        people["office"]: 200,
    }


def change_matrix(people, refused):
    return {
        "anonymous": 302,
        people["unit"]: refused,
        people["nobody"]: refused,
        people["leader"]: refused,
        people["office"]: 200,
        people["admin"]: 200,
    }


@pytest.mark.parametrize(
    "name",
    ["standard_list", "point_type_list", "category_list"],
)
def test_read_lists_matrix(client, people, small_set, name):
    assert_matrix(client, reverse(f"standards:{name}"), read_matrix(people))


@pytest.mark.parametrize("name", ["standard_detail", "criterion_list", "standard_export"])
def test_read_set_pages_matrix(client, people, small_set, name):
    assert_matrix(client, reverse(f"standards:{name}", args=[small_set.pk]), read_matrix(people))
    # a set that does not exist is a 404 for everyone signed in
    assert_matrix(client, reverse(f"standards:{name}", args=[small_set.pk + 999]), {people["office"]: 404})


def test_checklist_matrix(client, people, small_set):
    url = reverse("standards:checklist", args=[small_set.pk, "T_ROAD"])
    assert_matrix(client, url, read_matrix(people))
    missing = reverse("standards:checklist", args=[small_set.pk, "NO_SUCH"])
    assert_matrix(client, missing, {people["office"]: 404})


def test_import_page_matrix(client, people):
    assert_matrix(client, reverse("standards:standard_import"), change_matrix(people, 403))


def test_activate_page_matrix(client, people, small_set):
    # sets a user may not change are not revealed: 404
    assert_matrix(
        client, reverse("standards:standard_activate", args=[small_set.pk]), change_matrix(people, 404)
    )


def test_activate_post(client, people, small_set):
    url = reverse("standards:standard_activate", args=[small_set.pk])
    client.force_login(people["leader"])
    assert client.post(url).status_code == 404
    small_set.refresh_from_db()
    assert small_set.is_active is False
    client.force_login(people["office"])
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == small_set.get_absolute_url()
    small_set.refresh_from_db()
    assert small_set.is_active is True


def test_import_page_shows_every_problem_and_changes_nothing(client, people):
    # given a YAML with two mistakes (the second leaves item A without indicators: a third problem)
    doc = small_doc()
    doc["criteria"][0]["rule_params"] = {"per_problem": 5}
    doc["indicators"][0]["parent"] = "Q"
    before = snapshot()
    client.force_login(people["office"])
    # when
    response = client.post(
        reverse("standards:standard_import"),
        {"file": SimpleUploadedFile("标准.yaml", to_yaml(doc), content_type="application/yaml")},
    )
    # then
    assert response.status_code == 400
    html = response.content.decode()
    assert "文件有 3 个问题，未导入任何内容" in html
    assert "上级编号「Q」不存在于「测评项目」表。" in html
    assert "per_problem（每处问题扣分）5 不能大于扣分上限 1。" in html
    assert "「A」下没有测评指标。" in html
    assert snapshot() == before


def test_import_page_imports_xlsx_and_activates(client, people):
    client.force_login(people["office"])
    response = client.post(
        reverse("standards:standard_import"),
        {"file": SimpleUploadedFile("体系.xlsx", to_xlsx(small_doc())), "activate": "on"},
    )
    standard_set = StandardSet.objects.get(code="T-1")
    assert response.status_code == 302 and response["Location"] == standard_set.get_absolute_url()
    assert standard_set.is_active is True
    assert standard_set.criteria.count() == 4


def test_import_page_refuses_other_extensions(client, people):
    client.force_login(people["office"])
    response = client.post(
        reverse("standards:standard_import"), {"file": SimpleUploadedFile("a.csv", b"1,2")}
    )
    assert response.status_code == 400
    assert "只接受 .xlsx、.yaml 或 .yml 文件。" in response.content.decode()
    assert StandardSet.objects.count() == 0


def test_import_post_by_a_leader_is_forbidden(client, people):
    client.force_login(people["leader"])
    response = client.post(
        reverse("standards:standard_import"), {"file": SimpleUploadedFile("a.yaml", to_yaml(small_doc()))}
    )
    assert response.status_code == 403
    assert StandardSet.objects.count() == 0


@pytest.mark.parametrize("fmt", ["xlsx", "yaml"])
def test_export_downloads_the_file(client, people, small_set, fmt):
    client.force_login(people["unit"])
    response = client.get(reverse("standards:standard_export", args=[small_set.pk]), {"fmt": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="T-1.{fmt}"'
    assert response.content == export_standard(standard_set=small_set, fmt=fmt)


def test_export_refuses_an_unknown_format(client, people, small_set):
    client.force_login(people["office"])
    assert (
        client.get(reverse("standards:standard_export", args=[small_set.pk]), {"fmt": "pdf"}).status_code
        == 400
    )


def test_detail_shows_the_tree_weights_methods_and_counts(client, people, small_set):
    client.force_login(people["unit"])
    html = client.get(reverse("standards:standard_detail", args=[small_set.pk])).content.decode()
    assert "项目一" in html and "指标一" in html and "道路与市场" in html
    assert "路面无暴露垃圾" in html and "沿道路步行 500 米" in html
    assert "材料审核/网上申报" in html
    assert f'href="/standards/{small_set.pk}/checklist/T_ROAD/"' in html
    # counts: 1 item, 1 indicator, 3 contents, 4 criteria, total weight 4
    for label, n in (("测评项目", 1), ("测评指标", 1), ("测评内容", 3), ("测评标准", 4), ("总权数", 4)):
        assert f'<div class="value">{n}</div><div class="label">{label}</div>' in html


def test_checklist_shows_type_criteria_and_the_common_block(client, people, small_set):
    client.force_login(people["unit"])
    html = client.get(reverse("standards:checklist", args=[small_set.pk, "T_ROAD"])).content.decode()
    assert "路面无暴露垃圾" in html  # direct
    assert "公益广告 ≥ 2 处" not in html  # market only
    assert "公共文明通用项" in html and "无随地吐痰" in html  # through the block
    assert "每发现 1 处问题扣 0.5 分，最多扣 1 分（满分 1 分）。" in html
    assert "点内抽样：沿道路步行 500 米" in html
    assert "台账齐全" not in html  # material review is not on a field checklist


def test_default_checklists_are_what_an_inspector_needs(client, people):
    standard_set = load_default_standard()
    client.force_login(people["unit"])
    market = client.get(reverse("standards:checklist", args=[standard_set.pk, "MARKET"])).content.decode()
    assert "公平秤" in market and "≥ 5 米" in market and "应不少于 5 处" in market
    bus = client.get(reverse("standards:checklist", args=[standard_set.pk, "BUS"])).content.decode()
    assert "早高峰 07:40–08:30 乘坐公交车 6 站" in bus
    residential = client.get(
        reverse("standards:checklist", args=[standard_set.pk, "RESIDENTIAL"])
    ).content.decode()
    assert "进入小区 200 米，随机抽查 2 个楼道" in residential
    assert "抽查 2 个楼道：2 个楼道及以上合格为 A 档（100%）" in residential


def test_criterion_list_filters_by_text_point_type_and_rule(client, people, small_set):
    client.force_login(people["unit"])
    url = reverse("standards:criterion_list", args=[small_set.pk])
    by_type = client.get(url, {"point_type": "T_MARKET"}).content.decode()
    assert "公益广告 ≥ 2 处" in by_type and "无随地吐痰" in by_type and "路面无暴露垃圾" not in by_type
    by_rule = client.get(url, {"rule": "deduction"}).content.decode()
    assert "路面无暴露垃圾" in by_rule and "公益广告 ≥ 2 处" not in by_rule
    by_text = client.get(url, {"search": "台账"}).content.decode()
    assert "台账齐全" in by_text and "路面无暴露垃圾" not in by_text
    empty = client.get(url, {"search": "不存在的内容"}).content.decode()
    assert "没有符合条件的测评标准" in empty


def test_criterion_list_exports_the_filtered_list(client, people, small_set):
    import io

    import openpyxl

    client.force_login(people["unit"])
    response = client.get(
        reverse("standards:criterion_list", args=[small_set.pk]), {"rule": "quota", "export": "xlsx"}
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows] == ["编号", "A01-01-02"]


def test_htmx_gets_only_the_table(client, people, small_set):
    client.force_login(people["unit"])
    for url in (
        reverse("standards:standard_list"),
        reverse("standards:criterion_list", args=[small_set.pk]),
        reverse("standards:point_type_list"),
        reverse("standards:category_list"),
    ):
        response = client.get(url, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html and "<table" in html, url


def test_category_list_is_a_two_level_tree_with_deadlines_and_groups(client, people, small_set):
    client.force_login(people["unit"])
    html = client.get(reverse("standards:category_list")).content.decode()
    html = html[html.index('id="results"') :]
    assert (
        html.index("环境卫生")
        < html.index("测试暴露垃圾")
        < html.index("文明行为")
        < html.index("测试随地吐痰")
    )
    assert "1 工作日" in html and "5 工作小时" in html
    assert "SG01（待关联）" in html
    filtered = client.get(reverse("standards:category_list"), {"kind": "behavior"}).content.decode()
    assert "测试随地吐痰" in filtered and "测试暴露垃圾" not in filtered


def test_empty_states(client, people):
    client.force_login(people["office"])
    assert "还没有测评体系" in client.get(reverse("standards:standard_list")).content.decode()
    assert "没有点位类型" in client.get(reverse("standards:point_type_list")).content.decode()
    assert "没有符合条件的问题分类" in client.get(reverse("standards:category_list")).content.decode()


def test_list_query_counts_do_not_grow_with_rows(client, people, django_assert_max_num_queries):
    # given the full default standard: 235 criteria, 27 point types, 68 subcategories
    standard_set = load_default_standard()
    client.force_login(people["unit"])
    bounds = {
        reverse("standards:standard_list"): 8,
        reverse("standards:standard_detail", args=[standard_set.pk]): 12,
        reverse("standards:criterion_list", args=[standard_set.pk]): 10,
        reverse("standards:checklist", args=[standard_set.pk, "MARKET"]): 10,
        reverse("standards:point_type_list"): 8,
        reverse("standards:category_list"): 8,
    }
    for url, bound in bounds.items():
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200
