"""Permission matrix of every case screen: anonymous, wrong role, right role out of scope (another unit's
case → 404), in scope."""

import pytest
from django.urls import reverse

from tests.cases.helpers import case_in, dispatched_case, new_case
from tests.factories import make_user
from tests.permissions import assert_matrix
from wenming.cases.choices import CaseState
from wenming.cases.models import Case, ExportJob, KpiFormula, SavedFilter

LOGIN = 302


@pytest.fixture
def norole(db):
    return make_user(username="norole")


def test_case_list_matrix_and_scope(client, world, norole):
    # given a case of the bureau (handler1's unit)
    case = dispatched_case(world)
    url = reverse("cases:case_list")
    # then everyone signed in reaches the list …
    assert_matrix(
        client, url, {"anonymous": LOGIN, norole: 200, world.other_handler: 200, world.handler: 200}
    )
    # … but sees only the cases in scope
    for user, sees in (
        (norole, False),
        (world.other_handler, False),
        (world.handler, True),
        (world.leader, True),
    ):
        client.force_login(user)
        listed = list(client.get(url).context["paginator"].object_list)
        assert (case in listed) is sees, user


def test_case_detail_matrix(client, world, norole):
    case = dispatched_case(world)
    url = reverse("cases:case_detail", args=[case.code])
    assert_matrix(
        client, url,
        {"anonymous": LOGIN, norole: 404, world.other_handler: 404, world.other_street_user: 404,
         world.handler: 200, world.street_user: 200, world.auditor: 200, world.office: 200},
    )  # fmt: skip


def test_case_detail_also_answers_to_the_id_of_older_links(client, world):
    case = dispatched_case(world)
    assert_matrix(
        client, f"/cases/{case.pk}/", {"anonymous": LOGIN, world.other_handler: 404, world.handler: 200}
    )


def test_case_action_matrix(client, world, norole):
    # given a dispatched case: acknowledging is the unit's action
    case = dispatched_case(world)
    url = reverse("cases:case_action", args=[case.code, "acknowledge"])
    # when each user posts it (the successful one last: it changes the state)
    assert_matrix(
        client, url,
        {"anonymous": LOGIN, norole: 404, world.auditor: 403, world.other_handler: 404, world.handler: 302},
        method="post", data={},
    )  # fmt: skip
    # then only the in-scope handler moved it
    assert Case.objects.get(pk=case.pk).state == CaseState.ACKNOWLEDGED
    assert list(Case.objects.get(pk=case.pk).events.values_list("kind", flat=True)).count("acknowledged") == 1


def test_unknown_action_is_404(client, world):
    case = dispatched_case(world)
    client.force_login(world.office)
    assert client.post(reverse("cases:case_action", args=[case.code, "explode"])).status_code == 404


def test_routing_suggestion_matrix(client, world):
    case = new_case(world)
    url = reverse("cases:routing_suggestion", args=[case.code])
    assert_matrix(client, url, {"anonymous": LOGIN, world.handler: 403, world.leader: 403, world.office: 200})


def test_bulk_dispatch_matrix(client, world):
    case = new_case(world)
    url = reverse("cases:bulk_dispatch")
    data = {"cases": [case.pk], "unit": world.bureau.pk}
    assert_matrix(
        client, url, {"anonymous": LOGIN, world.handler: 403, world.leader: 403}, method="post", data=data
    )
    assert Case.objects.get(pk=case.pk).state == CaseState.REPORTED
    assert_matrix(client, url, {world.office: 200}, method="post", data=data)
    assert Case.objects.get(pk=case.pk).state == CaseState.DISPATCHED


def test_saved_filter_matrix(client, world):
    create = reverse("cases:saved_filter_create")
    assert_matrix(client, create, {"anonymous": LOGIN, world.handler: 302}, method="post",
                  data={"name": "超期", "query": "overdue=true"})  # fmt: skip
    saved = SavedFilter.objects.get()
    delete = reverse("cases:saved_filter_delete", args=[saved.pk])
    assert_matrix(client, delete, {"anonymous": LOGIN, world.office: 404, world.other_handler: 404},
                  method="post", data={})  # fmt: skip
    assert SavedFilter.objects.count() == 1
    assert_matrix(client, delete, {world.handler: 302}, method="post", data={})
    assert SavedFilter.objects.count() == 0


@pytest.mark.parametrize("name", ["cases:case_map", "cases:case_map_data", "cases:overdue_board",
                                  "cases:parked_list", "cases:kpi", "cases:case_export"])  # fmt: skip
def test_scoped_pages_matrix(client, world, norole, name):
    dispatched_case(world)
    assert_matrix(client, reverse(name), {"anonymous": LOGIN, norole: 200, world.other_handler: 200,
                                          world.handler: 200})  # fmt: skip


def test_dispatch_queue_matrix(client, world, norole):
    new_case(world)
    url = reverse("cases:dispatch_queue")
    assert_matrix(
        client, url,
        {"anonymous": LOGIN, norole: 403, world.handler: 403, world.leader: 403, world.auditor: 403,
         world.office: 200},
    )  # fmt: skip


def test_formula_editor_matrix(client, world):
    formula = KpiFormula.objects.create(name="测试公式", expression="处置率*100")
    for url in (reverse("cases:kpi_formula_create"), reverse("cases:kpi_formula_edit", args=[formula.pk])):
        assert_matrix(client, url, {"anonymous": LOGIN, world.handler: 403, world.leader: 403,
                                    world.office: 200})  # fmt: skip
    assert_matrix(client, reverse("cases:kpi_formula_edit", args=[999999]), {world.office: 404})


def test_export_job_matrix(client, world):
    job = ExportJob.objects.create(owner=world.handler, params="", status="done")
    for name in ("cases:export_job", "cases:export_download"):
        url = reverse(name, args=[job.pk])
        expected_owner = 200 if name == "cases:export_job" else 404  # no file yet: nothing to download
        assert_matrix(client, url, {"anonymous": LOGIN, world.office: 404, world.other_handler: 404,
                                    world.handler: expected_owner})  # fmt: skip


def test_out_of_scope_case_is_404_on_every_case_url(client, world):
    case = case_in(world, "reported")
    client.force_login(world.other_handler)
    for url in (
        reverse("cases:case_detail", args=[case.code]),
        reverse("cases:case_detail", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("cases:case_action", args=[case.code, "comment"]), {"comment-note": "x"}
        ).status_code
        == 404
    )
    assert case.events.count() == 1
