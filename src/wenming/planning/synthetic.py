"""A synthetic district with known problems, for the benefit test and `make bench` (no database).

Points lie uniformly in a square of `side_km` around a centre in Huli (Xiamen). Each point's true expected
marks lost is known: most points are in order (a small loss), a share `hot_share` are problem points whose
expected loss is several times larger — the situation the planner is for. A quarter of the points are of a
type with a time window (bus stops 07:00–09:00, markets 06:00–11:00, intersections 07:00–09:00 and
17:00–19:00), so the windows bind.
"""

from __future__ import annotations

import math
import random

from wenming.planning.solver import Site, Team

CENTRE = (24.5100, 118.1400)
WINDOWED = (
    ((7 * 60, 9 * 60),),  # bus stop, morning peak
    ((6 * 60, 11 * 60),),  # market, the morning
    ((7 * 60, 9 * 60), (17 * 60, 19 * 60)),  # intersection, rush hours
)


def _offset(centre: tuple[float, float], dx_km: float, dy_km: float) -> tuple[float, float]:
    lat = centre[0] + dy_km / 111.32
    lon = centre[1] + dx_km / (111.32 * math.cos(math.radians(centre[0])))
    return lat, lon


def district(
    n_points: int, *, seed: int, side_km: float = 6.0, hot_share: float = 0.1
) -> tuple[list[Site], dict[int, float]]:
    """`n_points` sites (value = the true expected marks lost) and the true values by site id."""
    rng = random.Random(seed)
    sites = []
    for i in range(1, n_points + 1):
        lat, lon = _offset(
            CENTRE, rng.uniform(-side_km / 2, side_km / 2), rng.uniform(-side_km / 2, side_km / 2)
        )
        hot = rng.random() < hot_share
        value = round(rng.uniform(1.0, 3.0) if hot else rng.uniform(0.0, 0.3), 3)
        kind = rng.random()
        windows = WINDOWED[int(kind * 12)] if kind < 0.25 else ()
        sites.append(Site(i, lat, lon, value, service_min=rng.choice((8, 10, 12, 15)), windows=windows))
    return sites, {s.id: s.value for s in sites}


def teams(n_teams: int, *, seed: int, side_km: float = 6.0, hours: tuple[int, int] = (8, 17)) -> list[Team]:
    """Teams starting and ending at their street office (spread over the district)."""
    rng = random.Random(seed + 1)
    out = []
    for k in range(1, n_teams + 1):
        base = _offset(CENTRE, rng.uniform(-side_km / 3, side_km / 3), rng.uniform(-side_km / 3, side_km / 3))
        out.append(Team(k, base, base, hours[0] * 60, hours[1] * 60))
    return out
