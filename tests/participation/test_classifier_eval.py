"""The classifier measured on the independent evaluation set (participation/data/eval/reports.csv): colloquial
reports written apart from the catalogue, a `dev` split used for tuning and a `test` split never used to
choose anything. The rules of every figure and the measured values are in docs/participation-classifier.md.

Floors, justified: measured 2026-12-07 with the shipped catalogue and lexicon, no cases (deterministic: fixed
seed) — test split (429 reports): leaf top-1 0.883, top-3 0.967, top-level top-1 0.928, top-3 0.991, ECE
0.035 (temperature 0.35 fitted on dev; 0.522 without it); dev split (136): leaf top-1 0.868, top-3 0.985,
top-level top-1 0.919, ECE 0.066. Without the lexicon the same model scores 0.765 leaf top-1 / 0.875 top-level
on dev. Floors are 2–3 points under the measurement (about 10 reports of the test split), so a change that
loses the lexicon or breaks the features fails; the ECE ceiling 0.10 fails if the temperature is lost.
"""

import pytest

from wenming.participation import classifier
from wenming.participation.models import ClassifierLexicon, ClassifierModel

pytestmark = pytest.mark.django_db

FLOORS = {
    "test": {"leaf_top1": 0.86, "leaf_top3": 0.95, "top_level_top1": 0.91, "top_level_top3": 0.97},
    "dev": {"leaf_top1": 0.84, "leaf_top3": 0.96, "top_level_top1": 0.89, "top_level_top3": 0.97},
}


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Train once on the shipped catalogue (rolled back afterwards) and keep the stored metrics."""
    from django.db import transaction

    from wenming.standards.services import load_default_standard

    with django_db_blocker.unblock(), transaction.atomic():
        load_default_standard()
        classifier.clear_cache()
        metrics = classifier.train().metrics
        transaction.set_rollback(True)
    classifier.clear_cache()
    return metrics


@pytest.mark.parametrize("split", ["test", "dev"])
def test_figures_on_the_independent_set_hold_their_floors(measured, split):
    figures = measured["eval"][split]
    assert figures["skipped"] == 0
    assert figures["n"] == len(classifier.evaluation_set(split))
    for key, floor in FLOORS[split].items():
        assert figures[key] >= floor, (key, figures[key])
    assert figures["top_level_top1"] >= figures["leaf_top1"] and figures["leaf_top3"] >= figures["leaf_top1"]
    assert figures["ece"] <= 0.10, figures["calibration"]  # calibrated: "0.8" is right about 80 % of the time
    assert measured["temperature"] < 1


def test_confusion_matrix_and_calibration_add_up(measured):
    figures = measured["eval"]["test"]
    rows = figures["confusion"]["rows"]
    labels = figures["confusion"]["labels"]
    assert len(labels) == 8 and sum(map(sum, rows)) == figures["n"]
    diagonal = sum(rows[i][i] for i in range(len(labels)))
    assert diagonal / figures["n"] == pytest.approx(figures["top_level_top1"], abs=1e-4)
    bins = figures["calibration"]
    assert sum(b["n"] for b in bins) == figures["n"]
    correct = sum(round(b["accuracy"] * b["n"]) for b in bins if b["n"])
    assert correct / figures["n"] == pytest.approx(figures["leaf_top1"], abs=1e-3)
    # Per top-level category the counts add up to the split and every figure is a share.
    assert sum(v["n"] for v in figures["per_top_level"].values()) == figures["n"]
    assert (
        sum(v["n"] for v in figures["per_leaf"].values()) == figures["n"] and len(figures["per_leaf"]) == 68
    )


def test_the_evaluation_set_is_apart_from_the_training_data(db):
    from wenming.standards.services import load_default_standard

    load_default_standard()
    data = classifier.training_data()
    rows = classifier.evaluation_set()
    test, dev = classifier.evaluation_set("test"), classifier.evaluation_set("dev")
    assert len(test) >= 400 and len(dev) >= 100 and len(test) + len(dev) == len(rows)
    assert len({r["text"] for r in rows}) == len(rows)  # no report twice
    trained = set(data.texts) | set(data.names)
    assert not [r["text"] for r in rows if r["text"] in trained]
    from wenming.standards.models import ProblemCategory

    leaves = set(ProblemCategory.objects.leaves().values_list("code", flat=True))
    assert {r["code"] for r in rows} == leaves  # every leaf category, nothing else


def test_lexicon_worked_example_of_the_activation_rule(db):
    """A new model that is worse on the dev split than the current one is stored but not activated."""
    from wenming.standards.services import load_default_standard

    load_default_standard()
    good = classifier.train()
    assert good.is_active and good.metrics["activated"] and good.metrics["comparison"] is None
    ClassifierLexicon.objects.create(
        text="format: wenming-lexicon/1\ncategories: {}\n"
    )  # the office empties it
    worse = classifier.train()
    comparison = worse.metrics["comparison"]
    assert comparison["against"] == good.pk and comparison["n"] == len(classifier.evaluation_set("dev"))
    assert comparison["new"] < comparison["current"] == good.metrics["eval"]["dev"]["leaf_top1"]
    assert not worse.is_active and ClassifierModel.objects.current() == good
    classifier.clear_cache()
    assert classifier.suggest("电驴乱停")[0] == good.pk


def test_a_malformed_lexicon_is_refused_in_chinese():
    with pytest.raises(ValueError, match="分类词表"):
        classifier.parse_lexicon("categories: [a, b]")
    with pytest.raises(ValueError, match="YAML"):
        classifier.parse_lexicon("categories: {ENV-01: [a")
    assert classifier.parse_lexicon("categories: {ENV-01: [拉圾, ' ']}") == {"ENV-01": ["拉圾"]}


def test_the_nightly_retraining_reports_whether_it_activated_the_new_model(db):
    from wenming.participation.tasks import retrain_nightly
    from wenming.standards.services import load_default_standard

    load_default_standard()
    first = retrain_nightly.call()
    assert first["activated"] is True and first["comparison"] is None
    second = retrain_nightly.call()  # same data, same seed: as good as the current one → activated (tie)
    assert second["activated"] is True and second["comparison"]["new"] == second["comparison"]["current"]
    assert ClassifierModel.objects.current().pk == second["model_id"]
