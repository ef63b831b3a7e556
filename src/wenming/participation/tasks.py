"""Background jobs of citizen participation: retraining the category classifier, forgetting old rate-limit
windows."""

import datetime

from django.tasks import task

from wenming.core.schedule import periodic


@task
def retrain_classifier(actor_id: int | None = None) -> dict:
    """Train a new classifier on the catalogue and the categorised cases; returns its held-out metrics."""
    from wenming.accounts.models import User
    from wenming.participation import classifier

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    model = classifier.train(actor=actor)
    return {"model_id": model.pk, **model.metrics}


@periodic(
    every=datetime.timedelta(days=1), offset=datetime.timedelta(hours=2), name="participation.retrain_nightly"
)
def retrain_nightly() -> dict:
    """Every night at 02:00: retrain on the office's categorised cases (its corrections included); the new model
    is activated only if it is not worse than the current one on the evaluation dev split."""
    from wenming.participation import classifier

    model = classifier.train()
    return {"model_id": model.pk, "accuracy": model.accuracy, "activated": model.is_active,
            "comparison": model.metrics.get("comparison")}  # fmt: skip


@periodic(every=datetime.timedelta(hours=6), name="participation.purge_rate_counters")
def purge_rate_counters() -> int:
    from wenming.participation.ratelimit import purge_old

    return purge_old()
