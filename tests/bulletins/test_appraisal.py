"""Appraisal (考核) on the known October 2026: the shipped templates computed by hand, rules and caps, a formula
that tries to run code (refused), traceable figures, appeals and the export."""

import io
import os

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.bulletins.helpers import NOW
from wenming.bulletins import appraisal, variables
from wenming.bulletins.appraisal import AppraisalError
from wenming.bulletins.choices import AppealState, RunState, Subject
from wenming.bulletins.models import Appeal, AppraisalResult, AppraisalRule, AppraisalRun, AppraisalScheme
from wenming.bulletins.periods import window_of


@pytest.fixture
def templates(db):
    appraisal.ensure_template_schemes()
    return {s.template_key: s for s in AppraisalScheme.objects.all()}


def _scores(run) -> dict:
    return {r.label: (r.final_score, r.rank, r.tied) for r in run.results.all()}


def test_street_competition_template_by_hand(ds, templates):
    """湖里街道: 2 district problems not fixed on the spot (−1 each); of the overdue cases in its territory
    (B, E, F) only E is the street's own (湖里街道办事处): B and F are 区市政园林局's → 100 − 2 − 2 = 96.
    殿前街道: 1 district problem (−1), 1 fixed on the spot (−0.5), 1 problem-free point (P3: +1); its only
    overdue case D is 区交通局's, not the street's → 99.5 (domain.md §8: overdue charged to the party
    responsible, in the period it became overdue)."""
    run = appraisal.run_appraisal(
        actor=ds.office, scheme=templates["street_competition"], period_code="2026-10", now=NOW
    )
    assert _scores(run) == {"殿前街道": (99.5, 1, False), "湖里街道": (96.0, 2, False)}
    s1 = run.results.get(area=ds.s1)
    assert (s1.base, s1.bonus, s1.deduction) == (100.0, 0.0, 4.0)
    assert [(c["variable"], c["value"], c["amount"]) for c in s1.contributions] == [
        ("city_problems_open", 0.0, 0.0), ("city_problems_on_spot", 0.0, 0.0), ("district_problems_open", 2.0, 2.0),
        ("district_problems_on_spot", 0.0, 0.0), ("city_clean_points", 0.0, 0.0), ("district_clean_points", 0.0, 0.0),
        ("overdue_new", 1.0, 2.0),
    ]  # fmt: skip
    assert s1.figures["overdue_new"]["refs"] == {"cases": [ds.cases["E"].pk]}
    # the territory count stays available as its own variable (a scheme may choose it, and says so)
    assert s1.value("overdue_open") == 3.0
    s2 = run.results.get(area=ds.s2)
    assert (
        s2.value("district_problems_on_spot"),
        s2.value("district_clean_points"),
        s2.value("overdue_open"),
        s2.value("overdue_new"),
    ) == (1.0, 1.0, 1.0, 0.0)


def test_unit_handling_formula_by_hand_with_a_tie(ds, templates):
    """区市政园林局: due A B F, handled A (on time), overdue B F → 30/3 + 20/3 + 20 + 20/3 + 10 = 53.33.
    区交通局 (D) and 湖里街道办事处 (E): one case due, unhandled and overdue → 0 + 0 + 20 + 0 + 10 = 30 (tied)."""
    run = appraisal.run_appraisal(
        actor=ds.office, scheme=templates["unit_handling"], period_code="2026-10", now=NOW
    )
    assert _scores(run) == {
        "区市政园林局": (53.33, 1, False),
        "区交通局": (30.0, 2, True),
        "湖里街道办事处": (30.0, 2, True),
    }
    u1 = run.results.get(unit=ds.u1)
    assert (u1.value("due"), u1.value("handled"), u1.value("overdue_open")) == (3.0, 1.0, 2.0)
    assert u1.value("handling_rate") == pytest.approx(1 / 3)


def test_closing_formula_without_cases_due_gives_no_score_unless_told_how_to_count_it(ds, templates):
    """1–12 October: every point was inspected on the 12th, but no case was due yet (A, B, D fall due on the
    13th; F, closed in September, stands closed at the end of September — its October reopening is later), so
    区市政园林局's rates lack a denominator. (September itself now has F due and closed: domain.md §8.)"""
    scheme = templates["unit_closing"]
    period = "2026-10-01~2026-10-12"
    run = appraisal.run_appraisal(actor=ds.office, scheme=scheme, period_code=period, now=NOW)
    u1 = run.results.get(unit=ds.u1)
    assert (u1.score, u1.rank, u1.value("due")) == (None, None, 0.0)
    assert "本期无应处置（应结案）案件" in u1.error
    appraisal.save_scheme(actor=ds.office, scheme=scheme, missing_rate="best")
    best = appraisal.run_appraisal(actor=ds.office, scheme=scheme, period_code=period, now=NOW)
    assert _scores(best)["区市政园林局"] == (100.0, 1, True)  # (1 + 0.4×0)×0.8 + (1−0)×0.1 + (1−0)×0.1
    appraisal.save_scheme(actor=ds.office, scheme=scheme, missing_rate="worst")
    worst = appraisal.run_appraisal(actor=ds.office, scheme=scheme, period_code=period, now=NOW)
    assert _scores(worst)["区市政园林局"] == (32.0, 1, True)  # (0 + 0.4×1)×0.8 + 0 + 0
    august = appraisal.run_appraisal(actor=ds.office, scheme=scheme, period_code="2026-08", now=NOW)
    assert august.results.count() == 0  # no unit has any figure in August


