"""`wenming generate`: the bulk-built cases are the rows the services would write (docs/generate.md)."""

from collections import Counter, defaultdict

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from wenming.accounts.models import User
from wenming.cases import deadlines, kpis
from wenming.cases.choices import UNIT_CLOCK_STATES, CaseState, EventKind
from wenming.cases.models import Case, CaseEvent, CaseSequence
from wenming.cases.services.creating import _street_of
from wenming.cases.workflow import TRANSITIONS
from wenming.demo.generate import generate

S = CaseState
N = 400


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """Built once for the module's tests (read-only), rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate(cases=N, years=0.25, seed=11, log=lambda m: None)  # recent: every open state
        transaction.set_rollback(True)


def test_cases_are_what_the_services_would_write(generated, db):
    # given N generated cases
    assert generated.cases == N == Case.objects.count()
    assert CaseEvent.objects.count() == generated.events > N * 4
    cases = {c.pk: c for c in Case.objects.select_related("category__parent", "area", "unit")}
    timeline = defaultdict(list)
    for event in CaseEvent.objects.order_by("at", "id"):
        timeline[event.case_id].append(event)
    now = timezone.now()
    states = Counter(c.state for c in cases.values())
    # then every part of the workflow is there: closed, open in each unit state, rejected, merged, overdue
    for state in (S.CLOSED, S.FIXING, S.REJECTED, S.FIX_REPORTED):
        assert states[state] > 0, (state, states)
    assert sum(1 for c in cases.values() if c.is_overdue(now)) > 0
    assert sum(c.reworks for c in cases.values()) > 0 and sum(c.extensions for c in cases.values()) > 0
    assert sum(c.transfers for c in cases.values()) > 0
    for case in cases.values():
        events = timeline[case.pk]
        # the timeline starts with 上报 at the reported time and ends in the case's state
        assert events[0].kind == EventKind.CREATED and events[0].at == case.reported_at
        assert events[-1].to_state == case.state, case.code
        own = [e for e in events if e.kind != EventKind.MERGED_FROM]  # a merge into it does not touch the row
        assert all(e.at <= now for e in events)
        # every step is a legal move of the declared workflow, from the state the previous step left
        state = S.REPORTED
        for event in events[1:]:
            if event.kind == EventKind.MERGED_FROM:
                assert event.to_state == state
                continue
            assert event.from_state == state, (case.code, event.action)
            assert state in TRANSITIONS[event.action].sources
            state = event.to_state
        # denormalised fields as create_case derives them
        assert case.top_category_id == case.category.parent_id
        assert case.street_id == (_street_of(case.area).pk if _street_of(case.area) else None)
        assert case.dispatch_deadline == deadlines.dispatch_deadline(case.reported_at)
        # deadlines from the work calendar: fix deadline = category deadline from the cycle start
        approved = [e for e in events if e.kind == EventKind.EXTENSION_APPROVED]
        if case.fix_deadline and not approved:
            assert case.fix_deadline == deadlines.fix_deadline(case.category, case.cycle_started_at)
        if approved:
            assert case.extensions == len(approved)
        if (
            case.state in (S.FIX_REPORTED, S.CLOSED)
            and case.clock_started_at
            and case.handling_seconds is not None
        ):
            assert case.handling_seconds == deadlines.handling_seconds(
                case.clock_started_at, case.fix_reported_at
            )
        if case.state == S.MERGED:
            assert case.merged_into_id and cases[case.merged_into_id].state not in (S.MERGED, S.REJECTED)
        if case.state in UNIT_CLOCK_STATES:
            assert case.unit_id and case.fix_deadline and case.next_alert_at
        if case.state == S.CLOSED:
            assert case.closed_at == case.verified_at and case.verified_by_id != case.fix_reported_by_id
        assert case.reworks == sum(1 for e in events if e.kind == EventKind.REWORK)
        assert case.rebounds == sum(1 for e in events if e.kind == EventKind.REOPENED)
        assert case.created_at == case.reported_at and case.updated_at == own[-1].at
    # codes are unique and the year's sequence continues after the last generated number
    codes = [c.code for c in cases.values()]
    assert len(set(codes)) == len(codes)
    for year, last in CaseSequence.objects.values_list("year", "last"):
        numbers = [int(c.rsplit("-", 1)[1]) for c in codes if c.split("-")[1] == str(year)]
        assert last == max(numbers) == len(numbers)


def test_kpis_and_pages_work_on_generated_data(generated, db):
    # the KPI computation of this year by unit counts every dispatched case of the period
    period = kpis.parse_period(str(timezone.localdate().year))
    rows = kpis.compute("district", period)
    assert rows and sum(rows[0].counts.values()) > 0
    # the main pages render for each role's generated account
    case = Case.objects.filter(state=S.FIXING).first()
    for role in ("office", "unit", "street", "leader", "inspector"):
        client = Client()
        client.force_login(User.objects.get(username=f"gen-{role}"))
        for url in ("/", "/cases/", "/api/v1/cases/"):
            assert client.get(url).status_code == 200, (role, url)
    client = Client()
    client.force_login(User.objects.get(username="gen-office"))
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and case.code in page.content.decode()
