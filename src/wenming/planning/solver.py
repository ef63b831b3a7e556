"""The day planner (智能巡查排程): which points each team visits today, and in what order — pure, no ORM.

Inputs are plain values: the candidate **sites** (position, the expected marks at risk found by inspecting
them, service minutes, time windows, whether the coverage rule makes the visit due), the **teams** (an
inspector or a pair: start and end place, working hours) and the **travel** model (straight-line distance ×
detour factor ÷ speed). The output is one ordered route per team with arrival times.

Formulation: a prize-collecting vehicle-routing problem with time windows, solved with Google OR-Tools
(`pywrapcp` routing). Every site is optional (a disjunction); leaving it out costs its prize — its expected
marks × `prize_per_mark` seconds of travel — so the solver keeps the sites worth their detour and, when the
day is too short, drops the least valuable. A site whose coverage is due gets `COVERAGE_PRIZE_MARKS` extra,
so it is kept unless it cannot fit at all. The time dimension counts travel plus the service time at each
stop; a stop's arrival must fall inside one of its point type's windows (waiting for a window to open is
allowed); each team leaves its start no earlier than its shift start and is back at its end place by the
shift end. The arc cost minimised beside the dropped prizes is travel time.

Large days are reduced before the solver sees them: all due sites plus the most valuable others, at most
`candidate_factor` × the number of stops the teams' hours could possibly hold (`pre_select`). A site beyond
that cut could only be chosen instead of a more valuable one, which the objective would not do unless it
saves a long detour — the cut is the documented approximation that keeps 5,000 candidates solvable. Above
`MAX_NODES` candidates the district is then split into one territory per team (`territories`: k-means
weighted by risk, matched to the teams' starts) and each territory is solved alone.

Baselines (used by the tests and `make bench`): `nearest_neighbour_km` — the same stops visited in
nearest-neighbour order — and `random_plan` — the same teams and hours spent on points drawn at random, as
the evaluator-like random round does.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

EARTH_RADIUS_M = 6_371_008.8
COVERAGE_PRIZE_MARKS = 1000.0  # a due visit outweighs any realistic expected loss at one point
DEFAULT_PRIZE_PER_MARK = 36_000  # seconds of travel one expected mark is worth: marks first, travel second
DAY_MINUTES = 24 * 60
MAX_NODES = 400  # above this many candidates, one territory per team (see `territories`)


@dataclass(frozen=True)
class Site:
    """A candidate point: `value` is the expected marks at risk found by inspecting it today."""

    id: int
    lat: float
    lon: float
    value: float
    service_min: int = 10
    windows: tuple[tuple[int, int], ...] = ()  # minutes after midnight, arrival inside one; () = any time
    due: bool = False  # the coverage rule says this point must be visited today


@dataclass(frozen=True)
class Team:
    """An inspector or a team of two: where the day starts and ends, and the working hours (minutes)."""

    key: int
    start: tuple[float, float]
    end: tuple[float, float]
    shift_start: int = 8 * 60
    shift_end: int = 17 * 60


@dataclass(frozen=True)
class Travel:
    """Straight-line distance × detour factor ÷ speed."""

    speed_kmh: float = 4.5
    detour_factor: float = 1.3

    def metres(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        return haversine_m(a[0], a[1], b[0], b[1]) * self.detour_factor

    def seconds(self, a: tuple[float, float], b: tuple[float, float]) -> int:
        return int(round(self.metres(a, b) / (self.speed_kmh * 1000 / 3600)))


@dataclass
class Stop:
    site_id: int
    arrive: int  # minutes after midnight
    depart: int


@dataclass
class Route:
    team: int
    stops: list[Stop] = field(default_factory=list)
    km: float = 0.0  # travelled distance (detoured) from start to end through the stops
    end_at: int = 0  # minutes after midnight back at the end place


@dataclass
class Solution:
    routes: list[Route]
    value: float  # expected marks at risk found (sum of the visited sites' values)
    dropped_due: list[int]  # due sites that could not be fitted
    candidates: int  # sites the solver saw after pre-selection

    @property
    def visited(self) -> list[int]:
        return [s.site_id for r in self.routes for s in r.stops]

    @property
    def km(self) -> float:
        return sum(r.km for r in self.routes)


class PlanningError(ValueError):
    pass


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def pre_select(sites: Sequence[Site], teams: Sequence[Team], candidate_factor: float = 3.0) -> list[Site]:
    """All due sites, then the most valuable others, up to `candidate_factor` × the stops the hours allow."""
    if not sites or not teams:
        return []
    mean_service = max(1.0, sum(s.service_min for s in sites) / len(sites))
    capacity = int(sum(max(0, t.shift_end - t.shift_start) for t in teams) // mean_service)
    limit = max(1, int(capacity * candidate_factor))
    due = [s for s in sites if s.due]
    others = sorted((s for s in sites if not s.due), key=lambda s: (-s.value, s.id))
    return due + others[: max(0, limit - len(due))]


def _window_range(site: Site) -> tuple[int, int] | None:
    if not site.windows:
        return None
    return min(w[0] for w in site.windows), max(w[1] for w in site.windows)


def solve(
    sites: Sequence[Site],
    teams: Sequence[Team],
    travel: Travel,
    *,
    prize_per_mark: float = DEFAULT_PRIZE_PER_MARK,
    candidate_factor: float = 3.0,
    time_limit_s: float | None = None,
    start_times: dict[int, int] | None = None,
    max_nodes: int = MAX_NODES,
) -> Solution:
    """Choose and order the stops of every team (see the module doc).

    Without `time_limit_s` the search stops at the first local optimum (deterministic: same input, same
    routes); with it, guided local search improves the routes until the limit (per territory when split).
    `start_times` overrides a team's departure (minutes after midnight), for re-planning the rest of a day.
    Above `max_nodes` pre-selected candidates the district is split into one territory per team first.
    """
    if not teams:
        raise PlanningError("no teams")
    chosen = pre_select(sites, teams, candidate_factor)
    if len(teams) == 1 or len(chosen) <= max_nodes:
        return _solve(chosen, teams, travel, prize_per_mark, time_limit_s, start_times, sites)
    routes, value, dropped = [], 0.0, []
    for team, members in zip(teams, territories(chosen, teams), strict=True):
        part = _solve(members, [team], travel, prize_per_mark, time_limit_s, start_times, members)
        routes += part.routes
        value += part.value
        dropped += part.dropped_due
    dropped += [s.id for s in sites if s.due and s not in set(chosen)]
    return Solution(routes, value, dropped, len(chosen))


def territories(sites: Sequence[Site], teams: Sequence[Team]) -> list[list[Site]]:
    """Split the candidates into one territory per team: k-means of the positions weighted by value (the
    territories gather around the risk), each territory handed to the team whose start is nearest its
    centre (an optimal one-to-one matching). Deterministic (fixed random state)."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment
    from sklearn.cluster import KMeans

    lat0 = sum(s.lat for s in sites) / len(sites)
    k = math.cos(math.radians(lat0))
    xy = np.array([(s.lon * k, s.lat) for s in sites])
    weights = np.array([s.value + (COVERAGE_PRIZE_MARKS if s.due else 0.0) + 1e-3 for s in sites])
    model = KMeans(n_clusters=len(teams), n_init=3, random_state=0).fit(xy, sample_weight=weights)
    starts = np.array([(t.start[1] * k, t.start[0]) for t in teams])
    cost = ((starts[:, None, :] - model.cluster_centers_[None, :, :]) ** 2).sum(axis=2)
    team_rows, clusters = linear_sum_assignment(cost)
    cluster_of_team = dict(zip(team_rows.tolist(), clusters.tolist(), strict=True))
    out: list[list[Site]] = [[] for _ in teams]
    for site, label in zip(sites, model.labels_.tolist(), strict=True):
        out[[t for t, c in cluster_of_team.items() if c == label][0]].append(site)
    return out


