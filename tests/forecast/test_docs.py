"""The worked example of docs/forecast.md §7, number by number."""

from pathlib import Path

import numpy as np
import pytest

from wenming.forecast import model

DOC = Path(__file__).resolve().parents[2] / "docs" / "forecast.md"


def test_worked_example_of_the_forecast_doc():
    history = model.History(
        obs_item=np.array([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),  # A twice, B..J once
        obs_age_days=np.array([28.0] + [0.0] * 10),
        obs_failed=np.array([True, False, True] + [False] * 8),
        obs_problems=np.array([1, 0, 1] + [0] * 8),
        item_pool=np.zeros(10, int),
        item_open_case=np.array([True] + [False] * 9),
        item_recurrences=np.zeros(10, int),
        item_closed_since=np.zeros(10, bool),
    )
    est = model.estimate(history, model.Params(half_life_days=28, prior_strength=4.0, open_case_odds=3.0))
    assert (est.n_eff[0], est.x_eff[0]) == (1.5, 0.5)
    assert est.district_rate == pytest.approx(0.173913, abs=1e-6)
    assert est.pool_rate[0] == pytest.approx(0.147826, abs=1e-6)
    assert est.p_shrunk[0] == pytest.approx(0.198419, abs=1e-6)
    assert est.p_shrunk[1] == pytest.approx(0.318261, abs=1e-6)
    assert est.p_fail[0] == pytest.approx(0.426146, abs=1e-6)
    lost = model.expected_lost(est.p_fail[:1], est.excess[:1], np.array([[2.0, 0.0]]))[0]
    assert lost == pytest.approx(0.852292, abs=1e-6)
    assert model.fix_gain(3 / 30, lost, 10.0, 15) == pytest.approx(0.0568, abs=5e-5)
    text = DOC.read_text(encoding="utf-8")
    for figure in ("0.173913", "0.147826", "0.198419", "0.318261", "0.426146", "0.852292", "0.0568"):
        assert f"**{figure}**" in text
