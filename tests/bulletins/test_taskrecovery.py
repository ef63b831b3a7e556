"""A bulletin job whose worker died: the re-queued task can claim it again (back to pending), and past the
attempt limit it ends failed with a reason — never "running" forever (wenming.core.taskrecovery)."""

import subprocess

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from wenming.bulletins import services
from wenming.bulletins.choices import BulletinKind, JobKind, JobState
from wenming.bulletins.models import BulletinJob
from wenming.core.taskrecovery import host_name, recover_interrupted_tasks


def dead_worker(i: int = 0) -> str:
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{host_name()}:{process.pid}:w{i}"


def orphan(job: BulletinJob, attempts: int) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING", args_kwargs={"args": [job.pk], "kwargs": {}}, backend_name="default",
        task_path="wenming.bulletins.tasks.run_bulletin_job", worker_ids=[dead_worker(i) for i in range(attempts)],
        run_after=timezone.now(), started_at=timezone.now(), exception_class_path="", traceback="",
    )  # fmt: skip


@pytest.fixture
def running_job(ds):
    bulletin = services.create_bulletin(actor=ds.office, kind=BulletinKind.INSPECTION, round=ds.round)
    return BulletinJob.objects.create(
        bulletin=bulletin,
        kind=JobKind.GENERATE,
        state=JobState.RUNNING,
        started_at=timezone.now(),
        progress=40,
    )


def test_an_interrupted_bulletin_job_is_pending_again_and_its_rerun_finishes_it(running_job, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    task = orphan(running_job, attempts=1)
    assert recover_interrupted_tasks() == {"requeued": 1, "failed": 0}
    task.refresh_from_db()
    running_job.refresh_from_db()
    assert (task.status, running_job.state, running_job.progress) == ("READY", JobState.PENDING, 0)
    assert services.run_job(running_job.pk) == JobState.DONE  # what the re-queued task does


def test_past_the_attempt_limit_the_bulletin_job_fails_with_a_reason(running_job, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    orphan(running_job, attempts=3)
    assert recover_interrupted_tasks() == {"requeued": 0, "failed": 1}
    running_job.refresh_from_db()
    assert running_job.state == JobState.FAILED and "中断" in running_job.error
