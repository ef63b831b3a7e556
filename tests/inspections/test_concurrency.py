"""The same submission arriving twice at once (a phone retrying while the first request is still running):
exactly one inspection. Real threads, real transactions (file SQLite here; PostgreSQL with `make test-pg`)."""

import threading

import pytest
from django.db import connection

from tests.inspections.factories import make_world, payload, with_result
from wenming.cases.models import Case
from wenming.inspections import services
from wenming.inspections.models import Inspection, Observation

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, func):
        try:
            barrier.wait()
            results[index] = ("ok", func())
        except services.InspectionError as exc:
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


def test_same_client_id_twice_at_once_records_one_inspection():
    world = make_world()
    task = world.tasks[world.points[0].pk]
    abc = world.criteria["abc"]
    obs = with_result(payload(task, world.criteria)["observations"], abc, result="noncompliant", problems=1)
    data = payload(task, world.criteria, observations=obs)

    def submit():
        return services.submit_inspection(actor=world.inspector, submission=services.parse_submission(data))

    results = run_together(submit, submit)
    assert [r[0] for r in results] == ["ok", "ok"], results
    assert sorted(r[1].created for r in results) == [False, True]
    assert results[0][1].inspection.pk == results[1][1].inspection.pk
    assert (Inspection.objects.count(), Observation.objects.count(), Case.objects.count()) == (1, 6, 1)


def test_two_inspectors_of_a_pair_submitting_the_same_task_at_once():
    world = make_world()
    task = world.tasks[world.points[0].pk]

    def submit(user):
        data = payload(task, world.criteria)
        return lambda: services.submit_inspection(actor=user, submission=services.parse_submission(data))

    results = run_together(submit(world.inspector), submit(world.partner))
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert [r[1] for r in results if r[0] == "refused"] == ["state"]
    assert Inspection.objects.count() == 1
