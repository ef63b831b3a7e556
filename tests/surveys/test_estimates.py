"""Estimates from stored responses: the four rates and the 100/60/0 score per stratum and overall, weighted by
population, with hand-computed intervals; answers "说不清" left out; frozen at closing; wave comparison."""

import datetime
import math

import pytest

from tests.surveys.factories import make_world, respond
from wenming.surveys import services
from wenming.surveys.estimates import compare_waves, latest_wave_summary, wave_estimates
from wenming.surveys.models import Answer

Z = 1.959964


def fill(world):
    """江头街道 (N = 1000): Q5 = 满意, 满意, 基本满意, 不满意; 金山街道 (N = 3000): 满意, 不满意 ×4, 基本满意, and
    one 说不清 (not a valid answer). Awareness: one 江头 respondent misses Q2 (value 0.5)."""
    for q5, q2 in (("1", "1"), ("1", "1"), ("2", "1"), ("3", "2")):
        respond(world, area=world.community, q5=q5, q2=q2)
    for q5 in ("1", "3", "3", "3", "3", "2", "4"):
        respond(world, area=world.other_community, q5=q5, q4="2" if q5 == "3" else "1")


def test_weighted_satisfaction_rate_and_interval(world):
    fill(world)
    data = wave_estimates(world.wave)
    sat = data["indicators"]["satisfaction"]
    # 0.25 × 3/4 + 0.75 × 2/6 = 0.4375; v = 0.0625 × 0.06225 + 0.5625 × 0.04435556 = 0.02884063
    assert sat["estimate"] == pytest.approx(0.4375)
    assert sat["se"] == pytest.approx(math.sqrt(0.02884063), rel=1e-5)
    assert sat["ci_low"] == pytest.approx(0.4375 - Z * math.sqrt(0.02884063), abs=1e-5)
    assert sat["ci_high"] == pytest.approx(0.4375 + Z * math.sqrt(0.02884063), abs=1e-5)
    assert sat["n"] == 10  # the 说不清 answer is not a valid answer
    assert sat["unweighted"] == pytest.approx(0.5)
    assert sat["deff"] == pytest.approx(0.97991, abs=1e-4)
    by = {row["area_code"]: row for row in sat["by_stratum"]}
    assert by[world.street.code]["estimate"] == pytest.approx(0.75)
    assert by[world.street.code]["n"] == 4
    assert by[world.other_street.code]["estimate"] == pytest.approx(1 / 3, abs=1e-6)
    assert by[world.other_street.code]["weight"] == pytest.approx(0.75)
    assert data["responses"] == 11
    assert [s["responses"] for s in data["strata"]] == [4, 7]


def test_satisfaction_score_on_the_100_60_0_mapping(world):
    fill(world)
    score = wave_estimates(world.wave)["indicators"]["satisfaction_score"]
    # 江头: (100 + 100 + 60 + 0) / 4 = 65; 金山: (100 + 0×4 + 60) / 6 = 26.667 → 0.25 × 65 + 0.75 × 26.667 = 36.25
    assert score["estimate"] == pytest.approx(36.25)
    assert score["kind"] == "score"
    # 江头 s² = 2233.33 (deviations 35, 35, −5, −65), 金山 s² = Σ(y − 26.667)² / 5 = 1866.67
    v = 0.25**2 * (1 - 4 / 1000) * 2233.3333 / 4 + 0.75**2 * (1 - 6 / 3000) * 1866.6667 / 6
    assert score["se"] == pytest.approx(math.sqrt(v), rel=1e-5)


def test_awareness_averages_a_respondents_answers(world):
    fill(world)
    aw = wave_estimates(world.wave)["indicators"]["awareness"]
    # 江头: 1, 1, 1, 0.5 (Q1 right, Q2 wrong) → 0.875; 金山: all right → 1.0; 0.25 × 0.875 + 0.75 = 0.96875
    assert aw["estimate"] == pytest.approx(0.96875)
    assert aw["questions"] == ["Q1", "Q2"]