def _solve(
    chosen: Sequence[Site],
    teams: Sequence[Team],
    travel: Travel,
    prize_per_mark: float,
    time_limit_s: float | None,
    start_times: dict[int, int] | None,
    sites: Sequence[Site],
) -> Solution:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n_teams = len(teams)
    # Nodes: 0..n-1 sites, then a start and an end node per team.
    positions = [(s.lat, s.lon) for s in chosen]
    positions += [t.start for t in teams] + [t.end for t in teams]
    n_sites = len(chosen)
    starts = [n_sites + i for i in range(n_teams)]
    ends = [n_sites + n_teams + i for i in range(n_teams)]
    n_nodes = len(positions)
    service = [s.service_min * 60 for s in chosen] + [0] * (2 * n_teams)

    travel_s = _travel_matrix(positions, travel)
    time_s = [[travel_s[i][j] + service[i] for j in range(n_nodes)] for i in range(n_nodes)]

    manager = pywrapcp.RoutingIndexManager(n_nodes, n_teams, starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    cost_cb = routing.RegisterTransitMatrix(travel_s)
    time_cb = routing.RegisterTransitMatrix(time_s)
    routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)
    day_end = max(t.shift_end for t in teams) * 60
    routing.AddDimension(time_cb, DAY_MINUTES * 60, DAY_MINUTES * 60, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for node, site in enumerate(chosen):
        index = manager.NodeToIndex(node)
        prize = (site.value + (COVERAGE_PRIZE_MARKS if site.due else 0.0)) * prize_per_mark
        routing.AddDisjunction([index], max(1, int(round(prize))))
        span = _window_range(site)
        if span is not None:
            cumul = time_dim.CumulVar(index)
            cumul.SetRange(span[0] * 60, min(span[1] * 60, day_end))
            ordered = sorted(site.windows)
            for (_a, b), (c, _d) in zip(ordered, ordered[1:], strict=False):
                if c > b:
                    cumul.RemoveInterval(b * 60 + 1, c * 60 - 1)
    for v, team in enumerate(teams):
        begin = (start_times or {}).get(team.key, team.shift_start)
        time_dim.CumulVar(routing.Start(v)).SetRange(begin * 60, team.shift_end * 60)
        time_dim.CumulVar(routing.End(v)).SetRange(begin * 60, team.shift_end * 60)
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.Start(v)))
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    if time_limit_s:
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        params.time_limit.FromMilliseconds(int(time_limit_s * 1000))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        raise PlanningError("no solution")

    routes, visited_value, seen = [], 0.0, set()
    for v, team in enumerate(teams):
        route = Route(team=team.key)
        index = routing.Start(v)
        metres, prev = 0.0, starts[v]
        index = solution.Value(routing.NextVar(index))
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            arrive = solution.Min(time_dim.CumulVar(index)) // 60
            route.stops.append(Stop(chosen[node].id, arrive, arrive + chosen[node].service_min))
            metres += travel.metres(positions[prev], positions[node])
            visited_value += chosen[node].value
            seen.add(chosen[node].id)
            prev = node
            index = solution.Value(routing.NextVar(index))
        metres += travel.metres(positions[prev], positions[ends[v]])
        route.km = metres / 1000
        route.end_at = solution.Min(time_dim.CumulVar(index)) // 60
        routes.append(route)
    dropped_due = [s.id for s in chosen if s.due and s.id not in seen]
    kept = set(chosen)
    dropped_due += [s.id for s in sites if s.due and s not in kept]
    return Solution(routes, visited_value, dropped_due, n_sites)


