"""The demo step `load_bulletins`: published weekly and monthly bulletins with their three files, a draft, and
appraisal results for the last month — and nothing twice."""

import io

import docx
from django.utils import timezone

from tests.factories import make_user
from wenming.bulletins.choices import BulletinState
from wenming.bulletins.models import AppraisalRun, Bulletin
from wenming.bulletins.periods import default_code
from wenming.demo.bulletins import load_bulletins
from wenming.demo.context import DemoContext
from wenming.inspections.models import Round


def test_load_bulletins_makes_downloadable_documents_once(ds, capsys):
    make_user("office", username="office")
    make_user("leader", username="leader")
    Round.objects.filter(pk=ds.round.pk).update(state="closed", closed_at=timezone.now())
    ctx = DemoContext(seed=1)
    load_bulletins(ctx)
    today = timezone.localdate()
    weekly = Bulletin.objects.get(kind="weekly")
    monthly = Bulletin.objects.get(kind="monthly")
    draft = Bulletin.objects.get(kind="inspection")
    assert (weekly.period_code, monthly.period_code) == (
        default_code("weekly", today),
        default_code("monthly", today),
    )
    assert {weekly.state, monthly.state, draft.state} == {BulletinState.PUBLISHED, BulletinState.DRAFT}
    assert draft.state == BulletinState.DRAFT and draft.round_id == ds.round.pk and bool(draft.docx)
    year = today.year
    assert sorted([weekly.doc_number, monthly.doc_number]) == [
        f"湖文明办〔{year}〕1号",
        f"湖文明办〔{year}〕2号",
    ]
    for b in (weekly, monthly):
        assert b.docx and b.xlsx and b.pdf and b.pdf.read()[:5] == b"%PDF-"
        assert docx.Document(io.BytesIO(b.docx.read())).paragraphs[2].text == b.title
    runs = AppraisalRun.objects.filter(period_code=default_code("monthly", today))
    assert sorted((r.scheme.template_key, r.state) for r in runs) == [
        ("street_competition", "published"),
        ("unit_handling", "computed"),
    ]
    # a second run changes nothing
    load_bulletins(DemoContext(seed=1))
    assert Bulletin.objects.count() == 3 and AppraisalRun.objects.count() == 2


def test_the_demo_steps_bulletins_name_only_people_of_the_rows_unit(ds):
    """The demo's bulletin step over a month with an upheld transfer (B moved to 区交通局): every published
    snapshot names only people of the row's unit (docs/domain-rules.md §1)."""
    from tests.bulletins.helpers import local
    from tests.bulletins.test_domain_rules_named import assert_people_of_their_units
    from wenming.cases import services as case_services

    b = case_services.transition(ds.cases["B"], "transfer", actor=ds.handler_u1, note="非本单位职责",
                                 at=local(2026, 10, 12, 14, 0))  # fmt: skip
    case_services.dispatch(b, actor=ds.office, unit=ds.u2, at=local(2026, 10, 12, 15, 0))
    make_user("office", username="office")
    make_user("leader", username="leader")
    load_bulletins(DemoContext(seed=1))
    bulletins = list(Bulletin.objects.exclude(data={}))
    assert bulletins
    for bulletin in bulletins:
        assert_people_of_their_units(bulletin.data)