def test_participation_and_support(world):
    fill(world)
    data = wave_estimates(world.wave)["indicators"]
    # participation: 江头 4/4, 金山 3/7 (the four 不满意 answered 没有参与过) → 0.25 + 0.75 × 3/7
    assert data["participation"]["estimate"] == pytest.approx(0.25 + 0.75 * 3 / 7)
    # support: everybody 支持 → 1 with a zero-width interval
    assert (data["support"]["estimate"], data["support"]["ci_low"], data["support"]["ci_high"]) == (
        1.0,
        1.0,
        1.0,
    )


def test_per_question_distribution(world):
    fill(world)
    q5 = next(q for q in wave_estimates(world.wave)["questions"] if q["code"] == "Q5")
    counts = {row["label"]: row["count"] for row in q5["distribution"]}
    assert counts == {"满意": 3, "基本满意": 2, "不满意": 5, "说不清": 1}
    assert q5["n"] == 11
    assert q5["rate"]["estimate"] == pytest.approx(0.4375)
    text = next(q for q in wave_estimates(world.wave)["questions"] if q["code"] == "Q6")
    assert (text["rate"], text["score"], text["distribution"]) == (None, None, [])


def test_no_responses_gives_no_estimates(world):
    data = wave_estimates(world.wave)
    assert data["responses"] == 0
    assert data["indicators"]["satisfaction"]["estimate"] is None
    assert data["warnings"] == ["以下分层未达到目标样本量：江头街道、金山街道"]


def test_closing_freezes_the_estimates(world):
    fill(world)
    wave = services.close_wave(actor=world.office, wave=world.wave)
    assert wave.estimates_snapshot["frozen"] is True
    # a record changed afterwards (e.g. by an administrator) does not change the published figures
    Answer.objects.filter(question=world.questions["Q5"], value="3").update(value="1")
    frozen = wave_estimates(wave)
    assert frozen["indicators"]["satisfaction"]["estimate"] == pytest.approx(0.4375)
    assert frozen["frozen"] is True
    live = wave_estimates(wave, live=True)
    assert live["indicators"]["satisfaction"]["estimate"] == pytest.approx(1.0)


def test_compare_waves_and_the_leadership_summary(world):
    fill(world)
    first = services.close_wave(actor=world.office, wave=world.wave)
    second = services.create_wave(
        actor=world.office, name="第二季度", questionnaire=world.questionnaire, period_start=datetime.date(2026, 6, 1),
        period_end=datetime.date(2026, 6, 30), design="quota", quota=4, areas=[world.street, world.other_street],
    )  # fmt: skip
    world.wave = services.open_wave(actor=world.office, wave=second)
    world.strata = {s.area_id: s for s in second.strata.all()}
    for _ in range(4):
        respond(world, area=world.community, q5="1")
    for _ in range(6):
        respond(world, area=world.other_community, q5="1")
    second = services.close_wave(actor=world.office, wave=second)
    rows = {r["key"]: r for r in compare_waves([first, second])}
    sat = rows["satisfaction"]["cells"]
    assert [c["estimate"] for c in sat] == [pytest.approx(0.4375), 1.0]
    change = sat[1]["change"]
    # diff 0.5625, se = √(0.02884063 + 0) → z = 3.31 > 1.96
    assert change["diff"] == pytest.approx(0.5625)
    assert change["z"] == pytest.approx(0.5625 / math.sqrt(0.02884063), rel=1e-4)
    assert change["significant"] is True
    summary = latest_wave_summary(world.leader)
    assert summary["wave"] == second
    headline = {i["key"]: i for i in summary["indicators"]}
    assert headline["satisfaction"]["estimate"] == 1.0
    assert headline["satisfaction"]["change"]["diff"] == pytest.approx(0.5625)
    assert latest_wave_summary(world.street_user) is None


def test_per_stratum_design_is_weighted_the_same(db):
    # the estimator does not depend on how targets were set: proportional design, same answers
    w = make_world(design="per_stratum")
    fill(w)
    assert wave_estimates(w.wave)["indicators"]["satisfaction"]["estimate"] == pytest.approx(0.4375)
    assert [s.target for s in w.wave.strata.order_by("order")] == [278, 341]
