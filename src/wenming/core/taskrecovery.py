"""Tasks interrupted by a dead worker (kill -9, power loss, OOM) are run again or failed cleanly.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again if that worker
dies. Our `wenming db_worker` (core/management/commands/db_worker.py) names each worker
`<host>:<pid>:<random>` and, when it starts, calls `recover_interrupted_tasks()`: every RUNNING task whose
last worker ran on this host and whose process is gone is put back in the queue (its job starts again from
the beginning — our jobs write their file only at the end, in one save with the "done" state), or, after
`TASK_MAX_ATTEMPTS` claims, marked failed with an explanation and `task_abandoned` is sent so the app can
mark its own job row failed. Tasks of workers on other hosts are left alone (their own restart recovers
them).
"""

import logging
import os
import socket

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)

# Sent with task_path (str) and args (list), inside the transaction that changes the task, when an interrupted
# task is put back in the queue (the app resets its own job row so the re-run can claim it) or given up (the
# app marks its job row failed).
task_requeued = Signal()
task_abandoned = Signal()


def host_name() -> str:
    return socket.gethostname()[:40]


def worker_id() -> str:
    """`<host>:<pid>:<random>` (at most 64 characters, as django-tasks-db requires)."""
    return f"{host_name()}:{os.getpid()}:{get_random_string(8)}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a recycled pid that is not a worker does not keep a dead worker's task
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"db_worker" in f.read()
    except OSError:
        return True


def _orphaned(worker: str) -> bool:
    parts = (worker or "").rsplit(":", 2)
    if len(parts) != 3 or parts[0] != host_name() or not parts[1].isdigit():
        return False
    return int(parts[1]) != os.getpid() and not _alive(int(parts[1]))


def recover_interrupted_tasks() -> dict[str, int]:
    """Re-queue (or, past the attempt limit, fail) the RUNNING tasks of dead workers on this host."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    max_attempts = int(getattr(settings, "TASK_MAX_ATTEMPTS", 3))
    counts = {"requeued": 0, "failed": 0}
    for pk, workers in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
        "pk", "worker_ids"
    ):
        if not workers or not _orphaned(workers[-1]):
            continue
        with transaction.atomic():
            row = (
                DBTaskResult.objects.select_for_update()
                .filter(pk=pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if row is None:
                continue
            if len(row.worker_ids) >= max_attempts:
                row.status = TaskResultStatus.FAILED
                row.finished_at = timezone.now()
                row.exception_class_path = "wenming.core.taskrecovery.WorkerDied"
                row.traceback = (
                    f"worker {row.worker_ids[-1]} died; gave up after {len(row.worker_ids)} attempts"
                )
                row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                task_abandoned.send(
                    None, task_path=row.task_path, args=(row.args_kwargs or {}).get("args", [])
                )
                counts["failed"] += 1
            else:
                row.status = TaskResultStatus.READY
                row.started_at = None
                row.save(update_fields=["status", "started_at"])
                task_requeued.send(
                    None, task_path=row.task_path, args=(row.args_kwargs or {}).get("args", [])
                )
                counts["requeued"] += 1
        logger.warning("task %s of dead worker %s: %s", pk, workers[-1], "re-queued" if row.status == TaskResultStatus.READY else "failed")  # fmt: skip
    return counts


class WorkerDied(Exception):
    """The worker running the task died (it was killed or the machine stopped)."""
