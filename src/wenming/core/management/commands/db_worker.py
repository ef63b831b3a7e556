"""`wenming db_worker`: django-tasks-db's worker, plus recovery of the tasks of workers that died.

Each worker gets the id `<host>:<pid>:<random>`; at start-up, tasks left RUNNING by a dead worker of this
host are re-queued or failed cleanly (`wenming.core.taskrecovery`). Options are django-tasks-db's.
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from wenming.core.taskrecovery import recover_interrupted_tasks, worker_id


class Command(DatabaseWorkerCommand):
    help = "Run the background task worker (recovers tasks of workers that died, then runs tasks)"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_id())

    def handle(self, *args, **options):
        counts = recover_interrupted_tasks()
        if counts["requeued"] or counts["failed"]:
            self.stdout.write(
                f"Recovered interrupted tasks: {counts['requeued']} re-queued, {counts['failed']} failed"
            )
        return super().handle(*args, **options)