def test_rules_caps_and_score_range(ds):
    scheme = appraisal.save_scheme(
        actor=ds.office, name="封顶测试", subject=Subject.STREET, formula="90", max_deduction=5, max_score=89, min_score=0,
        rules=[
            {"kind": "deduction", "variable": "district_problems", "points": 3, "cap": 4},  # 湖里 2 → 6, capped 4
            {"kind": "deduction", "variable": "超期待处置数", "points": 1},  # by label; 湖里 3
            {"kind": "bonus", "variable": "district_clean_points", "points": 5},  # 殿前 1 → +5
        ],
    )  # fmt: skip
    run = appraisal.run_appraisal(actor=ds.office, scheme=scheme, period_code="2026-10", now=NOW)
    s1, s2 = run.results.get(area=ds.s1), run.results.get(area=ds.s2)
    assert (s1.deduction, s1.score, s1.rank) == (5.0, 85.0, 2)  # 4 + 3 = 7, all deductions capped at 5
    # 殿前: 2 problems → 6 capped 4, 1 overdue → 1: 5; 90 + 5 − 5 = 90, above the maximum 89
    assert (s2.bonus, s2.deduction, s2.score, s2.rank) == (5.0, 5.0, 89.0, 1)
    assert [r.variable for r in scheme.rules.all()] == [
        "district_problems",
        "overdue_open",
        "district_clean_points",
    ]


@pytest.mark.parametrize(
    "formula",
    [
        "__import__('os').system('touch /tmp/wenming-pwned')",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd').read()",
        "处置率 if exec('import os') else 1",
        "(lambda: 1)()",
    ],
)
def test_a_formula_that_tries_to_run_code_is_refused_and_saves_nothing(ds, formula):
    with pytest.raises(AppraisalError) as err:
        appraisal.save_scheme(actor=ds.office, name="恶意公式", subject=Subject.UNIT, formula=formula)
    assert "公式错误" in " ".join(err.value.messages)
    assert not AppraisalScheme.objects.filter(name="恶意公式").exists()
    assert not os.path.exists("/tmp/wenming-pwned")


def test_a_tampered_formula_in_a_stored_scheme_is_refused_at_evaluation(ds):
    scheme = AppraisalScheme.objects.create(
        name="被篡改", subject=Subject.STREET, formula="__import__('os').getcwd()"
    )
    with pytest.raises(AppraisalError):
        appraisal.run_appraisal(actor=ds.office, scheme=scheme, period_code="2026-10", now=NOW)
    assert AppraisalRun.objects.count() == 0
    out = appraisal.evaluate_subject({"formula": "__import__('os')", "rules": []}, {})
    assert out["score"] is None and "公式错误" in out["error"]


def test_unknown_variable_and_bad_rule_are_refused(ds):
    with pytest.raises(AppraisalError, match="未知的变量"):
        appraisal.save_scheme(actor=ds.office, name="未知变量", subject=Subject.UNIT, formula="满意度*100")
    with pytest.raises(AppraisalError):
        appraisal.save_scheme(actor=ds.office, name="坏规则", subject=Subject.UNIT, formula="100",
                              rules=[{"kind": "deduction", "variable": "不存在", "points": 1}])  # fmt: skip
    with pytest.raises(AppraisalError):
        appraisal.save_scheme(actor=ds.office, name="负分值", subject=Subject.UNIT, formula="100",
                              rules=[{"kind": "bonus", "variable": "due", "points": -1}])  # fmt: skip
    assert AppraisalScheme.objects.count() == 0 and AppraisalRule.objects.count() == 0


def test_only_office_configures_and_runs(ds, templates):
    with pytest.raises(PermissionDenied):
        appraisal.save_scheme(actor=ds.leader, name="领导方案", subject=Subject.UNIT, formula="100")
    with pytest.raises(PermissionDenied):
        appraisal.run_appraisal(actor=ds.leader, scheme=templates["unit_handling"], period_code="2026-10")
    assert AppraisalRun.objects.count() == 0


