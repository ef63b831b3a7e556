"""The benchmark registry and the shape of a result.

A benchmark is a function `(ctx: BenchContext) -> dict` registered with `@benchmark(name, description)`;
it returns `result(name=…, value=…, baseline=…, unit=…, params={…})`: the measured value, the baseline
measured in the same run on the same data, and their ratio (value / baseline; lower is better when the
unit is a duration).
"""

import importlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# Modules whose import registers benchmarks; a new capability appends its own module here.
BENCHMARK_MODULES = [
    "wenming.bench.foundation",
    "wenming.scoring.bench",
    "wenming.inspections.bench",
    "wenming.planning.bench",
    "wenming.bulletins.bench",
    "wenming.participation.bench",
    "wenming.cases.bench",
    "wenming.forecast.bench",
    "wenming.dashboard.bench",
    "wenming.demo.bench",
]


@dataclass(frozen=True)
class Benchmark:
    name: str
    func: Callable
    description: str


@dataclass
class BenchContext:
    """What every benchmark gets: the scale factor, how often to repeat a timing, a seeded RNG, a cache."""

    scale: float = 1.0
    repeat: int = 5
    seed: int = 20260101
    cache: dict = field(default_factory=dict)

    def __post_init__(self):
        self.rng = np.random.default_rng(self.seed)

    def scaled(self, full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * self.scale))

    def once(self, key: str, build: Callable):
        """Build shared data (areas, points …) once per run, whichever benchmark asks first."""
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]


REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str, description: str = ""):
    def register(func):
        if name in REGISTRY and REGISTRY[name].func is not func:
            raise ValueError(f"benchmark {name!r} registered twice")
        REGISTRY[name] = Benchmark(
            name=name, func=func, description=description or (func.__doc__ or "").strip()
        )
        return func

    return register


def load() -> dict[str, Benchmark]:
    for module in BENCHMARK_MODULES:
        importlib.import_module(module)
    return REGISTRY


def timed(func: Callable, repeat: int) -> tuple[float, list[float]]:
    """The median wall time of `repeat` calls (seconds), and all of them."""
    runs = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), runs


def result(*, name: str, value: float, baseline: float, unit: str, params: dict | None = None) -> dict:
    """Six significant digits; the ratio is computed from the reported figures, so a reader can check it."""
    value, baseline = float(f"{value:.6g}"), float(f"{baseline:.6g}")
    return {
        "name": name,
        "value": value,
        "baseline": baseline,
        "ratio": round(value / baseline, 4) if baseline else None,
        "unit": unit,
        "params": params or {},
    }


RESULT_KEYS = ("name", "value", "baseline", "ratio", "unit", "params")
