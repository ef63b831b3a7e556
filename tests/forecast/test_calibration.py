"""Calibration shown, not claimed: a synthetic district with known true failure rates and a simulated history.

Each of 200 seasons draws a new district (true rates per point × criterion around per-type means), six rounds of
inspection history, fits the model, simulates 500 tests, then runs the *real* test once from the true rates.
The 80 % interval must hold the real score in 75–85 % of the seasons, and the shrunk rates must be closer to
the truth than the raw latest observation.
"""

import numpy as np

from wenming.forecast import model, simulate, synthetic

SEASONS = 200


def _seasons():
    rng = np.random.default_rng(20261207)
    specs = synthetic.make_specs(6, 8)
    tables = [simulate.pad_tables([simulate.engine_table(s) for s in sp]) for sp in specs]
    for i in range(SEASONS):
        season = synthetic.make_season(rng, specs=specs)
        yield i, season, tables


def test_80_percent_interval_covers_the_real_test_in_75_to_85_percent_of_seasons_and_shrinkage_wins():
    hits = hits95 = 0
    err_shrunk, err_latest = [], []
    for i, season, tables in _seasons():
        est = model.estimate(season.history, model.Params())
        shape = season.true_p.shape
        forecast = synthetic.district_of(
            season, est.p_fail.reshape(shape), est.excess.reshape(shape), tables, est
        )
        band = simulate.summary(simulate.simulate(forecast, 500, seed=i).scores)
        truth = synthetic.district_of(season, season.true_p, season.true_excess, tables)
        actual = simulate.simulate(truth, 1, seed=1_000_000 + i).scores[0]
        hits += band["low80"] <= actual <= band["high80"]
        hits95 += band["low95"] <= actual <= band["high95"]
        seen = ~np.isnan(season.latest_failed)
        true_p = season.true_p.ravel()[seen]
        err_shrunk.append(np.mean((est.p_shrunk[seen] - true_p) ** 2))
        err_latest.append(np.mean((season.latest_failed[seen] - true_p) ** 2))
    coverage = hits / SEASONS
    assert 0.75 <= coverage <= 0.85, coverage
    assert hits95 / SEASONS >= 0.9
    # Shrinkage beats the raw latest observation in every season's mean squared error, and by far overall.
    assert all(s < r for s, r in zip(err_shrunk, err_latest, strict=True))
    assert np.mean(err_shrunk) < 0.3 * np.mean(err_latest)


def test_a_point_seen_once_is_neither_0_nor_100_percent():
    history = model.History(
        obs_item=np.array([0, 1, 2, 2, 2]),
        obs_age_days=np.array([1.0, 1.0, 1.0, 30.0, 60.0]),
        obs_failed=np.array([True, False, False, False, False]),
        obs_problems=np.array([1, 0, 0, 0, 0]),
        item_pool=np.array([0, 0, 0]),
        item_open_case=np.zeros(3, bool),
        item_recurrences=np.zeros(3, int),
        item_closed_since=np.zeros(3, bool),
    )
    est = model.estimate(history, model.Params(prior_strength=4.0))
    assert 0.0 < est.p_fail[1] < est.p_fail[0] < 1.0
    assert est.p_fail[0] < 0.5  # one failure among five observations of the pool does not make it certain
    raised = model.estimate(
        model.History(**{**history.__dict__, "item_open_case": np.array([True, False, False])}),
        model.Params(prior_strength=4.0),
    )
    assert raised.p_fail[0] > est.p_fail[0]
    lowered = model.estimate(
        model.History(**{**history.__dict__, "item_closed_since": np.array([True, False, False])}),
        model.Params(prior_strength=4.0),
    )
    assert lowered.p_fail[0] < est.p_fail[0]


def test_simulation_grades_exactly_as_the_scoring_engine():
    rng = np.random.default_rng(7)
    season = synthetic.make_season(rng, points=60, types=3, criteria=10)
    est = model.estimate(season.history, model.Params())
    shape = season.true_p.shape
    district = synthetic.district_of(season, est.p_fail.reshape(shape) * 5, est.excess.reshape(shape) + 1)
    result = simulate.simulate(district, 200, seed=3, trace=50)
    assert simulate.check_against_engine(district, result) == 50 * 3 * season.per_type
    # Tamper with one traced score: the check must catch it.
    result.traces[0].scores[0, 0] += 0.5
    try:
        simulate.check_against_engine(district, result)
    except AssertionError:
        pass
    else:
        raise AssertionError("a wrong simulated score went unnoticed")
