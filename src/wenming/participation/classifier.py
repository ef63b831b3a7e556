"""The suggested category of a citizen report (自动分类建议).

Model: character n-gram TF-IDF (1–2 characters: Chinese has no spaces, and two-character words carry most
of the meaning) + a linear model (logistic regression fitted by SGD — the same loss as sklearn's
`LogisticRegression`, forty times faster to train here, with class probabilities for the confidence).

Training data: every leaf category's examples (`ProblemCategory.examples`), its name and public name, the
category's slang and synonym lexicon (`data/lexicon.yaml`, 分类词表: 电驴, 鬼火, 牛皮癣, 拉圾 …), plus every
case the office has categorised (description → category; rejected cases excluded; the most recent
`PARTICIPATION_CLASSIFIER_MAX_CASES`). A stratified held-out split (20 %, fixed seed) of the examples and
cases measures the procedure's accuracy and top-3 accuracy (names and lexicon terms always stay in training:
they are labels, not reports); the stored model is then fitted on everything, and the independent
evaluation set below measures that stored model itself.

Independent evaluation (`data/eval/reports.csv`, see its README): colloquial reports written apart from the
catalogue, each labelled with a leaf code; a `dev` split for tuning and a `test` split never used to choose
anything. `evaluate_on_set` reports leaf and top-level top-1/top-3, per-category figures, the top-level
confusion matrix and the calibration table; every trained model stores both splits' figures.

Measured on the shipped catalogue (2026-12-07, no cases): what was tried and kept is in
docs/participation-classifier.md. Kept: char 1–2 + lexicon, probabilities sharpened by a temperature fitted on
the eval `dev` split (`Calibrated`). Dropped: jieba word n-grams (worse on dev), char 1–3, class weights (no
gain).

Activation: a new model replaces the current one only if it is at least as accurate (leaf top-1) as the
current one on the eval `dev` split, which neither trained on (ties go to the new model: it has learnt the
newer corrections); otherwise it is stored inactive, with the comparison in its metrics. A catalogue without
evaluation rows (no shared codes) has nothing to compare on: the new model is activated.

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
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

SEED = 2026
TEST_SIZE = 0.2
ALGORITHM = "TfidfVectorizer(char, 1–2) + SGDClassifier(log_loss) + 分类词表 + 温度校准"
DATA_DIR = Path(__file__).resolve().parent / "data"
LEXICON_PATH = DATA_DIR / "lexicon.yaml"
EVAL_PATH = DATA_DIR / "eval" / "reports.csv"
CALIBRATION_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass(frozen=True)
class Suggestion:
    category_id: int
    confidence: float


def low_confidence() -> float:
    """Below this confidence a suggestion is flagged for a person (置信度低, 需人工判断)."""
    return float(getattr(settings, "PARTICIPATION_LOW_CONFIDENCE", 0.6))


def lexicon() -> dict[str, list[str]]:
    """The slang and synonym lexicon: {leaf category code: [terms]} (office edits win over the shipped file)."""
    from wenming.participation.models import ClassifierLexicon

    edited = ClassifierLexicon.objects.order_by("-pk").values_list("text", flat=True).first()
    text = edited if edited is not None else LEXICON_PATH.read_text(encoding="utf-8")
    return parse_lexicon(text)


def parse_lexicon(text: str) -> dict[str, list[str]]:
    """{code: [terms]} from the lexicon's YAML; ValueError with a Chinese message when it is malformed."""
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ValueError(_("分类词表不是有效的 YAML：%(error)s") % {"error": exc}) from exc
    categories = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(categories, dict):
        raise ValueError(_("分类词表缺少 categories：应为“类别编码: [词语, …]”。"))
    out: dict[str, list[str]] = {}
    for code, terms in categories.items():
        if not isinstance(terms, list) or not all(isinstance(t, str | int) for t in terms):
            raise ValueError(_("分类词表中 %(code)s 的词语应为列表。") % {"code": code})
        out[str(code)] = [str(t).strip() for t in terms if str(t).strip()]
    return out


def evaluation_set(split: str | None = None) -> list[dict]:
    """The independent evaluation reports [{id, split, code, text}] (one split, or all)."""
    import csv

    with EVAL_PATH.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r for r in rows if split is None or r["split"] == split]


def _max_cases() -> int:
    return int(getattr(settings, "PARTICIPATION_CLASSIFIER_MAX_CASES", 20000))


@dataclass
class TrainingSet:
    texts: list[str]  # report-like texts: catalogue examples, then case descriptions
    labels: list[int]  # their category ids
    names: list[str]  # category names, public names and lexicon terms, always trained on
    name_labels: list[int]
    catalogue_samples: int
    case_samples: int
    lexicon_samples: int = 0


