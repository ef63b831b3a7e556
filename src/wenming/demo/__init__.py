"""The Huli district demo (`wenming load_demo [--seed N]`): realistic, reproducible, idempotent data.

Plain modules, not a Django app: `steps.py` lists the ordered steps, each in its own module
(geography, organisation, points, accounts …); `load()` runs them. Same seed → same data; running twice
changes nothing the second time.
"""

from typing import TextIO

DEFAULT_SEED = 2026


def load(seed: int = DEFAULT_SEED, *, stdout: TextIO | None = None, part: str = "all") -> dict[str, int]:
    """Load (or bring up to date) the demo; returns rows per model. Imported lazily: needs Django set up.

    `part="foundation"` loads only the registries and accounts (see `steps.PARTS`).
    """
    from wenming.demo.runner import run
    from wenming.demo.steps import PARTS

    return run(seed=seed, stdout=stdout, steps=PARTS[part])
