"""The KPI table's shortcuts against the plain definitions they replace (differential, random inputs):
drill-down strings made from per-count prefixes equal `drill_query`; a formula evaluated from the parse
cache and labels translated once per table equals a fresh parse with fresh labels."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenming.cases import kpis
from wenming.core import formulas

PERIOD = kpis.parse_period("2026-11")
KEYS = st.one_of(st.none(), st.integers(min_value=1, max_value=10**9))


@given(
    dimension=st.sampled_from(sorted(kpis.DIMENSIONS)),
    key=KEYS,
    code=st.sampled_from(sorted(kpis.COUNT_BY_CODE)),
)
def test_drills_from_prefixes_equal_drill_query(dimension, key, code):
    prefixes = {c.code: kpis.drill_query("district", None, c.code, PERIOD) for c in kpis.COUNTS}
    assert kpis._drills(prefixes, dimension, key)[code] == kpis.drill_query(dimension, key, code, PERIOD)


def _row(counts: dict[str, int]) -> kpis.KpiRow:
    rates = {r.code: kpis._ratio(counts[r.numerator], counts[r.denominator]) for r in kpis.RATES}
    return kpis.KpiRow(1, "x", counts, rates, 1.5)


def _fresh(expression: str, row: kpis.KpiRow):
    """The path before the caches: parse every time, labels translated every time."""
    formulas._prepared.cache_clear()
    variables = {}
    for r in kpis.RATES:
        if row.rates[r.code] is not None:
            variables[r.code] = variables[str(r.label)] = row.rates[r.code]
    for c in kpis.COUNTS:
        variables[c.code] = variables[str(c.label)] = float(row.counts[c.code])
    variables["avg_handling_hours"] = variables["平均处置时长"] = row.avg_handling_hours
    try:
        return round(float(formulas.evaluate(expression, variables)), 2)
    except formulas.FormulaError:
        return None


COUNTS = st.fixed_dictionaries({c.code: st.integers(min_value=0, max_value=50) for c in kpis.COUNTS})


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(counts=COUNTS, which=st.integers(min_value=0, max_value=1))
def test_cached_formula_scores_equal_fresh_ones(counts, which):
    expression = kpis.TEMPLATE_FORMULAS[which][1]
    row = _row(counts)
    names = kpis.variable_names()
    assert kpis.score(expression, row, names) == _fresh(expression, row) == kpis.score(expression, row)
    # evaluating twice from the cache gives the same value (the cached tree is not changed by a run)
    assert kpis.score(expression, row, names) == kpis.score(expression, row, names)
