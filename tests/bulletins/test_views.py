"""Pages and API of bulletins and appraisal: the permission matrix of every view and endpoint (anonymous,
wrong role, right role out of scope, in scope), the htmx partials, the forms, and query-count bounds."""

import pytest
from django.urls import reverse

from tests.bulletins.helpers import NOW
from tests.factories import make_user
from tests.permissions import assert_api_matrix, assert_matrix
from wenming.bulletins import appraisal, services
from wenming.bulletins.choices import BulletinKind, BulletinState, JobKind
from wenming.bulletins.models import Appeal, AppraisalScheme, Bulletin, BulletinJob


@pytest.fixture
def pub(ds, django_capture_on_commit_callbacks):
    """A published inspection bulletin addressed to 区市政园林局 only; a draft; a published appraisal run."""
    published = services.create_bulletin(
        actor=ds.office, kind=BulletinKind.INSPECTION, round=ds.round, recipients=[ds.u1]
    )
    draft = services.create_bulletin(actor=ds.office, kind=BulletinKind.WEEKLY, period_code="2026-W42")
    with django_capture_on_commit_callbacks(execute=True):
        services.start_job(actor=ds.office, bulletin=published, kind=JobKind.GENERATE)
        services.start_job(actor=ds.office, bulletin=draft, kind=JobKind.GENERATE)
    with django_capture_on_commit_callbacks(execute=True):
        for action, who in (("submit", ds.office), ("sign", ds.leader), ("publish", ds.office)):
            services.transition_bulletin(actor=who, bulletin=published, action=action)
    published.refresh_from_db()
    draft.refresh_from_db()
    appraisal.ensure_template_schemes()
    scheme = AppraisalScheme.objects.get(template_key="unit_handling")
    run = appraisal.run_appraisal(actor=ds.office, scheme=scheme, period_code="2026-10", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        appraisal.publish_run(actor=ds.office, run=run)
    return {"published": published, "draft": draft, "run": run, "scheme": scheme,
            "r_u1": run.results.get(unit=ds.u1), "r_u2": run.results.get(unit=ds.u2)}  # fmt: skip


# --- bulletins: pages ----------------------------------------------------------------------------------------


def test_list_and_archive_matrix(client, ds, pub):
    for name in ("bulletins:bulletin_list", "bulletins:archive", "bulletins:appraisal_list"):
        assert_matrix(
            client, reverse(name), {"anonymous": 302, ds.inspector: 200, ds.handler_u2: 200, ds.office: 200}
        )


def test_list_shows_only_what_each_user_may_see(client, ds, pub):
    client.force_login(ds.handler_u1)
    body = client.get(reverse("bulletins:bulletin_list")).content.decode()
    assert pub["published"].title in body and pub["draft"].title not in body
    client.force_login(ds.handler_u2)
    body = client.get(reverse("bulletins:bulletin_list")).content.decode()
    assert pub["published"].title not in body
    client.force_login(ds.office)
    body = client.get(reverse("bulletins:bulletin_list") + "?state=draft").content.decode()
    assert pub["draft"].title in body and pub["published"].title not in body


def test_list_htmx_returns_the_table_partial_with_bounded_queries(
    client, ds, pub, django_assert_max_num_queries
):
    for i in range(15):
        services.create_bulletin(
            actor=ds.office, kind=BulletinKind.MONTHLY, period_code=f"2025-{i % 12 + 1:02d}"
        )
    client.force_login(ds.office)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("bulletins:bulletin_list"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "<table" in body and "<html" not in body


def test_detail_download_and_job_matrix(client, ds, pub):
    b = pub["published"]
    expected = {
        "anonymous": 302,
        ds.inspector: 404,
        ds.handler_u2: 404,
        ds.handler_u1: 200,
        ds.leader: 200,
        ds.office: 200,
    }
    for url in (
        reverse("bulletins:bulletin_detail", args=[b.pk]),
        reverse("bulletins:bulletin_job", args=[b.pk]),
        reverse("bulletins:bulletin_download", args=[b.pk, "docx"]),
        reverse("bulletins:bulletin_download", args=[b.pk, "xlsx"]),
        reverse("bulletins:bulletin_download", args=[b.pk, "pdf"]),
    ):
        assert_matrix(client, url, expected)
    draft = pub["draft"]
    assert_matrix(client, reverse("bulletins:bulletin_detail", args=[draft.pk]),
                  {"anonymous": 302, ds.handler_u1: 404, ds.auditor: 200, ds.office: 200})  # fmt: skip


def test_download_is_named_after_the_bulletin(client, ds, pub):
    client.force_login(ds.handler_u1)
    response = client.get(reverse("bulletins:bulletin_download", args=[pub["published"].pk, "docx"]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert (
        "filename*=UTF-8''%E6%B9%96%E6%96%87%E6%98%8E%E5%8A%9E" in response["Content-Disposition"]
    )  # 湖文明办…
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_create_and_edit_matrix(client, ds, pub):
    assert_matrix(client, reverse("bulletins:bulletin_create"),
                  {"anonymous": 302, ds.leader: 403, ds.handler_u1: 403, ds.office: 200})  # fmt: skip
    assert_matrix(client, reverse("bulletins:bulletin_edit", args=[pub["draft"].pk]),
                  {"anonymous": 302, ds.leader: 403, ds.office: 200})  # fmt: skip


def test_create_through_the_page_queues_the_generation(client, ds, django_capture_on_commit_callbacks):
    client.force_login(ds.office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("bulletins:bulletin_create"), {"kind": "monthly", "period_code": "2026-10", "top_n": 3}
        )
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and response["Location"] == bulletin.get_absolute_url()
    assert bulletin.data["problems_total"] == 5
    page = client.get(bulletin.get_absolute_url()).content.decode()
    assert 'id="fig-problems">5<' in page and "download-docx" in page


def test_create_with_a_bad_period_shows_the_error_and_creates_nothing(client, ds):
    client.force_login(ds.office)
    response = client.post(
        reverse("bulletins:bulletin_create"), {"kind": "monthly", "period_code": "2026-13", "top_n": 3}
    )
    assert response.status_code == 400
    assert "无法识别的统计期间" in response.content.decode()
    assert Bulletin.objects.count() == 0


def test_edit_through_the_page(client, ds, pub):
    client.force_login(ds.office)
    url = reverse("bulletins:bulletin_edit", args=[pub["draft"].pk])
    data = {"title": "新标题", "issuer": "湖里区文明办", "recipients": [ds.u1.pk, ds.u2.pk], "cc": "区委办",
            "summary": "改写。", "requirements": "一\n二", "remarks": "", "top_n": 5}  # fmt: skip
    assert client.post(url, data).status_code == 302
    draft = Bulletin.objects.get(pk=pub["draft"].pk)
    assert (draft.title, draft.top_n, set(draft.recipients.all())) == ("新标题", 5, {ds.u1, ds.u2})
    data["title"] = ""
    assert client.post(url, data).status_code == 400
    assert Bulletin.objects.get(pk=draft.pk).title == "新标题"


def test_actions_matrix(client, ds, pub):
    draft = pub["draft"]
    submit = reverse("bulletins:bulletin_action", args=[draft.pk, "submit"])
    assert_matrix(client, submit, {"anonymous": 302, ds.handler_u1: 404, ds.leader: 403}, method="post")
    assert Bulletin.objects.get(pk=draft.pk).state == BulletinState.DRAFT
    assert_matrix(client, submit, {ds.office: 302}, method="post")
    assert Bulletin.objects.get(pk=draft.pk).state == BulletinState.REVIEW
    sign = reverse("bulletins:bulletin_action", args=[draft.pk, "sign"])
    assert_matrix(client, sign, {ds.office: 403, ds.auditor: 403, ds.leader: 302}, method="post")
    assert Bulletin.objects.get(pk=draft.pk).state == BulletinState.SIGNED


def test_generate_matrix(client, ds, pub):
    url = reverse("bulletins:bulletin_generate", args=[pub["draft"].pk, "pdf"])
    assert_matrix(client, url, {"anonymous": 302, ds.leader: 403, ds.handler_u1: 403}, method="post")
    assert BulletinJob.objects.filter(bulletin=pub["draft"], kind=JobKind.PDF).count() == 0
    assert_matrix(client, url, {ds.office: 302}, method="post")
    assert BulletinJob.objects.filter(bulletin=pub["draft"], kind=JobKind.PDF).count() == 1


def test_job_partial_polls_until_done(client, ds, pub):
    job = BulletinJob.objects.create(
        bulletin=pub["draft"], kind=JobKind.PDF, progress=40, stage="正在生成 PDF 文件"
    )
    client.force_login(ds.office)
    body = client.get(
        reverse("bulletins:bulletin_job", args=[pub["draft"].pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 2s"' in body and 'aria-valuenow="40"' in body and "正在生成 PDF 文件" in body
    BulletinJob.objects.filter(pk=job.pk).update(state="done", progress=100)
    response = client.get(reverse("bulletins:bulletin_job", args=[pub["draft"].pk]) + "?was=running")
    assert "every 2s" not in response.content.decode() and response["HX-Refresh"] == "true"


# --- appraisal: pages ---------------------------------------------------------------------------------------


def test_run_pages_matrix(client, ds, pub):
    run = pub["run"]
    expected = {"anonymous": 302, ds.inspector: 404, ds.handler_u2: 200, ds.leader: 200, ds.office: 200}
    for url in (
        reverse("bulletins:appraisal_detail", args=[run.pk]),
        reverse("bulletins:appraisal_export", args=[run.pk]),
    ):
        assert_matrix(client, url, expected)
    outsider = make_user("unit_handler", unit=ds.su2)
    assert_matrix(client, reverse("bulletins:appraisal_detail", args=[run.pk]), {outsider: 404})


def test_unit_sees_only_its_own_row(client, ds, pub):
    client.force_login(ds.handler_u2)
    body = client.get(reverse("bulletins:appraisal_detail", args=[pub["run"].pk])).content.decode()
    assert "区交通局" in body and "区市政园林局" not in body


def test_result_and_figure_matrix(client, ds, pub):
    r = pub["r_u2"]
    expected = {"anonymous": 302, ds.inspector: 404, ds.handler_u1: 404, ds.handler_u2: 200, ds.office: 200}
    assert_matrix(client, reverse("bulletins:result_detail", args=[r.pk]), expected)
    assert_matrix(client, reverse("bulletins:result_figure", args=[r.pk, "district_problems"]), expected)
    assert_matrix(client, reverse("bulletins:result_figure", args=[r.pk, "overdue_open"]),
                  {"anonymous": 302, ds.handler_u1: 404, ds.handler_u2: 302, ds.office: 302})  # fmt: skip


def test_figure_drills_down_to_its_records(client, ds, pub):
    client.force_login(ds.office)
    response = client.get(reverse("bulletins:result_figure", args=[pub["r_u1"].pk, "overdue_open"]))
    assert response["Location"] == f"/cases/?kpi=overdue_open&period=2026-10&unit={ds.u1.pk}"
    body = client.get(
        reverse("bulletins:result_figure", args=[pub["r_u2"].pk, "district_problems"])
    ).content.decode()
    assert ds.cases["D"].code in body and ds.cases["C"].code in body and ds.cases["A"].code not in body


def test_publish_export_and_scheme_pages_matrix(client, ds, pub):
    scheme = pub["scheme"]
    assert_matrix(client, reverse("bulletins:scheme_detail", args=[scheme.pk]),
                  {"anonymous": 302, ds.handler_u1: 404, ds.auditor: 200, ds.office: 200})  # fmt: skip
    for url in (reverse("bulletins:scheme_create"), reverse("bulletins:scheme_edit", args=[scheme.pk])):
        assert_matrix(client, url, {"anonymous": 302, ds.leader: 403, ds.handler_u1: 403, ds.office: 200})
    run = appraisal.run_appraisal(actor=ds.office, scheme=scheme, period_code="2026-09", now=NOW)
    assert_matrix(client, reverse("bulletins:appraisal_publish", args=[run.pk]),
                  {"anonymous": 302, ds.leader: 403, ds.office: 302}, method="post")  # fmt: skip
    assert_matrix(
        client, reverse("bulletins:appraisal_run"), {"anonymous": 302, ds.leader: 403}, method="post"
    )


def test_run_and_scheme_forms(client, ds, pub):
    client.force_login(ds.office)
    response = client.post(
        reverse("bulletins:appraisal_run"), {"scheme": pub["scheme"].pk, "period_code": "2026-10"}
    )
    assert response.status_code == 302
    bad = client.post(reverse("bulletins:appraisal_run"), {"scheme": pub["scheme"].pk, "period_code": "十月"})
    assert bad.status_code == 400 and "无法识别的统计期间" in bad.content.decode()
    form = {"name": "新方案", "subject": "street", "formula": "__import__('os')", "description": "", "missing_rate": "skip",
            "is_active": "on", "order": 0, "rules-TOTAL_FORMS": 1, "rules-INITIAL_FORMS": 0, "rules-MIN_NUM_FORMS": 0,
            "rules-MAX_NUM_FORMS": 1000, "rules-0-kind": "bonus", "rules-0-variable": "district_clean_points",
            "rules-0-points": 1}  # fmt: skip
    refused = client.post(reverse("bulletins:scheme_create"), form)
    assert refused.status_code == 400 and "公式错误" in refused.content.decode()
    assert not AppraisalScheme.objects.filter(name="新方案").exists()
    form["formula"] = "100"
    assert client.post(reverse("bulletins:scheme_create"), form).status_code == 302
    scheme = AppraisalScheme.objects.get(name="新方案")
    assert [(r.kind, r.variable, r.points) for r in scheme.rules.all()] == [
        ("bonus", "district_clean_points", 1.0)
    ]


def test_appeal_and_answer_through_the_pages(client, ds, pub):
    r = pub["r_u2"]
    url = reverse("bulletins:appeal_create", args=[r.pk])
    assert_matrix(client, url, {"anonymous": 302, ds.handler_u1: 404, ds.leader: 403}, method="post",
                  data={"reason": "该问题已于当日整改"})  # fmt: skip
    assert Appeal.objects.count() == 0
    client.force_login(ds.handler_u2)
    assert client.post(url, {"reason": "该问题已于当日整改"}).status_code == 302
    appeal = Appeal.objects.get()
    answer = reverse("bulletins:appeal_answer", args=[appeal.pk])
    data = {f"a{appeal.pk}-upheld": "1", f"a{appeal.pk}-answer": "成立", f"a{appeal.pk}-adjustment": "2"}
    assert_matrix(
        client, answer, {"anonymous": 302, ds.handler_u2: 403, ds.leader: 403}, method="post", data=data
    )
    assert_matrix(client, answer, {ds.office: 302}, method="post", data=data)
    appeal.refresh_from_db()
    assert (appeal.state, appeal.adjustment) == ("upheld", 2.0)


# --- API -------------------------------------------------------------------------------------------------------


def test_api_matrix(client, ds, pub):
    b = pub["published"]
    assert_api_matrix(
        client, "/api/v1/bulletins/bulletins/", {"anonymous": 401, ds.handler_u2: 200, ds.office: 200}
    )
    for url in (f"/api/v1/bulletins/bulletins/{b.pk}/", f"/api/v1/bulletins/bulletins/{b.pk}/data/"):
        assert_api_matrix(
            client,
            url,
            {"anonymous": 401, ds.inspector: 404, ds.handler_u2: 404, ds.handler_u1: 200, ds.office: 200},
        )
    s = pub["scheme"]
    assert_api_matrix(
        client, "/api/v1/bulletins/schemes/", {"anonymous": 401, ds.handler_u1: 200, ds.auditor: 200}
    )
    assert_api_matrix(
        client, f"/api/v1/bulletins/schemes/{s.pk}/", {"anonymous": 401, ds.handler_u1: 404, ds.auditor: 200}
    )
    run, r = pub["run"], pub["r_u2"]
    assert_api_matrix(client, f"/api/v1/bulletins/appraisal-runs/{run.pk}/",
                      {"anonymous": 401, ds.inspector: 404, ds.handler_u2: 200, ds.leader: 200})  # fmt: skip
    assert_api_matrix(client, f"/api/v1/bulletins/appraisal-results/{r.pk}/",
                      {"anonymous": 401, ds.handler_u1: 404, ds.handler_u2: 200, ds.office: 200})  # fmt: skip


def test_api_content(client, ds, pub, django_assert_max_num_queries):
    from rest_framework.authtoken.models import Token

    headers = {"Authorization": f"Token {Token.objects.get_or_create(user=ds.handler_u1)[0].key}"}
    with django_assert_max_num_queries(12):
        listing = client.get("/api/v1/bulletins/bulletins/", headers=headers).json()
    assert [x["doc_number"] for x in listing["results"]] == ["湖文明办〔2026〕1号"]
    assert listing["results"][0]["problems"] == 4
    assert set(listing["results"][0]["files"]) == {"docx", "xlsx", "pdf"}
    data = client.get(f"/api/v1/bulletins/bulletins/{pub['published'].pk}/data/", headers=headers).json()
    assert data["data"]["points"]["inspected"] == 4
    results = client.get(f"/api/v1/bulletins/appraisal-results/?run={pub['run'].pk}", headers=headers).json()
    assert [(x["label"], x["final_score"]) for x in results["results"]] == [("区市政园林局", 53.33)]