def test_every_figure_keeps_the_records_behind_it(ds, templates):
    run = appraisal.run_appraisal(
        actor=ds.office, scheme=templates["street_competition"], period_code="2026-10", now=NOW
    )
    s1 = run.results.get(area=ds.s1)
    obs = s1.figures["district_problems"]["refs"]["observations"]
    from wenming.inspections.models import Observation

    assert sorted(Observation.objects.filter(pk__in=obs).values_list("case__code", flat=True)) == sorted(
        [ds.cases["A"].code, ds.cases["B"].code]
    )
    assert (
        s1.figures["overdue_open"]["refs"]["url"]
        == f"/cases/?kpi=overdue_open&period=2026-10&street={ds.s1.pk}"
    )
    s2 = run.results.get(area=ds.s2)
    assert len(s2.figures["district_clean_points"]["refs"]["inspections"]) == 1
    figures = variables.compute("street", window_of("2026-10"), now=NOW)
    assert figures[ds.s1.pk]["rebounds"] == {"value": 1.0, "refs": {"cases": [ds.cases["F"].pk]}}


def test_appeal_by_the_own_unit_answered_by_the_office_reranks(
    ds, templates, django_capture_on_commit_callbacks
):
    run = appraisal.run_appraisal(
        actor=ds.office, scheme=templates["unit_handling"], period_code="2026-10", now=NOW
    )
    u2 = run.results.get(unit=ds.u2)
    with pytest.raises(Http404):  # not published yet: the unit does not see its result
        appraisal.file_appeal(actor=ds.handler_u2, result=u2, reason="案件已于当日整改完毕")
    appraisal.publish_run(actor=ds.office, run=run)
    with pytest.raises(Http404):  # another unit's result
        appraisal.file_appeal(actor=ds.handler_u1, result=u2, reason="替别人申诉一下")
    with pytest.raises(AppraisalError):
        appraisal.file_appeal(actor=ds.handler_u2, result=u2, reason="短")
    appeal = appraisal.file_appeal(
        actor=ds.handler_u2, result=u2, reason="D 案件已于当日整改完毕，系统未及时反馈"
    )
    with pytest.raises(AppraisalError, match="待答复"):
        appraisal.file_appeal(actor=ds.handler_u2, result=u2, reason="再申诉一次同一结果")
    with pytest.raises(AppraisalError):
        appraisal.answer_appeal(actor=ds.office, appeal=appeal, upheld=False, answer="不成立", adjustment=3)
    assert Appeal.objects.get(pk=appeal.pk).state == AppealState.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        appraisal.answer_appeal(
            actor=ds.office, appeal=appeal, upheld=True, answer="经核实成立，加 25 分", adjustment=25
        )
    assert _scores(run)["区交通局"] == (55.0, 1, False)
    assert _scores(run)["区市政园林局"] == (53.33, 2, False)
    assert AppraisalResult.objects.get(pk=u2.pk).adjustment == 25.0
    from wenming.core.models import Notification

    assert Notification.objects.filter(recipient=ds.handler_u2, kind="appraisal.answered").count() == 1


def test_export_for_the_third_party_appraiser(ds, templates):
    run = appraisal.run_appraisal(
        actor=ds.office, scheme=templates["street_competition"], period_code="2026-10", now=NOW
    )
    wb = openpyxl.load_workbook(io.BytesIO(appraisal.export_xlsx(run, run.results.all())))
    assert wb.sheetnames == ["考核结果", "加扣分明细", "考核方案"]
    rows = list(wb["考核结果"].iter_rows(values_only=True))
    codes = rows[1]
    first = dict(zip(codes, rows[2], strict=True))
    assert rows[2][:8] == (1, "殿前街道", 100, 1, 1.5, 99.5, 0, 99.5)
    assert (first["district_clean_points"], first["overdue_open"], first["overdue_new"]) == (1, 1, 0)
    info = {r[0]: r[1] for r in wb["考核方案"].iter_rows(values_only=True) if r and r[0]}
    assert info["基础公式"] == "100" and info["方案"] == "街道（社区）创建竞赛"


def test_published_run_and_its_state(ds, templates):
    run = appraisal.run_appraisal(
        actor=ds.office, scheme=templates["street_competition"], period_code="2026-10", now=NOW
    )
    appraisal.publish_run(actor=ds.office, run=run)
    assert AppraisalRun.objects.get(pk=run.pk).state == RunState.PUBLISHED
    with pytest.raises(AppraisalError):
        appraisal.publish_run(actor=ds.office, run=run)
    assert run.scheme_snapshot["rules"][0] == {"kind": "deduction", "variable": "city_problems_open", "points": 2.0,
                                                "cap": None, "note": "市级测评问题 −2"}  # fmt: skip
