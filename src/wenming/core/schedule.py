"""Periodic jobs without cron (定时任务): a registry filled by `@periodic`, run by `wenming run_scheduler`.

    from datetime import timedelta
    from django.tasks import task
    from wenming.core.schedule import periodic

    @periodic(every=timedelta(minutes=15))
    @task
    def send_deadline_reminders():
        ...

Put such jobs in an app's `tasks.py` (the scheduler imports every app's `tasks` module). `@periodic` also
accepts a plain module-level function and turns it into a task. Time is cut into slots of length `every`,
aligned on 2000-01-01 00:00 Asia/Shanghai plus `offset` (so `every=timedelta(days=1),
offset=timedelta(hours=7)` runs once a day from 07:00 local time). The scheduler enqueues a job once per
slot: it first inserts a `ScheduledRun(job, slot)` row, whose unique constraint lets exactly one of several
schedulers (or repeated ticks) claim the slot, then enqueues the task for the `db_worker`. Slots missed
while no scheduler ran are not caught up: the job runs in the current slot only, so jobs must work out for
themselves what is due (e.g. "cases past their deadline and not yet reminded").
"""

import datetime
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.tasks import Task, task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task
    every: datetime.timedelta
    offset: datetime.timedelta = datetime.timedelta(0)

    def slot_at(self, now: datetime.datetime) -> datetime.datetime:
        """The start of the slot that contains `now`."""
        origin = EPOCH + self.offset
        return origin + ((now - origin) // self.every) * self.every


_REGISTRY: dict[str, PeriodicJob] = {}


def periodic(
    every: datetime.timedelta, *, offset: datetime.timedelta = datetime.timedelta(0), name: str = ""
):
    """Register a task (or a module-level function, made a task) to be enqueued once per `every`."""
    if every < datetime.timedelta(seconds=1):
        raise ValueError("a periodic job needs an interval of at least one second")
    if not datetime.timedelta(0) <= offset < every:
        raise ValueError("a periodic job's offset must be within its interval")

    def register(obj):
        job_task = obj if isinstance(obj, Task) else task(obj)
        job_name = name or job_task.module_path
        _REGISTRY[job_name] = PeriodicJob(job_name, job_task, every, offset)
        return job_task

    return register


def registered_jobs() -> list[PeriodicJob]:
    return [_REGISTRY[key] for key in sorted(_REGISTRY)]


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def autodiscover() -> None:
    """Import every installed app's `tasks` module so its `@periodic` jobs register."""
    autodiscover_modules("tasks")


def claim_slot(job: PeriodicJob, now: datetime.datetime):
    """The new `ScheduledRun` for the job's current slot, or None if the slot is already claimed."""
    from wenming.core.models import ScheduledRun

    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=job.name, slot=job.slot_at(now), enqueued_at=now)
    except IntegrityError:
        return None


def run_due_jobs(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every registered job whose current slot nobody has claimed; returns their names."""
    now = now or timezone.now()
    enqueued = []
    for job in registered_jobs():
        run = claim_slot(job, now)
        if run is None:
            continue
        # Claimed first, enqueued after: a crash in between loses this slot, never runs it twice.
        result = job.task.enqueue()
        run.task_result_id = str(result.id)[:64]
        run.save(update_fields=["task_result_id"])
        logger.info("periodic job %s enqueued for slot %s", job.name, run.slot)
        enqueued.append(job.name)
    return enqueued
