from django.urls import reverse

from tests.factories import make_group, make_person, make_unit
from tests.permissions import assert_api_matrix, assert_matrix
from wenming.geo.choices import Post
from wenming.geo.services import create_duty
from wenming.org.models import Person, SpecialGroup, Unit


def test_list_pages_permission_matrix_and_scope(client, scene):
    s = scene
    for name in ("org:unit_list", "org:group_list", "org:person_list", "geo:duty_matrix"):
        assert_matrix(
            client, reverse(name), {"anonymous": 302, s.nobody: 200, s.handler_a: 200, s.office: 200}
        )
    client.force_login(s.handler_a)
    html = client.get(reverse("org:unit_list")).content.decode()
    assert "甲单位" in html and "乙单位" not in html
    client.force_login(s.street_b)
    html = client.get(reverse("org:person_list")).content.decode()
    assert "王芳" not in html


def test_detail_pages_permission_matrix(client, scene):
    s = scene
    group = make_group(name="市容组", lead_unit=s.unit_a)
    assert_matrix(client, reverse("org:unit_detail", args=[s.unit_a.pk]), {
        "anonymous": 302, s.office: 200, s.leader: 200, s.handler_b: 404, s.nobody: 404, s.handler_a: 200,
        s.street_a: 200,  # unit A answers for a point in street A
    })  # fmt: skip
    assert_matrix(client, reverse("org:person_detail", args=[s.person_a.pk]), {
        "anonymous": 302, s.office: 200, s.handler_b: 404, s.street_b: 404, s.handler_a: 200, s.street_a: 200})  # fmt: skip
    assert_matrix(client, reverse("org:group_detail", args=[group.pk]), {
        "anonymous": 302, s.office: 200, s.handler_b: 404, s.street_a: 404, s.handler_a: 200})  # fmt: skip


def test_office_forms_permission_matrix(client, scene):
    s = scene
    group = make_group(lead_unit=s.unit_a)
    for url in [reverse("org:unit_create"), reverse("org:unit_edit", args=[s.unit_a.pk]), reverse("org:group_create"),
                reverse("org:group_edit", args=[group.pk]), reverse("org:person_create"),
                reverse("org:person_edit", args=[s.person_a.pk])]:  # fmt: skip
        assert_matrix(
            client, url, {"anonymous": 302, s.leader: 403, s.handler_a: 403, s.street_a: 403, s.office: 200}
        )


def test_unit_form_refuses_a_cycle_and_saves_through_the_service(client, scene):
    client.force_login(scene.office)
    child = make_unit(code="UA-1", name="甲下级", parent=scene.unit_a)
    data = {"code": "UA", "name": "甲单位", "level": "district", "parent": child.pk, "is_active": "on"}
    response = client.post(reverse("org:unit_edit", args=[scene.unit_a.pk]), data)
    assert response.status_code == 200
    assert "上级单位不能是本单位或其下级单位（循环引用）。" in response.content.decode()
    assert Unit.objects.get(pk=scene.unit_a.pk).parent_id is None
    response = client.post(reverse("org:unit_create"), {"code": "NEW", "name": "新单位", "level": "enterprise",
                                                        "is_active": "on"})  # fmt: skip
    assert response.status_code == 302 and Unit.objects.filter(code="NEW").exists()


def test_group_and_person_forms(client, scene):
    client.force_login(scene.office)
    response = client.post(reverse("org:group_create"), {"code": "SG01", "name": "市容环境卫生整治组",
                                                         "lead_unit": scene.unit_a.pk, "member_units": [scene.unit_b.pk],
                                                         "order": 1})  # fmt: skip
    assert response.status_code == 302
    group = SpecialGroup.objects.get(code="SG01")
    assert list(group.member_units.all()) == [scene.unit_b]
    response = client.post(
        reverse("org:person_create"), {"name": "李雷", "unit": scene.unit_b.pk, "phone": "x"}
    )
    assert "电话号码格式不正确" in response.content.decode()
    assert not Person.objects.filter(name="李雷").exists()


