"""A past period stands as it was at its end (domain.md §8 "Periods"): reopening old cases later changes
neither the KPI page's figures nor a fresh appraisal run nor the bulletin's handling table for that period; the
reopening is a rebound of the month it happens in."""

import pytest
from django.urls import reverse

from tests.bulletins.helpers import NOW, local
from wenming.bulletins import appraisal, collect, variables
from wenming.bulletins.choices import BulletinKind
from wenming.bulletins.models import AppraisalScheme
from wenming.bulletins.periods import window_of
from wenming.cases import kpis
from wenming.cases import services as case_services
from wenming.cases.models import Case

OCT = kpis.parse_period("2026-10")
SEP = kpis.parse_period("2026-09")
LATER = local(2026, 11, 20, 12, 0)


@pytest.fixture
def templates(db):
    appraisal.ensure_template_schemes()
    return {s.template_key: s for s in AppraisalScheme.objects.all()}


def _counts(period, now):
    return {row.label: row.counts for row in kpis.compute("unit", period, now=now, formulas=[])}


def _reopen(ds, key, at):
    case = Case.objects.get(pk=ds.cases[key].pk)
    return case_services.transition(
        case, "reopen", actor=ds.office, note="回头看复查发现反弹", reason="recheck", at=at
    )


def test_a_case_closed_in_september_stays_closed_in_september_after_its_october_reopening(ds):
    """F: dispatched 10 Sep, fixed 10 Sep 15:00, closed 11 Sep; reopened 25 Oct. September (over): due 1,
    handled 1, closed 1 — before this rule F had vanished from September."""
    sep = _counts(SEP, NOW)["区市政园林局"]
    assert (sep["due"], sep["handled"], sep["closed"], sep["closed_on_time"]) == (1, 1, 1, 1)
    figures = variables.compute("unit", window_of("2026-10"), now=NOW)
    assert figures[ds.u1.pk]["rebounds"]["refs"] == {"cases": [ds.cases["F"].pk]}  # the rebound is October's


def test_reopening_old_cases_changes_nothing_of_the_past_month(ds, templates, client):
    scheme = templates["unit_closing"]
    frozen = appraisal.run_appraisal(actor=ds.office, scheme=scheme, period_code="2026-10", now=NOW)
    kpi_before = _counts(OCT, NOW)
    snapshot_before = collect.collect(collect.Spec(BulletinKind.MONTHLY, window_of("2026-10")), now=NOW)[
        "handling"
    ]
    assert kpi_before["区市政园林局"]["closed"] == 1  # A, closed 13 October

    # November: A (closed 13 Oct) is reopened
    _reopen(ds, "A", local(2026, 11, 10, 9, 0))

    kpi_after = _counts(OCT, LATER)
    assert kpi_after == kpi_before
    again = appraisal.run_appraisal(actor=ds.office, scheme=scheme, period_code="2026-10", now=LATER)
    before = {
        r.label: (r.final_score, r.rank, {k: v["value"] for k, v in r.figures.items()})
        for r in frozen.results.all()
    }
    after = {
        r.label: (r.final_score, r.rank, {k: v["value"] for k, v in r.figures.items()})
        for r in again.results.all()
    }
    assert after == before
    snapshot_after = collect.collect(collect.Spec(BulletinKind.MONTHLY, window_of("2026-10")), now=LATER)[
        "handling"
    ]
    assert snapshot_after == snapshot_before
    # November carries the rebound, October does not
    nov = variables.compute("unit", window_of("2026-11"), now=LATER)
    assert nov[ds.u1.pk]["rebounds"]["refs"]["cases"] == [ds.cases["A"].pk]
    # the drill-down of October's 结案数 still lists A, though A is open now
    client.force_login(ds.office)
    response = client.get(
        reverse("cases:case_list"), {"kpi": "closed", "period": "2026-10", "unit": ds.u1.pk}
    )
    assert response.status_code == 200
    assert ds.cases["A"].code in response.content.decode()
    # and the KPI page for October shows the same 结案数 as the frozen run
    page = client.get(reverse("cases:kpi"), {"period": "2026-10", "dimension": "unit"})
    assert page.status_code == 200
    u1 = frozen.results.get(unit=ds.u1)
    assert u1.value("closed") == 1.0 == float(kpi_after["区市政园林局"]["closed"])
