"""Two users acting on the same case at once: one transition wins, nothing is lost (real threads, real
transactions; run on SQLite — a file database, see settings — and on PostgreSQL with `make test-pg`)."""

import threading

import pytest
from django.db import connection

from tests.cases.helpers import build_world, case_in, new_case
from wenming.cases import services
from wenming.cases.models import Case, CaseEvent, CaseSequence
from wenming.cases.workflow import TransitionError
from wenming.core import workcal
from wenming.core.services import seed_calendar

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    workcal.clear_cache()
    seed_calendar(years=range(2025, 2027))
    return build_world()


def run_together(*calls):
    """Start every call at the same moment in its own thread (own connection); collect results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, func):
        try:
            barrier.wait()
            results[index] = ("ok", func())
        except TransitionError as exc:
            results[index] = ("refused", exc.code)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_only_one_of_two_conflicting_transitions_wins(world):
    import datetime

    case = case_in(world, "dispatched")

    results = run_together(
        lambda: services.transition(
            Case.objects.get(pk=case.pk), "transfer", actor=world.handler, note="非本单位"
        ),
        lambda: services.transition(
            Case.objects.get(pk=case.pk),
            "park",
            actor=world.office,
            note="需改造",
            park_until=datetime.date(2030, 1, 1),
        ),
    )

    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["ok", "refused"], results
    assert [r[1] for r in results if r[0] == "refused"] == ["state"]
    case.refresh_from_db()
    winner = "returned" if results[0][0] == "ok" else "parked"
    assert case.state == winner
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True).order_by("id")) == [
        "created",
        "dispatched",
        "transfer_requested" if winner == "returned" else "parked",
    ]


def test_two_registrations_at_once_register_once(world):
    case = new_case(world)

    results = run_together(
        lambda: services.register(Case.objects.get(pk=case.pk), actor=world.office),
        lambda: services.register(Case.objects.get(pk=case.pk), actor=world.office2),
    )

    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert CaseEvent.objects.filter(case=case, kind="registered").count() == 1


def test_concurrent_counter_updates_are_not_lost(world):
    case = case_in(world, "fixing")

    results = run_together(
        *[
            lambda u=u: services.transition(Case.objects.get(pk=case.pk), "remind", actor=u)
            for u in (world.office, world.office2, world.leader, world.group_lead)
        ]
    )

    assert [r[0] for r in results] == ["ok"] * 4, results
    case.refresh_from_db()
    assert case.reminders == 4


def test_concurrent_reports_get_distinct_codes_and_one_case_per_idempotency_key(world):
    results = run_together(*[lambda: new_case(world).code for _ in range(4)])
    codes = [r[1] for r in results]
    assert sorted(codes) == [f"HL-2025-00000{i}" for i in range(1, 5)], results
    assert CaseSequence.objects.get(year=2025).last == 4

    same = run_together(*[lambda: new_case(world, idempotency_key="tap-twice").pk for _ in range(2)])
    assert [r[0] for r in same] == ["ok", "ok"], same
    assert same[0][1] == same[1][1]
    assert Case.objects.count() == 5
