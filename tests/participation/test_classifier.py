"""The category classifier: trained on the catalogue's examples and the categorised cases, stored in the
database, measured on a held-out split — with an accuracy floor on the shipped default catalogue."""

import pytest

from tests.participation.helpers import submit
from wenming.cases import services as cases
from wenming.cases.choices import CaseSource
from wenming.participation import classifier
from wenming.participation.models import ClassifierModel
from wenming.participation.tasks import retrain_classifier

pytestmark = pytest.mark.django_db

# The floor, justified. The shipped catalogue has 68 leaf categories with only 5–7 example descriptions each
# (≈ 420 samples; 20 % held out → about 85 test sentences, at least one per category). Chance is 1/68 ≈ 1.5 %
# and always guessing the largest category scores about as much (2.4 % here). Measured with this model on
# this fixed split: top-1 0.46, top-3 0.69 (other split seeds: top-1 0.46–0.53, top-3 0.69–0.80). The
# floors sit a little below the worst split we saw, so a change that breaks the features
# (e.g. word tokens on Chinese text, which has no spaces: ≈ 0.05) or the labels fails, while seed-level noise
# does not. The triage page shows the top three, so top-3 is the figure the office relies on.
# Since the slang/synonym lexicon (2026-12-07) the same split measures top-1 0.667, top-3 0.869; the floors are
# kept at the lexicon-less level on purpose: the independent set (test_classifier_eval.py) is the figure that
# guards the lexicon, this one guards the procedure on the catalogue alone.
MIN_ACCURACY = 0.40
MIN_TOP3 = 0.62


@pytest.fixture
def default_catalogue(db):
    from wenming.standards.services import load_default_standard

    load_default_standard()


def test_accuracy_on_the_held_out_split_of_the_default_catalogue(default_catalogue):
    model = classifier.train()
    m = model.metrics
    assert model.n_classes == 68
    assert m["catalogue_samples"] == model.n_test + model.n_train - m["label_samples"]
    assert model.n_test >= 68  # at least one held-out sentence per category
    assert model.accuracy >= MIN_ACCURACY, m
    assert model.top3_accuracy >= MIN_TOP3, m
    assert model.accuracy > 10 * m["majority_baseline"], m
    assert m["top_level_accuracy"] >= model.accuracy


def test_the_model_is_stored_in_the_database_and_reloaded(world):
    model = classifier.train()
    assert bytes(ClassifierModel.objects.get().blob) == bytes(model.blob) and len(model.blob) > 1000
    classifier.clear_cache()
    model_id, ranked = classifier.suggest("果皮箱塞满了，垃圾桶满溢")
    assert model_id == model.pk
    assert ranked[0].category_id == world.other_leaf.pk
    assert abs(sum(s.confidence for s in classifier.suggest("x", limit=10)[1]) - 1) < 0.01


def test_categorised_cases_are_learned_and_the_newest_model_answers(world):
    first = classifier.train()
    for i in range(6):
        cases.create_case(actor=world.inspector, source=CaseSource.INSPECTION, category=world.other_leaf,
                          description=f"共享单车乱停乱放第{i}处", area=world.community)  # fmt: skip
    result = retrain_classifier.call()
    second = ClassifierModel.objects.get(pk=result["model_id"])
    assert second.pk != first.pk and second.metrics["case_samples"] == 6
    assert classifier.suggest("共享单车乱停乱放")[1][0].category_id == world.other_leaf.pk
    assert submit(world, category=None, description="共享单车乱停乱放挡路").classifier_id == second.pk


def test_without_a_model_there_is_no_suggestion(world):
    assert classifier.suggest("垃圾") == (None, [])
    report = submit(world, category=None)
    assert (report.suggested_category, report.suggestion_confidence, report.classifier) == (None, None, None)
