import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.tasks import task
from django.utils import timezone

from wenming.core import schedule
from wenming.core.models import ScheduledRun

SH = ZoneInfo("Asia/Shanghai")
RUNS: list[str] = []


@task
def record_run() -> None:
    RUNS.append("ran")


@pytest.fixture
def every_ten_minutes():
    RUNS.clear()
    schedule.periodic(every=datetime.timedelta(minutes=10), name="test.record_run")(record_run)
    yield schedule._REGISTRY["test.record_run"]
    schedule.unregister("test.record_run")


@pytest.fixture
def only_test_jobs(every_ten_minutes, monkeypatch):
    """The registry holding just the test job (core's own jobs are tested separately)."""
    monkeypatch.setattr(schedule, "_REGISTRY", {"test.record_run": every_ten_minutes})
    return every_ten_minutes


def test_slots_are_aligned_on_shanghai_time(every_ten_minutes):
    job = every_ten_minutes
    assert job.slot_at(datetime.datetime(2025, 9, 29, 10, 7, 30, tzinfo=SH)) == datetime.datetime(
        2025, 9, 29, 10, 0, tzinfo=SH
    )
    daily = schedule.PeriodicJob("d", record_run, datetime.timedelta(days=1), datetime.timedelta(hours=7))
    assert daily.slot_at(datetime.datetime(2025, 9, 29, 6, 59, tzinfo=SH)) == datetime.datetime(
        2025, 9, 28, 7, 0, tzinfo=SH
    )
    assert daily.slot_at(datetime.datetime(2025, 9, 29, 0, 30, tzinfo=datetime.UTC)) == datetime.datetime(
        2025, 9, 29, 7, 0, tzinfo=SH
    )


def test_a_slot_runs_once_however_often_the_scheduler_ticks(db, only_test_jobs):
    now = datetime.datetime(2025, 9, 29, 10, 1, tzinfo=SH)

    assert schedule.run_due_jobs(now) == ["test.record_run"]
    assert schedule.run_due_jobs(now + datetime.timedelta(minutes=5)) == []
    assert schedule.run_due_jobs(now) == []

    assert RUNS == ["ran"]
    run = ScheduledRun.objects.get()
    assert (run.job, run.slot) == ("test.record_run", datetime.datetime(2025, 9, 29, 10, 0, tzinfo=SH))
    assert run.task_result_id != ""


def test_the_next_slot_runs_again(db, only_test_jobs):
    now = datetime.datetime(2025, 9, 29, 10, 1, tzinfo=SH)
    schedule.run_due_jobs(now)
    assert schedule.run_due_jobs(now + datetime.timedelta(minutes=10)) == ["test.record_run"]
    assert RUNS == ["ran", "ran"]
    assert ScheduledRun.objects.count() == 2


def test_a_slot_claimed_by_another_scheduler_is_not_run(db, only_test_jobs):
    now = datetime.datetime(2025, 9, 29, 10, 1, tzinfo=SH)
    ScheduledRun.objects.create(job="test.record_run", slot=datetime.datetime(2025, 9, 29, 10, 0, tzinfo=SH))

    assert schedule.run_due_jobs(now) == []
    assert schedule.claim_slot(only_test_jobs, now) is None
    assert RUNS == []
    assert ScheduledRun.objects.count() == 1


def test_periodic_turns_a_plain_function_into_a_task_and_checks_its_interval():
    from django.tasks import Task

    assert isinstance(record_run, Task)
    with pytest.raises(ValueError):
        schedule.periodic(every=datetime.timedelta(0))
    with pytest.raises(ValueError):
        schedule.periodic(every=datetime.timedelta(minutes=5), offset=datetime.timedelta(minutes=5))


def test_core_registers_its_own_periodic_jobs():
    schedule.autodiscover()
    names = {job.name for job in schedule.registered_jobs()}
    assert {"wenming.core.tasks.retry_due_deliveries", "wenming.core.tasks.purge_scheduled_runs"} <= names


@pytest.fixture
def only_core_jobs(monkeypatch):
    """The registry holding core's own jobs only: other apps' jobs (run at once by the test task backend)
    are their apps' to test, and one of them failing must not decide this test."""
    schedule.autodiscover()
    core = {name: job for name, job in schedule._REGISTRY.items() if name.startswith("wenming.core.")}
    monkeypatch.setattr(schedule, "_REGISTRY", core)
    return core


def test_run_scheduler_once_enqueues_the_due_jobs_once(db, capsys, only_core_jobs):
    call_command("run_scheduler", "--once")
    call_command("run_scheduler", "--once")
    jobs = sorted(ScheduledRun.objects.values_list("job", flat=True))
    assert jobs == sorted(only_core_jobs)
    assert {"wenming.core.tasks.retry_due_deliveries", "wenming.core.tasks.purge_scheduled_runs"} <= set(jobs)
    assert "enqueued wenming.core.tasks.retry_due_deliveries" in capsys.readouterr().out


def test_old_scheduler_slots_are_purged(db):
    from wenming.core.tasks import purge_scheduled_runs

    ScheduledRun.objects.create(job="old", slot=timezone.now() - datetime.timedelta(days=31))
    ScheduledRun.objects.create(job="recent", slot=timezone.now() - datetime.timedelta(days=1))
    purge_scheduled_runs.enqueue()
    assert list(ScheduledRun.objects.values_list("job", flat=True)) == ["recent"]
