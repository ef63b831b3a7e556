"""The suggested category of a citizen report (自动分类建议).

Model: character n-gram TF-IDF (1–2 characters: Chinese has no spaces, and two-character words carry most
of the meaning) + a linear model (logistic regression fitted by SGD — the same loss as sklearn's
`LogisticRegression`, forty times faster to train here, with class probabilities for the confidence).

Training data: every leaf category's examples (`ProblemCategory.examples`), its name and public name, plus
every case the office has categorised (description → category; rejected cases excluded; the most recent
`PARTICIPATION_CLASSIFIER_MAX_CASES`). A stratified held-out split (20 %, fixed seed) of the examples and
cases measures accuracy and top-3 accuracy; names always stay in training (they are labels, not reports).
The stored model is the one measured (fitted on the training part), so its metrics describe it exactly.

Stored in the database (`ClassifierModel.blob`, joblib), never in files beside the code; the retraining job
is `participation.tasks.retrain_classifier`. Each process keeps the current model in memory and reloads it
when a newer one is activated (one cheap query per prediction checks the id).
"""

from __future__ import annotations

import io
import threading
import time
import warnings
from collections import Counter
from dataclasses import dataclass

from django.conf import settings

SEED = 2026
TEST_SIZE = 0.2
ALGORITHM = "TfidfVectorizer(char, 1–2) + SGDClassifier(log_loss)"


@dataclass(frozen=True)
class Suggestion:
    category_id: int
    confidence: float


def _max_cases() -> int:
    return int(getattr(settings, "PARTICIPATION_CLASSIFIER_MAX_CASES", 20000))


@dataclass
class TrainingSet:
    texts: list[str]  # report-like texts: catalogue examples, then case descriptions
    labels: list[int]  # their category ids
    names: list[str]  # category names and public names, always trained on
    name_labels: list[int]
    catalogue_samples: int
    case_samples: int


def training_data() -> TrainingSet:
    """The examples of every leaf category, its names, and the categorised cases."""
    from wenming.cases.choices import CaseState
    from wenming.cases.models import Case
    from wenming.standards.models import ProblemCategory

    texts: list[str] = []
    labels: list[int] = []
    names: list[str] = []
    name_labels: list[int] = []
    for category in ProblemCategory.objects.leaves().order_by("pk"):
        for example in category.example_list():
            texts.append(example)
            labels.append(category.pk)
        for label in {category.name, category.public_name} - {""}:
            names.append(label)
            name_labels.append(category.pk)
    catalogue = len(texts)
    cases = (
        Case.objects.exclude(state=CaseState.REJECTED)
        .exclude(description="")
        .order_by("-reported_at", "-pk")
        .values_list("description", "category_id")[: _max_cases()]
    )
    for description, category_id in cases:
        texts.append(description[:500])
        labels.append(category_id)
    return TrainingSet(texts, labels, names, name_labels, catalogue, len(texts) - catalogue)


def _pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, max_features=200_000),
        SGDClassifier(loss="log_loss", alpha=1e-4, max_iter=100, tol=1e-4, random_state=SEED),
    )


def _split(texts: list[str], labels: list[int]):
    """Stratified split; classes with a single sample stay in training (they cannot be tested)."""
    from sklearn.model_selection import train_test_split

    counts = Counter(labels)
    keep = [i for i, y in enumerate(labels) if counts[y] >= 2]
    alone = [i for i, y in enumerate(labels) if counts[y] < 2]
    if len(keep) < 10 or len(set(labels[i] for i in keep)) < 2:
        return texts, labels, [], []
    # A stratified test set needs at least one sample per class; on a tiny catalogue, no test set at all.
    test_size = max(TEST_SIZE, len({labels[i] for i in keep}) / len(keep))
    if test_size > 0.5:
        return texts, labels, [], []
    train_idx, test_idx = train_test_split(
        keep, test_size=test_size, random_state=SEED, stratify=[labels[i] for i in keep]
    )
    train_idx = sorted([*train_idx, *alone])
    return (
        [texts[i] for i in train_idx],
        [labels[i] for i in train_idx],
        [texts[i] for i in test_idx],
        [labels[i] for i in test_idx],
    )