def training_data() -> TrainingSet:
    """The examples of every leaf category, its names, and the categorised cases."""
    from wenming.cases.choices import CaseState
    from wenming.cases.models import Case
    from wenming.standards.models import ProblemCategory

    texts: list[str] = []
    labels: list[int] = []
    names: list[str] = []
    name_labels: list[int] = []
    terms = lexicon()
    lexicon_samples = 0
    for category in ProblemCategory.objects.leaves().order_by("pk"):
        for example in category.example_list():
            texts.append(example)
            labels.append(category.pk)
        for label in sorted({category.name, category.public_name} - {""}):
            names.append(label)
            name_labels.append(category.pk)
        for term in terms.get(category.code, []):
            names.append(term)
            name_labels.append(category.pk)
            lexicon_samples += 1
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
    return TrainingSet(texts, labels, names, name_labels, catalogue, len(texts) - catalogue, lexicon_samples)


def _pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, max_features=200_000),
        SGDClassifier(loss="log_loss", alpha=1e-4, max_iter=100, tol=1e-4, random_state=SEED),
    )


class Calibrated:
    """A fitted pipeline whose probabilities are sharpened by temperature scaling: p ∝ p_model^(1/T).

    The linear model shares its probability over all leaf categories and is strongly under-confident (a first
    choice at 0.3 is right 90 % of the time). T is fitted on the eval `dev` split (the T in a 0.05 grid from
    0.05 to 1 with the least negative log-likelihood); the ranking, hence top-1/top-3, does not change."""

    def __init__(self, pipeline, temperature: float = 1.0):
        self.pipeline = pipeline
        self.temperature = temperature

    @property
    def classes_(self):
        return self.pipeline.classes_

    def predict_proba(self, texts):
        import numpy as np

        proba = self.pipeline.predict_proba(texts)
        if self.temperature == 1.0:
            return proba
        logits = np.log(np.clip(proba, 1e-12, 1.0)) / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        sharp = np.exp(logits)
        return sharp / sharp.sum(axis=1, keepdims=True)

    def predict(self, texts):
        return self.pipeline.predict(texts)


def fit_temperature(pipeline) -> float:
    """The temperature with the least negative log-likelihood on the eval `dev` split (1.0 without dev rows)."""
    import numpy as np

    from wenming.standards.models import ProblemCategory

    codes = dict(ProblemCategory.objects.leaves().values_list("code", "pk"))
    index = {int(c): i for i, c in enumerate(pipeline.classes_)}
    rows = [(r["text"], index[codes[r["code"]]]) for r in evaluation_set("dev")
            if r["code"] in codes and codes[r["code"]] in index]  # fmt: skip
    if len(rows) < 20:
        return 1.0
    proba = pipeline.predict_proba([t for t, _ in rows])
    truth = np.array([y for _, y in rows])
    log_p = np.log(np.clip(proba, 1e-12, 1.0))
    best, best_nll = 1.0, None
    for temperature in np.arange(0.05, 1.0001, 0.05):
        z = log_p / temperature
        z -= z.max(axis=1, keepdims=True)
        log_soft = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -log_soft[np.arange(len(truth)), truth].mean()
        if best_nll is None or nll < best_nll - 1e-9:
            best, best_nll = round(float(temperature), 2), nll
    return best


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


def _top1(model, texts: list[str], labels: list[int]) -> float | None:
    import numpy as np

    if not texts:
        return None
    return round(float((model.predict(texts) == np.array(labels)).mean()), 4)


