"""The office's classifier page: the independent evaluation's figures, confusion matrix and calibration of
the current model, and the office-editable lexicon (saved through the service, refused in Chinese when bad)."""

import pytest

from tests.permissions import assert_matrix
from wenming.participation import classifier
from wenming.participation.models import ClassifierLexicon, Report

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_evaluation_of_the_current_model(client, world):
    from wenming.standards.services import load_default_standard

    load_default_standard()
    model = classifier.train()
    test = model.metrics["eval"]["test"]
    client.force_login(world.office)
    html = client.get("/participation/classifier/").content.decode()
    summary = html.split('id="eval-summary"')[1].split("</table>")[0]
    assert f'<td class="num">{test["n"]}</td>' in summary
    assert f"{test['leaf_top1']:.3f}" in summary and f"{test['top_level_top1']:.3f}" in summary
    confusion = html.split('id="eval-confusion"')[1].split("</table>")[0]
    # header + one row per top level of the catalogue (the default standard's eight and the test world's own)
    assert confusion.count("<tr>") == 1 + len(test["confusion"]["labels"]) and "环境卫生" in confusion
    calibration = html.split('id="eval-calibration"')[1].split("</table>")[0]
    assert calibration.count("<tr>") == 1 + 5
    # The duplicate candidates measured with this model's suggestions (rolled back: no report stays behind).
    duplicates = model.metrics["duplicates"]["test"]
    table = html.split('id="duplicate-eval"')[1].split("</table>")[0]
    assert f"{duplicates['precision']:.3f}" in table and f"{duplicates['recall']:.3f}" in table
    assert duplicates["groups"] == 36 and Report.objects.count() == 0


def test_the_office_edits_the_lexicon_and_bad_input_changes_nothing(client, world):
    assert_matrix(client, "/participation/classifier/", {world.leader: 403}, method="post")
    client.force_login(world.office)
    html = client.get("/participation/classifier/").content.decode()
    assert "ENV-01:" in html.split('id="lexicon-form"')[1]  # the shipped lexicon until the office edits it
    leaf = world.other_leaf
    good = f"categories:\n  {leaf.code}: [小黄车, 哈啰]\n"
    assert client.post("/participation/classifier/", {"lexicon": good}).status_code == 302
    saved = ClassifierLexicon.objects.get()
    assert saved.edited_by == world.office and classifier.lexicon() == {leaf.code: ["小黄车", "哈啰"]}
    data = classifier.training_data()
    assert data.lexicon_samples == 2 and "小黄车" in data.names
    for bad, message in (("categories: {NOPE-1: [x]}", "不存在的末级类别编码"), ("categories: [", "YAML")):
        response = client.post("/participation/classifier/", {"lexicon": bad})
        assert response.status_code == 200 and message in response.content.decode()
    assert ClassifierLexicon.objects.count() == 1
