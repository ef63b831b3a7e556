"""Street competition counting (domain.md §8 "Counting"): problems, not observations; city −2 / district −1,
halved when fixed on the spot; no floor unless the scheme sets one; overdue charged to the responsible party
in the period it became overdue, or (a scheme's explicit choice) every period it stays overdue."""

import pytest

from tests.bulletins.helpers import NOW
from wenming.bulletins import appraisal, variables
from wenming.bulletins.models import AppraisalScheme
from wenming.bulletins.periods import window_of
from wenming.inspections.models import Observation


@pytest.fixture
def competition(db):
    appraisal.ensure_template_schemes()
    return AppraisalScheme.objects.get(template_key="street_competition")


def _rules(scheme):
    return [
        {"kind": r.kind, "variable": r.variable, "points": r.points, "cap": r.cap, "note": r.note}
        for r in scheme.rules.all()
    ]


def test_an_observation_recording_three_problems_deducts_three_times(ds, competition):
    """B's observation at P2 (湖里街道, district round) records 3 problems: 3 × −1 instead of 1 × −1, so
    湖里街道 = 100 − (1 + 3) − 2 (E overdue) = 94."""
    Observation.objects.filter(case=ds.cases["B"]).update(problems=3)
    figures = variables.compute("street", window_of("2026-10"), now=NOW)
    s1 = figures[ds.s1.pk]
    assert s1["district_problems"]["value"] == 4.0
    assert len(s1["district_problems"]["refs"]["observations"]) == 2
    assert sorted(s1["district_problems"]["refs"]["problems"]) == [1, 3]
    run = appraisal.run_appraisal(actor=ds.office, scheme=competition, period_code="2026-10", now=NOW)
    assert run.results.get(area=ds.s1).final_score == 94.0


def test_no_floor_by_default_and_a_floor_only_when_the_scheme_sets_it(ds, competition):
    appraisal.save_scheme(actor=ds.office, scheme=competition, formula="3")
    run = appraisal.run_appraisal(actor=ds.office, scheme=competition, period_code="2026-10", now=NOW)
    scores = {r.label: r.final_score for r in run.results.all()}
    assert scores == {"湖里街道": -1.0, "殿前街道": 2.5}  # 3 − 4 and 3 − 1.5 + 1: not floored at 0
    assert run.scheme_snapshot["min_score"] is None
    appraisal.save_scheme(actor=ds.office, scheme=competition, min_score=0)
    floored = appraisal.run_appraisal(actor=ds.office, scheme=competition, period_code="2026-10", now=NOW)
    assert {r.label: r.final_score for r in floored.results.all()}["湖里街道"] == 0.0
    assert floored.scheme_snapshot["min_score"] == 0


def test_overdue_every_period_is_an_explicit_choice_of_the_scheme(ds, competition):
    """E (湖里街道办事处) became overdue on 21 October and is still unhandled: by default it is charged in
    October only; charged every period, November charges it again."""
    nov_default = variables.compute("street", window_of("2026-11"), now=NOW)
    assert nov_default.get(ds.s1.pk, {}).get("overdue_new") is None
    rules = [r if r["variable"] != "overdue_new" else {**r, "variable": "overdue_open_charged",
             "note": "超期未处置 −2（计入责任方，每期均计）"} for r in _rules(competition)]  # fmt: skip
    appraisal.save_scheme(actor=ds.office, scheme=competition, rules=rules)
    run = appraisal.run_appraisal(actor=ds.office, scheme=competition, period_code="2026-11", now=NOW)
    s1 = run.results.get(area=ds.s1)
    assert s1.value("overdue_open_charged") == 1.0
    assert s1.figures["overdue_open_charged"]["refs"] == {"cases": [ds.cases["E"].pk]}
    charged = [c for c in s1.contributions if c["variable"] == "overdue_open_charged"]
    assert charged[0]["note"] == "超期未处置 −2（计入责任方，每期均计）" and charged[0]["amount"] == 2.0


def test_unit_subject_charges_overdue_to_the_case_unit(ds):
    figures = variables.compute("unit", window_of("2026-10"), now=NOW)
    # B (区市政园林局, deadline 13 Oct), D (区交通局), E (湖里街道办事处); F's new deadline (27 Oct) too
    assert figures[ds.u1.pk]["overdue_new"]["refs"]["cases"] == sorted([ds.cases["B"].pk, ds.cases["F"].pk])
    assert figures[ds.u2.pk]["overdue_new"]["refs"]["cases"] == [ds.cases["D"].pk]
    assert figures[ds.su1.pk]["overdue_new"]["refs"]["cases"] == [ds.cases["E"].pk]