def _travel_matrix(positions: Sequence[tuple[float, float]], travel: Travel) -> list[list[int]]:
    """Travel seconds between every pair (vectorised haversine × detour ÷ speed)."""
    import numpy as np

    lat = np.radians(np.array([p[0] for p in positions], dtype=float))
    lon = np.radians(np.array([p[1] for p in positions], dtype=float))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    metres = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h))) * travel.detour_factor
    seconds = np.rint(metres / (travel.speed_kmh * 1000 / 3600)).astype(np.int64)
    return seconds.tolist()


# --- baselines ----------------------------------------------------------------------------------------


def nearest_neighbour_order(start: tuple[float, float], stops: Sequence[Site], travel: Travel) -> list[Site]:
    """The stops in nearest-neighbour order from `start` (windows and hours ignored)."""
    left, here, out = list(stops), start, []
    while left:
        i = min(range(len(left)), key=lambda k: travel.metres(here, (left[k].lat, left[k].lon)))
        here = (left[i].lat, left[i].lon)
        out.append(left.pop(i))
    return out


def nearest_neighbour_km(
    start: tuple[float, float], end: tuple[float, float], stops: Sequence[tuple[float, float]], travel: Travel
) -> float:
    """Length (km, detoured) of the tour start → always the nearest unvisited stop → end."""
    ordered = nearest_neighbour_order(
        start, [Site(i, lat, lon, 0.0) for i, (lat, lon) in enumerate(stops)], travel
    )
    here, metres = start, 0.0
    for site in ordered:
        metres += travel.metres(here, (site.lat, site.lon))
        here = (site.lat, site.lon)
    return (metres + travel.metres(here, end)) / 1000


