"""What the demo steps share: the seeded randomness, the acting user, and the objects made so far."""

import datetime
import random
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from wenming.demo import DEFAULT_SEED  # noqa: F401  (re-exported)
from wenming.demo.names import PhoneBook, person_name

# Duties of the demo start on a fixed date so that reloading never creates a second, newer duty.
DUTY_START = datetime.date(2025, 7, 1)


@dataclass
class DemoContext:
    """Passed to every step `(ctx) -> None`.

    `rng` is re-seeded before each step from (seed, step name), so adding or removing a step never changes
    the data of the others. Steps record what they made in the dicts below (keys are stable codes) so that
    later steps can use it without querying again; `extra` is free for later steps.
    """

    seed: int
    actor: Any = None  # the user the services record as actor; None = the system
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    rng: random.Random = field(default_factory=random.Random)
    phones: PhoneBook | None = None
    units: dict[str, Any] = field(default_factory=dict)  # unit code → Unit
    groups: dict[str, Any] = field(default_factory=dict)  # group code → SpecialGroup
    areas: dict[str, Any] = field(default_factory=dict)  # area code → Area
    shapes: dict[str, Any] = field(default_factory=dict)  # area code → shapely Polygon (WGS-84 lon/lat)
    point_types: dict[str, Any] = field(default_factory=dict)  # point type code → PointType
    points: dict[str, Any] = field(default_factory=dict)  # point code → Point
    people: dict[str, Any] = field(
        default_factory=dict
    )  # role key (e.g. "grid_worker:<grid code>:1") → Person
    community_guarantor: dict[str, str] = field(default_factory=dict)  # community code → guarantor unit code
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.phones is None:
            self.phones = PhoneBook(self.seed)

    def reseed(self, step_name: str) -> None:
        self.rng = random.Random(f"{self.seed}:{step_name}")

    def new_name(self) -> str:
        return person_name(self.rng)

    def log(self, message: str) -> None:
        self.stdout.write(message + "\n")
