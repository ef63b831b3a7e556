"""Tasks left RUNNING by a dead worker: re-queued, or failed cleanly after TASK_MAX_ATTEMPTS claims (the
process-level proof is tests/durability/test_kill.py; these are the rules, without processes to kill)."""

import os
import subprocess

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import make_user
from wenming.cases.models_web import ExportJob
from wenming.core.taskrecovery import host_name, recover_interrupted_tasks, worker_id

pytestmark = pytest.mark.django_db


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def running_task(job: ExportJob, workers: list[str]) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING", args_kwargs={"args": [job.pk], "kwargs": {}}, backend_name="default",
        task_path="wenming.cases.exports.run_case_export", worker_ids=workers, run_after=timezone.now(),
        started_at=timezone.now(), exception_class_path="", traceback="",
    )  # fmt: skip


def test_worker_ids_name_the_host_and_the_process():
    host, pid, suffix = worker_id().rsplit(":", 2)
    assert (host, int(pid), len(suffix)) == (host_name(), os.getpid(), 8)
    assert len(worker_id()) <= 64


def test_a_dead_workers_task_is_requeued_and_a_live_or_foreign_one_left_alone(
    django_capture_on_commit_callbacks,
):
    job = ExportJob.objects.create(owner=make_user(), params="", status="running")
    dead = running_task(job, [f"{host_name()}:{dead_pid()}:abcdefgh"])
    mine = running_task(job, [f"{host_name()}:{os.getpid()}:abcdefgh"])  # this process is alive
    foreign = running_task(job, [f"another-host:{dead_pid()}:abcdefgh"])
    legacy = running_task(job, ["k3J9x0aQ"])  # a random id (django-tasks-db's default): cannot be judged

    with django_capture_on_commit_callbacks(execute=True):
        assert recover_interrupted_tasks() == {"requeued": 1, "failed": 0}

    states = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert states == {dead.pk: "READY", mine.pk: "RUNNING", foreign.pk: "RUNNING", legacy.pk: "RUNNING"}
    job.refresh_from_db()
    assert job.status == "running"  # it will run again from the start


def test_after_the_attempt_limit_the_task_fails_and_the_export_job_ends_failed(settings, django_capture_on_commit_callbacks):  # fmt: skip
    settings.TASK_MAX_ATTEMPTS = 3
    job = ExportJob.objects.create(owner=make_user(), params="", status="running")
    task = running_task(job, [f"{host_name()}:{dead_pid()}:w{i}" for i in range(3)])

    with django_capture_on_commit_callbacks(execute=True):
        assert recover_interrupted_tasks() == {"requeued": 0, "failed": 1}

    task.refresh_from_db()
    assert task.status == "FAILED" and task.exception_class_path.endswith("WorkerDied")
    job.refresh_from_db()
    assert (job.status, job.file.name) == ("failed", "")
    assert "中断" in job.error and job.finished_at is not None