def evaluate_on_set(model, split: str = "test") -> dict:
    """The figures of a fitted model on a split of the independent evaluation set (see the module doc).

    Leaf: top-1 = the first suggestion is the labelled leaf; top-3 = it is among the first three.
    Top-level (大类): top-1 = the first suggestion's parent is the labelled leaf's parent; top-3 = the labelled
    parent is among the parents of the first three suggestions. Rows whose code is not a leaf of the current
    catalogue are skipped (`skipped`). Confusion: rows = true top-level code, columns = suggested.
    Calibration: the first suggestion's confidence in bins [0, .2), [.2, .4) … [.8, 1]; per bin the count,
    mean confidence and share correct. `ece` = Σ n_bin/n × |share correct − mean confidence|.
    """
    import numpy as np

    from wenming.standards.models import ProblemCategory

    leaves = {c.code: c for c in ProblemCategory.objects.leaves().select_related("parent")}
    rows = evaluation_set(split)
    usable = [r for r in rows if r["code"] in leaves]
    out: dict = {"split": split, "n": len(usable), "skipped": len(rows) - len(usable)}
    if not usable:
        return out
    by_pk = {c.pk: c for c in leaves.values()}
    proba = model.predict_proba([r["text"] for r in usable])
    classes = model.classes_
    order = np.argsort(-proba, axis=1)
    top_codes = sorted({c.parent.code for c in leaves.values()})
    confusion = {t: dict.fromkeys(top_codes, 0) for t in top_codes}
    per_top: dict[str, list[int]] = {t: [0, 0, 0] for t in top_codes}  # n, top-1, top-3
    per_leaf: dict[str, list[int]] = {}
    bins = [[0, 0.0, 0] for _ in CALIBRATION_BINS[:-1]]  # n, Σ confidence, correct
    leaf1 = leaf3 = top1 = top3 = 0
    for i, row in enumerate(usable):
        truth = leaves[row["code"]]
        ranked = [by_pk[int(classes[j])] for j in order[i, :3] if int(classes[j]) in by_pk]
        hit1 = bool(ranked) and ranked[0].pk == truth.pk
        hit3 = truth.pk in {c.pk for c in ranked}
        t1 = bool(ranked) and ranked[0].parent.code == truth.parent.code
        t3 = truth.parent.code in {c.parent.code for c in ranked}
        leaf1, leaf3, top1, top3 = leaf1 + hit1, leaf3 + hit3, top1 + t1, top3 + t3
        if ranked:
            confusion[truth.parent.code][ranked[0].parent.code] += 1
        stats = per_top[truth.parent.code]
        stats[0], stats[1], stats[2] = stats[0] + 1, stats[1] + t1, stats[2] + t3
        leaf_stats = per_leaf.setdefault(truth.code, [0, 0, 0])
        leaf_stats[0], leaf_stats[1], leaf_stats[2] = (
            leaf_stats[0] + 1,
            leaf_stats[1] + hit1,
            leaf_stats[2] + hit3,
        )
        confidence = float(proba[i, order[i, 0]])
        b = min(int(confidence / 0.2), len(bins) - 1)
        bins[b][0] += 1
        bins[b][1] += confidence
        bins[b][2] += hit1
    n = len(usable)
    calibration = [
        {"low": CALIBRATION_BINS[k], "high": CALIBRATION_BINS[k + 1], "n": b[0],
         "confidence": round(b[1] / b[0], 4) if b[0] else None, "accuracy": round(b[2] / b[0], 4) if b[0] else None}
        for k, b in enumerate(bins)
    ]  # fmt: skip
    ece = sum(b[0] / n * abs(b[2] / b[0] - b[1] / b[0]) for b in bins if b[0])
    out.update(
        leaf_top1=round(leaf1 / n, 4),
        leaf_top3=round(leaf3 / n, 4),
        top_level_top1=round(top1 / n, 4),
        top_level_top3=round(top3 / n, 4),
        per_top_level={t: {"n": v[0], "top1": round(v[1] / v[0], 4) if v[0] else None,
                           "top3": round(v[2] / v[0], 4) if v[0] else None} for t, v in per_top.items()},
        per_leaf={c: {"n": v[0], "top1": round(v[1] / v[0], 4), "top3": round(v[2] / v[0], 4)}
                  for c, v in sorted(per_leaf.items())},
        confusion={"labels": top_codes, "rows": [[confusion[t][s] for s in top_codes] for t in top_codes]},
        calibration=calibration,
        ece=round(ece, 4),
    )  # fmt: skip
    return out


def _comparison_texts() -> tuple[list[str], list[int]]:
    """The texts a new model and the current one are compared on: the eval `dev` split (codes of the current
    catalogue only), which neither model trained on."""
    from wenming.standards.models import ProblemCategory

    codes = dict(ProblemCategory.objects.leaves().values_list("code", "pk"))
    dev = [(r["text"], codes[r["code"]]) for r in evaluation_set("dev") if r["code"] in codes]
    return [t for t, _ in dev], [c for _, c in dev]


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
    # The stored model learns from everything (the split above only measures the procedure); the independent
    # evaluation set measures the stored model itself.
    final = _pipeline()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        final.fit([*texts, *names], [*labels, *name_labels])
    final = Calibrated(final, fit_temperature(final))
    metrics.update(
        train_seconds=round(seconds, 3),
        catalogue_samples=data.catalogue_samples,
        case_samples=data.case_samples,
        label_samples=len(names),
        lexicon_samples=data.lexicon_samples,
        seed=SEED,
        test_size=TEST_SIZE,
        temperature=final.temperature,
        eval={"dev": evaluate_on_set(final, "dev"), "test": evaluate_on_set(final, "test")},
    )
    activate, comparison = True, None
    current_id, current = _current()
    if current is not None:
        texts_c, labels_c = _comparison_texts()
        known = set(int(c) for c in current.classes_)
        pairs = [(t, y) for t, y in zip(texts_c, labels_c, strict=True) if y in known]
        if pairs:
            texts_k, labels_k = [t for t, _ in pairs], [y for _, y in pairs]
            comparison = {"against": current_id, "n": len(pairs), "new": _top1(final, texts_k, labels_k),
                          "current": _top1(current, texts_k, labels_k)}  # fmt: skip
            activate = comparison["new"] >= comparison["current"]
    metrics.update(activated=activate, comparison=comparison)
    buffer = io.BytesIO()
    joblib.dump(final, buffer, compress=3)
    row = ClassifierModel.objects.create(
        trained_by=actor if getattr(actor, "is_authenticated", False) else None,
        algorithm=ALGORITHM,
        blob=buffer.getvalue(),
        metrics=metrics,
        n_train=len(x_train) + len(names),
        n_test=len(x_test),
        n_classes=len(model.classes_),
        accuracy=metrics["accuracy"],
        top3_accuracy=metrics["top3_accuracy"],
        is_active=activate,
    )
    if activate:  # the duplicate search uses this model's suggestions: measure it with them (rolled back)
        from wenming.participation import duplicate_eval

        row.metrics["duplicates"] = duplicate_eval.measure_rolled_back()
        ClassifierModel.objects.filter(pk=row.pk).update(metrics=row.metrics)
    return row


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