def tour_feasible(team: Team, ordered: Sequence[Site], travel: Travel) -> bool:
    """Whether visiting `ordered` in that order keeps every window (waiting allowed) and the shift end."""
    here, clock = team.start, float(team.shift_start)
    for site in ordered:
        clock += travel.seconds(here, (site.lat, site.lon)) / 60
        if site.windows:
            opening = [max(clock, a) for a, b in site.windows if max(clock, a) <= b]
            if not opening:
                return False
            clock = opening[0]
        clock += site.service_min
        here = (site.lat, site.lon)
    return clock + travel.seconds(here, team.end) / 60 <= team.shift_end


def route_km(route: Route, team: Team, sites_by_id: dict[int, Site], travel: Travel) -> float:
    """The length of a route as ordered (km, detoured)."""
    here, metres = team.start, 0.0
    for stop in route.stops:
        site = sites_by_id[stop.site_id]
        metres += travel.metres(here, (site.lat, site.lon))
        here = (site.lat, site.lon)
    return (metres + travel.metres(here, team.end)) / 1000


def random_plan(
    sites: Sequence[Site], teams: Sequence[Team], travel: Travel, *, seed: int, **solve_args
) -> Solution:
    """The evaluator-like baseline: the same teams and hours spent on points drawn at random.

    Every site gets the same prize (risk is ignored) and the candidates are a random draw as large as the
    pre-selection would keep, so the solver only fits as many random points as the hours allow and orders
    them; the returned `value` still sums the sites' true values.
    """
    rng = random.Random(seed)
    pool = list(sites)
    rng.shuffle(pool)
    keep = len(pre_select(sites, teams, solve_args.get("candidate_factor", 3.0)))
    drawn = [Site(s.id, s.lat, s.lon, 1.0, s.service_min, s.windows, False) for s in pool[:keep]]
    plan = solve(drawn, teams, travel, **solve_args)
    by_id = {s.id: s for s in sites}
    plan.value = sum(by_id[i].value for i in plan.visited)
    return plan


def nearest_neighbour_plan(sites: Sequence[Site], teams: Sequence[Team], travel: Travel, **pre) -> Solution:
    """The greedy baseline: the same pre-selected candidates; each team in turn walks from its start to the
    nearest unvisited candidate it can still reach inside the candidate's window and come back from by the
    shift end, until none is left; no look-ahead, no re-ordering."""
    chosen = pre_select(sites, teams, pre.get("candidate_factor", 3.0))
    left = {s.id: s for s in chosen}
    routes, value = [], 0.0
    for team in teams:
        route = Route(team=team.key)
        here, clock, metres = team.start, team.shift_start, 0.0
        while True:
            best = None
            for site in left.values():
                leg = travel.seconds(here, (site.lat, site.lon)) / 60
                arrive = clock + leg
                if site.windows:
                    fits = [max(arrive, a) for a, b in site.windows if max(arrive, a) <= b]
                    if not fits:
                        continue
                    arrive = fits[0]
                back = arrive + site.service_min + travel.seconds((site.lat, site.lon), team.end) / 60
                if back > team.shift_end:
                    continue
                if best is None or leg < best[0]:
                    best = (leg, site, arrive)
            if best is None:
                break
            _leg, site, arrive = best
            del left[site.id]
            metres += travel.metres(here, (site.lat, site.lon))
            route.stops.append(
                Stop(site.id, int(math.ceil(arrive)), int(math.ceil(arrive)) + site.service_min)
            )
            value += site.value
            here, clock = (site.lat, site.lon), arrive + site.service_min
        route.km = (metres + travel.metres(here, team.end)) / 1000
        route.end_at = int(clock + travel.seconds(here, team.end) / 60)
        routes.append(route)
    return Solution(routes, value, [], len(chosen))
