"""The appraisal's variable registry is built once per language and equals a fresh build."""

from django.utils import translation

from wenming.bulletins import variables


def _fresh() -> dict:
    return {v.code: v for v in (*variables._kpi_variables(), *variables.OWN)}


def test_the_cached_registry_equals_a_fresh_one_in_each_language():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert dict(variables.registry()) == _fresh()
            assert variables.registry() is variables.registry()  # built once, not per call


def test_kpi_labels_follow_the_active_language():
    with translation.override("zh-hans"):
        chinese = variables.registry()["handling_rate"].label
    with translation.override("en"):
        english = variables.registry()["handling_rate"].label
    assert chinese == "处置率"
    assert english != chinese
