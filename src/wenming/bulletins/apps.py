from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "wenming.bulletins"
    label = "bulletins"

    def ready(self) -> None:
        from wenming.bulletins.services import fail_abandoned_job, reset_interrupted_job
        from wenming.core.taskrecovery import task_abandoned, task_requeued

        task_requeued.connect(reset_interrupted_job, dispatch_uid="bulletins:requeued-job")
        task_abandoned.connect(fail_abandoned_job, dispatch_uid="bulletins:abandoned-job")
