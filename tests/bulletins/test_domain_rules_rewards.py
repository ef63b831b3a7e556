"""Reward and penalty amounts (考核奖惩, docs/domain-rules.md §7): a scheme maps ranks or scores to amounts,
the results keep the amount with its basis, the export carries both, an upheld appeal moves the money."""

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.bulletins.helpers import NOW
from wenming.bulletins import appraisal
from wenming.bulletins.appraisal import AppraisalError
from wenming.bulletins.models import AppraisalScheme


@pytest.fixture
def templates(db):
    appraisal.ensure_template_schemes()
    return {s.template_key: s for s in AppraisalScheme.objects.all()}


BANDS = "名次 1-1 = 5000 第一名奖励\n得分 0-50 = -2000 低于 50 分扣罚\n名次 2-3 = 1000"


def test_parse_and_print_bands_and_refuse_bad_lines():
    bands = appraisal.parse_bands(BANDS)
    assert bands == [
        {"by": "rank", "low": 1.0, "high": 1.0, "amount": 5000.0, "note": "第一名奖励"},
        {"by": "score", "low": 0.0, "high": 50.0, "amount": -2000.0, "note": "低于 50 分扣罚"},
        {"by": "rank", "low": 2.0, "high": 3.0, "amount": 1000.0, "note": ""},
    ]
    assert appraisal.parse_bands(appraisal.bands_text(bands)) == bands
    with pytest.raises(AppraisalError, match="第 2 行格式"):
        appraisal.parse_bands("名次 1-1 = 5000\n第一名 5000")
    with pytest.raises(AppraisalError, match="下限高于上限"):
        appraisal.parse_bands("得分 90-80 = 100")


def test_worked_example_unit_handling_october(ds, templates):
    """October, 责任单位处置综合考核: 区市政园林局 53.33 (1st) → 5000; 区交通局 and 湖里街道办事处 30.00 (tied
    2nd) → the first matching band is "得分 0–50": −2000 each (bands are tried top down)."""
    scheme = templates["unit_handling"]
    appraisal.save_scheme(actor=ds.office, scheme=scheme, reward_bands=appraisal.parse_bands(BANDS))
    run = appraisal.run_appraisal(actor=ds.office, scheme=scheme, period_code="2026-10", now=NOW)
    got = {r.label: (r.final_score, r.rank, r.amount) for r in run.results.all()}
    assert got == {
        "区市政园林局": (53.33, 1, 5000.0),
        "区交通局": (30.0, 2, -2000.0),
        "湖里街道办事处": (30.0, 2, -2000.0),
    }
    u1 = run.results.get(unit=ds.u1)
    assert u1.amount_basis == "名次 1 属“名次 1–1”档：奖励 5000 元（第一名奖励）"
    assert (
        run.results.get(unit=ds.u2).amount_basis
        == "最终得分 30.00 属“得分 0–50”档：扣罚 2000 元（低于 50 分扣罚）"
    )
    # exported with the results, the bands on the scheme sheet
    wb = openpyxl.load_workbook(io.BytesIO(appraisal.export_xlsx(run, run.results.all())))
    rows = list(wb["考核结果"].iter_rows(values_only=True))
    head = list(rows[0])
    first = dict(zip(head, rows[2], strict=False))
    assert (first["名称"], first["奖惩金额（元）"]) == ("区市政园林局", 5000)
    assert first["奖惩依据"].startswith("名次 1 属")
    info = {r[0]: r[1] for r in wb["考核方案"].iter_rows(values_only=True) if r and r[0]}
    assert info["奖惩档次"].splitlines()[0] == "名次 1-1 = 5000 第一名奖励"
    # an upheld appeal (+25 → 55.00, 1st) moves the money with the rank
    appraisal.publish_run(actor=ds.office, run=run)
    u2 = run.results.get(unit=ds.u2)
    appeal = appraisal.file_appeal(actor=ds.handler_u2, result=u2, reason="D 案件已于当日整改完毕")
    appraisal.answer_appeal(actor=ds.office, appeal=appeal, upheld=True, answer="成立", adjustment=25)
    after = {r.label: (r.final_score, r.rank, r.amount) for r in run.results.all()}
    assert after["区交通局"] == (55.0, 1, 5000.0)
    assert after["区市政园林局"] == (53.33, 2, 1000.0)


def test_no_bands_no_amount_and_the_pages_show_them(ds, templates, client):
    run = appraisal.run_appraisal(
        actor=ds.office, scheme=templates["street_competition"], period_code="2026-10", now=NOW
    )
    assert {r.amount for r in run.results.all()} == {None}
    client.force_login(ds.office)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "不设（得分可低于 0）" in page  # the floor choice is visible on the result
    scheme = templates["unit_handling"]
    response = client.post(reverse("bulletins:scheme_edit", args=[scheme.pk]), {
        "name": scheme.name, "subject": scheme.subject, "formula": scheme.formula, "description": "",
        "missing_rate": scheme.missing_rate, "is_active": "on", "order": 1, "reward_text": "名次 一 = 5",
        "rules-TOTAL_FORMS": 0, "rules-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert response.status_code == 400 and "第 1 行格式" in response.content.decode()
    assert AppraisalScheme.objects.get(pk=scheme.pk).reward_bands == []