def test_duty_matrix_shows_people_and_gaps(client, scene, django_assert_max_num_queries):
    s = scene
    lead = make_person(name="网格长甲", unit=s.unit_a)
    create_duty(actor=None, person=lead, post=Post.GRID_LEAD, area=s.d.grid_a1)
    client.force_login(s.office)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("geo:duty_matrix"))
    ctx = response.context
    assert [label for _, label in ctx["columns"]] == ["网格长", "网格员"]
    line = ctx["table"][0]
    assert line["row"] == s.d.grid_a1 and line["gap"] is True
    assert [[p.name for p, _ in c["people"]] for c in line["cells"]] == [["网格长甲"], []]
    assert [c["gap"] for c in line["cells"]] == [False, True]
    assert (ctx["total"], ctx["gap_count"]) == (1, 1)
    html = response.content.decode()
    assert "gap-cell" in html and "空缺" in html
    # points: PA has a duty, PB has nobody → a gap
    response = client.get(reverse("geo:duty_matrix"), {"rows": "point"})
    rows = {line["row"].code: line["gap"] for line in response.context["table"]}
    assert rows == {"PA": False, "PB": True}
    # filter by street and gaps only
    response = client.get(
        reverse("geo:duty_matrix"), {"rows": "point", "street": s.d.street_a.pk, "gaps": "1"}
    )
    assert response.context["table"] == []
    # street staff see only their street's rows
    client.force_login(s.street_b)
    response = client.get(reverse("geo:duty_matrix"), {"rows": "point"})
    assert [line["row"].code for line in response.context["table"]] == ["PB"]


def test_org_api_permission_matrix(client, scene):
    s = scene
    assert_api_matrix(client, "/api/v1/org/units/", {"anonymous": 401, s.nobody: 200, s.office: 200})
    assert_api_matrix(client, f"/api/v1/org/units/{s.unit_a.pk}/", {
        "anonymous": 401, s.handler_b: 404, s.handler_a: 200, s.office: 200})  # fmt: skip
    assert_api_matrix(client, f"/api/v1/org/people/{s.person_a.pk}/", {
        "anonymous": 401, s.handler_b: 404, s.handler_a: 200})  # fmt: skip
    new_unit = {"code": "API-1", "name": "接口单位", "level": "enterprise"}
    assert_api_matrix(client, "/api/v1/org/units/", {"anonymous": 401, s.leader: 403, s.handler_a: 403},
                      method="post", data=new_unit)  # fmt: skip
    assert not Unit.objects.filter(code="API-1").exists()
    assert_api_matrix(client, "/api/v1/org/units/", {s.office: 201}, method="post", data=new_unit)
    assert_api_matrix(client, f"/api/v1/org/units/{s.unit_a.pk}/", {s.handler_a: 403}, method="patch",
                      data={"name": "x"})  # fmt: skip
    client.force_login(s.office)
    response = client.patch(
        f"/api/v1/org/units/{s.unit_a.pk}/", {"parent": s.unit_a.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"parent": ["上级单位不能是本单位或其下级单位（循环引用）。"]}
    response = client.post("/api/v1/org/groups/", {"code": "SG9", "name": "组", "lead_unit": s.unit_a.pk,
                                                   "member_units": [s.unit_b.pk]}, content_type="application/json")  # fmt: skip
    assert response.status_code == 201 and response.json()["member_units"] == [s.unit_b.pk]
    response = client.post("/api/v1/org/people/", {"name": "韩梅梅", "unit": s.unit_b.pk, "phone": "13900000009"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    assert_api_matrix(client, "/api/v1/org/groups/", {"anonymous": 401, s.handler_a: 200})
    assert_api_matrix(client, "/api/v1/org/people/", {"anonymous": 401, s.handler_a: 200})


def test_org_api_list_query_counts(client, scene, django_assert_max_num_queries):
    for _ in range(30):
        unit = make_unit(parent=scene.unit_a)
        make_person(unit=unit)
        make_group(lead_unit=unit).member_units.add(scene.unit_b)
    client.force_login(scene.office)
    for url in ("/api/v1/org/units/", "/api/v1/org/people/", "/api/v1/org/groups/"):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
    for name in ("org:unit_list", "org:person_list", "org:group_list"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200
