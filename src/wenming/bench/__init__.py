"""Benchmarks (`wenming bench`): synthetic data in a throwaway database, each figure with a same-run baseline.

`registry.py` holds the registry (`@benchmark("name")` functions returning `result(...)` dicts);
`data.py` builds the synthetic district; `foundation.py` has the first figures (spatial index, point list
API). Later capabilities add a module of their own and list it in `registry.BENCHMARK_MODULES`.
"""