def evaluate(model, texts: list[str], labels: list[int]) -> dict:
    """Accuracy, top-3 accuracy, the majority-class baseline and top-level (大类) accuracy on a test set."""
    import numpy as np

    from wenming.standards.models import ProblemCategory

    if not texts:
        return {
            "accuracy": None,
            "top3_accuracy": None,
            "majority_baseline": None,
            "top_level_accuracy": None,
        }
    proba = model.predict_proba(texts)
    classes = model.classes_
    order = np.argsort(-proba, axis=1)
    best = classes[order[:, 0]]
    truth = np.array(labels)
    top3 = np.array([truth[i] in classes[order[i, :3]] for i in range(len(truth))])
    parent = dict(ProblemCategory.objects.leaves().values_list("pk", "parent_id"))
    same_top = np.array([parent.get(int(a)) == parent.get(int(b)) for a, b in zip(best, truth, strict=True)])
    majority = Counter(labels).most_common(1)[0][1] / len(labels)
    return {
        "accuracy": round(float((best == truth).mean()), 4),
        "top3_accuracy": round(float(top3.mean()), 4),
        "majority_baseline": round(float(majority), 4),
        "top_level_accuracy": round(float(same_top.mean()), 4),
    }


def train(*, actor=None):
    """Train on the catalogue and the categorised cases, measure on the held-out split, store and activate."""
    import joblib
    from sklearn.exceptions import ConvergenceWarning

    from wenming.participation.models import ClassifierModel

    data = training_data()
    texts, labels, names, name_labels = data.texts, data.labels, data.names, data.name_labels
    if len(set(labels) | set(name_labels)) < 2:
        raise ValueError("至少需要两个带示例的问题类别才能训练分类模型。")
    started = time.perf_counter()
    x_train, y_train, x_test, y_test = _split(texts, labels)
    model = _pipeline()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit([*x_train, *names], [*y_train, *name_labels])
    seconds = time.perf_counter() - started
    metrics = evaluate(model, x_test, y_test)
    metrics.update(
        train_seconds=round(seconds, 3),
        catalogue_samples=data.catalogue_samples,
        case_samples=data.case_samples,
        label_samples=len(names),
        seed=SEED,
        test_size=TEST_SIZE,
    )
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    return ClassifierModel.objects.create(
        trained_by=actor if getattr(actor, "is_authenticated", False) else None,
        algorithm=ALGORITHM,
        blob=buffer.getvalue(),
        metrics=metrics,
        n_train=len(x_train) + len(names),
        n_test=len(x_test),
        n_classes=len(model.classes_),
        accuracy=metrics["accuracy"],
        top3_accuracy=metrics["top3_accuracy"],
        is_active=True,
    )


# --- prediction ----------------------------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict = {}


def _current():
    """(model row id, fitted pipeline) of the current model, or (None, None)."""
    import joblib

    from wenming.participation.models import ClassifierModel

    current_id = (
        ClassifierModel.objects.active().order_by("-created_at", "-id").values_list("pk", flat=True).first()
    )
    if current_id is None:
        return None, None
    with _lock:
        if _cache.get("id") != current_id:
            blob = ClassifierModel.objects.filter(pk=current_id).values_list("blob", flat=True).first()
            _cache.update(id=current_id, model=joblib.load(io.BytesIO(bytes(blob))))
        return current_id, _cache["model"]


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def suggest(
    text: str, *, limit: int = 3, allowed_ids: set[int] | None = None
) -> tuple[int | None, list[Suggestion]]:
    """(model id, the `limit` most likely categories with their probability) for a description."""
    model_id, model = _current()
    text = (text or "").strip()
    if model is None or not text:
        return model_id, []
    proba = model.predict_proba([text[:500]])[0]
    ranked = sorted(zip(model.classes_, proba, strict=True), key=lambda pair: -pair[1])
    out = [
        Suggestion(int(cid), round(float(p), 4))
        for cid, p in ranked
        if allowed_ids is None or int(cid) in allowed_ids
    ]
    return model_id, out[:limit]
