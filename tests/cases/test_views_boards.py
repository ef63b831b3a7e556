"""Map data, dispatch queue, overdue board, parked register, KPI formula editor, exports and workbench widgets."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.cases.helpers import case_in, dispatched_case, new_case
from wenming.cases.models import Case, ExportJob, KpiFormula

# --- map ----------------------------------------------------------------------------------------------------


def features(client, user, query=""):
    client.force_login(user)
    response = client.get(f"{reverse('cases:case_map_data')}?{query}")
    assert response.status_code == 200
    return response.json()


def test_map_shows_open_cases_in_scope_coloured_by_stage(client, world):
    # given cases with positions: overdue (unit clock past), waiting, closed, and another unit's
    overdue = dispatched_case(world, lat=24.5, lon=118.1)
    waiting = new_case(world, lat=24.51, lon=118.11, at=timezone.now())
    closed = case_in(world, "closed", lat=24.52, lon=118.12)
    other = dispatched_case(world, unit=world.other_unit, lat=24.53, lon=118.13)
    no_position = dispatched_case(world)
    # then the office sees the open ones with a position, coloured by stage
    body = features(client, world.office)
    by_code = {f["properties"]["code"]: f for f in body["features"]}
    assert set(by_code) == {overdue.code, waiting.code, other.code}
    assert by_code[overdue.code]["properties"]["type"] == "overdue"
    assert by_code[overdue.code]["properties"]["color"] == "#c0392b"
    assert by_code[waiting.code]["properties"]["type"] == "intake"
    assert by_code[overdue.code]["geometry"] == {"type": "Point", "coordinates": [118.1, 24.5]}
    assert by_code[overdue.code]["properties"]["url"] == f"/cases/{overdue.code}/"
    assert {t["id"]: t["count"] for t in body["point_types"]} == {"overdue": 2, "intake": 1}
    # the handler sees only the bureau's; a state filter can show closed ones
    assert {f["properties"]["code"] for f in features(client, world.handler)["features"]} == {overdue.code}
    closed_only = features(client, world.office, "state=closed")["features"]
    assert [f["properties"]["code"] for f in closed_only] == [closed.code]
    assert no_position.code not in by_code


def test_map_data_for_one_case_and_bad_filter(client, world):
    case = case_in(world, "closed", lat=24.5, lon=118.1)
    assert [
        f["properties"]["code"] for f in features(client, world.office, f"code={case.code}")["features"]
    ] == [case.code]
    assert features(client, world.other_handler, f"code={case.code}")["features"] == []
    client.force_login(world.office)
    assert client.get(f"{reverse('cases:case_map_data')}?period=never").status_code == 400


def test_map_page_uses_the_shared_map_script(client, world):
    client.force_login(world.office)
    body = client.get(reverse("cases:case_map") + "?overdue=true").content.decode()
    assert "/static/geo/map.js" in body
    assert "WenmingMap.create" in body
    assert 'data-points-url="/cases/map/data/?overdue=true"' in body


def test_map_query_count_is_bounded(client, world, django_assert_max_num_queries):
    for i in range(10):
        dispatched_case(world, lat=24.5 + i / 1000, lon=118.1)
    client.force_login(world.office)
    with django_assert_max_num_queries(6):
        client.get(reverse("cases:case_map_data"))


# --- dispatch queue -------------------------------------------------------------------------------------------


def test_dispatch_queue_oldest_first_with_one_click_dispatch(client, world):
    older = new_case(world)
    newer = new_case(world, at=timezone.now())
    returned = case_in(world, "returned")
    dispatched_case(world)
    client.force_login(world.office)
    page = client.get(reverse("cases:dispatch_queue"))
    assert [c.code for c in page.context["page_obj"].object_list] == [older.code, returned.code, newer.code]
    assert page.context["counts"] == {"total": 3, "returned": 1, "late": 2}
    body = page.content.decode()
    assert reverse("cases:routing_suggestion", args=[older.code]) in body
    # one click: dispatch by routing, back to the queue
    queue = reverse("cases:dispatch_queue")
    response = client.post(reverse("cases:case_action", args=[older.code, "dispatch"]), {"next": queue})
    assert response["Location"] == queue
    older = Case.objects.get(pk=older.pk)
    assert (older.state, older.unit, older.routing_step) == ("dispatched", world.bureau, "group")


def test_routing_suggestion_explains_the_unit(client, world):
    case = new_case(world)
    client.force_login(world.office)
    body = client.get(reverse("cases:routing_suggestion", args=[case.code])).content.decode()
    assert "区市政园林局" in body
    assert "专项组「环境卫生整治组」的牵头单位" in body


def test_dispatch_queue_query_count_is_bounded(client, world, django_assert_max_num_queries):
    for _ in range(8):
        new_case(world)
    client.force_login(world.office)
    with django_assert_max_num_queries(14):
        client.get(reverse("cases:dispatch_queue"))


# --- overdue board and parked register ---------------------------------------------------------------------------


def test_overdue_board_groups_by_unit_most_first(client, world):
    a1, a2 = dispatched_case(world), dispatched_case(world)
    b1 = dispatched_case(world, unit=world.other_unit)
    Case.objects.filter(pk=a2.pk).update(escalation_level=2)
    not_overdue = dispatched_case(world, at=timezone.now())
    client.force_login(world.leader)
    context = client.get(reverse("cases:overdue_board")).context
    groups = [
        (g["unit_name"], g["count"], g["level"], [c.code for c in g["cases"]]) for g in context["groups"]
    ]
    assert groups == [
        (world.bureau.name, 2, 2, [a1.code, a2.code]),
        (world.other_unit.name, 1, 0, [b1.code]),
    ]
    assert context["total"] == 3
    assert context["escalated"] == 1
    assert not_overdue.code not in client.get(reverse("cases:overdue_board")).content.decode()
    # the leader may remind (a supervisor); the handler sees only its unit and may not remind
    assert all(c.can_remind for g in context["groups"] for c in g["cases"])
    client.force_login(world.handler)
    context = client.get(reverse("cases:overdue_board")).context
    assert [(g["unit_name"], g["count"]) for g in context["groups"]] == [(world.bureau.name, 2)]
    assert not any(c.can_remind for g in context["groups"] for c in g["cases"])


def test_remind_from_the_board(client, world):
    case = dispatched_case(world)
    client.force_login(world.leader)
    board = reverse("cases:overdue_board")
    response = client.post(reverse("cases:case_action", args=[case.code, "remind"]), {"next": board})
    assert response["Location"] == board
    assert Case.objects.get(pk=case.pk).reminders == 1


def test_overdue_board_query_count_is_bounded(client, world, django_assert_max_num_queries):
    for _ in range(6):
        dispatched_case(world)
        dispatched_case(world, unit=world.other_unit)
    client.force_login(world.office)
    with django_assert_max_num_queries(8):
        client.get(reverse("cases:overdue_board"))


def test_parked_register_lists_plans_in_scope(client, world, django_assert_max_num_queries):
    parked = case_in(world, "parked")
    case_in(world, "dispatched")
    client.force_login(world.office)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("cases:parked_list"))
    assert [c.code for c in page.context["page_obj"].object_list] == [parked.code]
    assert "需改造管网" in page.content.decode()
    client.force_login(world.other_handler)
    assert list(client.get(reverse("cases:parked_list")).context["page_obj"].object_list) == []


# --- KPI formula editor --------------------------------------------------------------------------------------


def test_office_adds_a_formula_and_sees_it_scored(client, world):
    client.force_login(world.office)
    response = client.post(
        reverse("cases:kpi_formula_create"),
        {"name": "简单得分", "expression": "处置率 × 100", "description": "", "is_active": "on", "order": 5},
    )
    assert response["Location"] == reverse("cases:kpi")
    formula = KpiFormula.objects.get(name="简单得分")
    assert formula.expression == "处置率 × 100"
    assert "简单得分" in client.get(reverse("cases:kpi")).content.decode()


def test_formula_with_unknown_name_is_refused(client, world):
    client.force_login(world.office)
    before = KpiFormula.objects.count()
    response = client.post(
        reverse("cases:kpi_formula_create"), {"name": "坏公式", "expression": "处置率 + 好评数", "order": 1}
    )
    assert response.status_code == 200
    assert "好评数" in response.content.decode()
    assert KpiFormula.objects.count() == before


def test_formula_preview_does_not_save(client, world):
    # an unhandled case from 2025 is carried over as due into the current month
    dispatched_case(world)
    client.force_login(world.office)
    before = KpiFormula.objects.count()
    response = client.post(
        reverse("cases:kpi_formula_create"),
        {"name": "试算", "expression": "应处置数 * 2", "order": 1, "preview": "1"},
    )
    assert KpiFormula.objects.count() == before
    assert response.context["preview"] == [("区市政园林局", 2.0)]


def test_formula_edit_changes_the_expression(client, world):
    formula = KpiFormula.objects.create(name="旧公式", expression="处置率*100")
    client.force_login(world.office)
    client.post(reverse("cases:kpi_formula_edit", args=[formula.pk]),
                {"name": "旧公式", "expression": "按期处置率*100", "is_active": "on", "order": 1})  # fmt: skip
    assert KpiFormula.objects.get(pk=formula.pk).expression == "按期处置率*100"


# --- export ---------------------------------------------------------------------------------------------------


def sheet_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def test_small_export_is_the_filtered_list(client, world):
    a = dispatched_case(world)
    b = dispatched_case(world, unit=world.other_unit)
    new_case(world)
    client.force_login(world.office)
    response = client.get(reverse("cases:case_export") + "?state=dispatched")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response.content)
    assert rows[0][:3] == ("案件编号", "状态", "来源")
    assert rows[0][-2:] == ("上报人", "上报人电话")
    assert sorted(r[0] for r in rows[1:]) == sorted([a.code, b.code])
    assert {r[13] for r in rows[1:]} == {world.bureau.name, world.other_unit.name}


def test_export_keeps_to_the_users_scope_and_hides_reporters(client, world):
    a = dispatched_case(world)
    dispatched_case(world, unit=world.other_unit)
    client.force_login(world.handler)
    rows = sheet_rows(client.get(reverse("cases:case_export")).content)
    assert [r[0] for r in rows[1:]] == [a.code]
    assert "上报人电话" not in rows[0]


def test_large_export_runs_as_a_job_downloadable_by_its_owner_only(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.CASE_EXPORT_SYNC_LIMIT = 2
    cases = [dispatched_case(world) for _ in range(3)]
    new_case(world)
    client.force_login(world.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("cases:case_export") + "?state=dispatched")
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("cases:export_job", args=[job.pk])
    assert (job.owner, job.params, job.status, job.total, job.progress) == (
        world.office,
        "state=dispatched",
        "done",
        3,
        100,
    )
    # the progress partial for htmx polling, then the file
    partial = client.get(reverse("cases:export_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert "hx-trigger" not in partial.content.decode()
    assert "下载 Excel" in partial.content.decode()
    download = client.get(reverse("cases:export_download", args=[job.pk]))
    rows = sheet_rows(b"".join(download.streaming_content))
    assert sorted(r[0] for r in rows[1:]) == sorted(c.code for c in cases)
    # nobody else can fetch it
    client.force_login(world.office2)
    assert client.get(reverse("cases:export_download", args=[job.pk])).status_code == 404


def test_running_job_page_polls(client, world):
    job = ExportJob.objects.create(owner=world.office, status="running", total=4000, done_rows=1000)
    client.force_login(world.office)
    body = client.get(
        reverse("cases:export_job", args=[job.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert 'aria-valuenow="25"' in body
    assert "<html" not in body


# --- workbench widgets --------------------------------------------------------------------------------------


def widget(client, user, template):
    client.force_login(user)
    found = [w for w in client.get("/").context["widgets"] if w["template"] == template]
    return found[0] if found else None


def test_unit_handler_sees_its_cases_overdue_first(client, world):
    soon = dispatched_case(world, at=timezone.now())
    late = dispatched_case(world)
    dispatched_case(world, unit=world.other_unit)
    w = widget(client, world.handler, "cases/widgets/my_cases.html")
    assert [c.code for c in w["cases"]] == [late.code, soon.code]
    within_a_day = int(soon.fix_deadline < timezone.now() + datetime.timedelta(hours=24))
    assert w["counts"] == {"total": 2, "overdue": 1, "due_soon": within_a_day}
    assert widget(client, world.office, "cases/widgets/my_cases.html") is None


def test_office_sees_queue_and_overdue_counts(client, world):
    new_case(world)
    new_case(world, at=timezone.now())
    dispatched_case(world)
    case_in(world, "fix_reported")
    w = widget(client, world.office, "cases/widgets/office_queue.html")
    assert w["counts"] == {"waiting": 2, "waiting_late": 1, "overdue": 1, "to_verify": 1, "extensions": 0}
    assert widget(client, world.handler, "cases/widgets/office_queue.html") is None


def test_leader_sees_top_units_by_overdue(client, world):
    for _ in range(2):
        dispatched_case(world)
    dispatched_case(world, unit=world.other_unit)
    w = widget(client, world.leader, "cases/widgets/leader_overdue.html")
    assert [(r["name"], r["count"]) for r in w["rows"]] == [
        (world.bureau.name, 2),
        (world.other_unit.name, 1),
    ]
    assert widget(client, world.handler, "cases/widgets/leader_overdue.html") is None


def test_inspector_sees_reported_cases_awaiting_verification(client, world):
    waiting = case_in(world, "fix_reported")
    case_in(world, "dispatched")
    w = widget(client, world.inspector, "cases/widgets/inspector_awaiting.html")
    assert ([c.code for c in w["cases"]], w["count"]) == ([waiting.code], 1)
    assert widget(client, world.leader, "cases/widgets/inspector_awaiting.html") is None


@pytest.mark.parametrize("who", ["office", "leader", "handler", "inspector"])
def test_workbench_query_count_is_bounded(client, world, who, django_assert_max_num_queries):
    for _ in range(5):
        dispatched_case(world)
    client.force_login(getattr(world, who))
    client.get("/")
    with django_assert_max_num_queries(20):
        client.get("/")


def test_overdue_board_lists_each_units_oldest_and_links_the_rest(client, world, settings):
    from wenming.cases import views_boards

    # given more overdue cases of one unit than the board lists per unit
    cases = [dispatched_case(world) for _ in range(views_boards.OVERDUE_PER_UNIT + 2)]
    other = dispatched_case(world, unit=world.other_unit)
    client.force_login(world.leader)
    response = client.get(reverse("cases:overdue_board"))
    groups = {g["unit_name"]: g for g in response.context["groups"]}
    # then the unit's count is all of them, its rows the OVERDUE_PER_UNIT oldest deadlines, and a note says so
    bureau = groups[world.bureau.name]
    assert bureau["count"] == len(cases)
    oldest = sorted(cases, key=lambda c: (Case.objects.get(pk=c.pk).fix_deadline, c.pk))
    assert [c.code for c in bureau["cases"]] == [c.code for c in oldest[: views_boards.OVERDUE_PER_UNIT]]
    assert [c.code for c in groups[world.other_unit.name]["cases"]] == [other.code]
    assert response.context["truncated"]
    assert "每个单位仅列出超期最久的" in response.content.decode()
