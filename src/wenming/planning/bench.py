"""Benchmarks: a day plan for 20 teams over 5,000 candidate points in a synthetic district with known risks.

Pure (no database): the district is `wenming.planning.synthetic.district` — points with a known expected
loss, a tenth of them problem points, a quarter with time windows — and 20 teams on e-bikes, 08:30–17:30.
The risk-based plan (`solver.solve`, deterministic, no time limit) is computed once and compared with three
baselines measured in the same run on the same district and hours:

- `planning.day_plan_marks`: expected at-risk marks found, risk-based routes vs a random draw of points
  routed by the same solver (`solver.random_plan`, what the evaluator-like random round does); higher is
  better, the ratio is the benefit;
- `planning.day_plan_solve`: the solver's wall time vs the greedy nearest-neighbour planner
  (`solver.nearest_neighbour_plan`) on the same candidates; `params` give both plans' marks found;
- `planning.route_length`: km of the planned routes vs a nearest-neighbour tour of the same stops per
  team; lower is better. The nearest-neighbour tours ignore windows and hours; `nn_tours_feasible` says how
  many of them would still keep every window and the shift end, `planned_routes_feasible` the same for the
  planned routes (checked independently of the solver by `solver.tour_feasible`).
"""

import time

from wenming.bench.registry import benchmark, result

POINTS = 5_000
TEAMS = 20
SEED = 20261207


def _day(ctx) -> dict:
    from wenming.planning import solver, synthetic

    def build():
        points = ctx.scaled(POINTS, 200)
        teams_n = ctx.scaled(TEAMS, 2)
        side = 6.0 * max(0.3, (points / POINTS) ** 0.5)
        sites, truth = synthetic.district(points, seed=SEED, side_km=side)
        teams = synthetic.teams(teams_n, seed=SEED, side_km=side, hours=(8, 17))
        travel = solver.Travel(speed_kmh=15.0, detour_factor=1.35)
        start = time.perf_counter()
        plan = solver.solve(sites, teams, travel)
        solve_s = time.perf_counter() - start
        start = time.perf_counter()
        randomly = solver.random_plan(sites, teams, travel, seed=SEED)
        random_s = time.perf_counter() - start
        start = time.perf_counter()
        greedy = solver.nearest_neighbour_plan(sites, teams, travel)
        greedy_s = time.perf_counter() - start
        by_id = {s.id: s for s in sites}
        nn_km = sum(
            solver.nearest_neighbour_km(
                t.start, t.end, [(by_id[s.site_id].lat, by_id[s.site_id].lon) for s in r.stops], travel
            )
            for t, r in zip(teams, plan.routes, strict=True)
        )
        nn_feasible = sum(
            solver.tour_feasible(
                t,
                solver.nearest_neighbour_order(t.start, [by_id[s.site_id] for s in r.stops], travel),
                travel,
            )
            for t, r in zip(teams, plan.routes, strict=True)
        )
        planned_feasible = sum(
            solver.tour_feasible(t, [by_id[s.site_id] for s in r.stops], travel)
            for t, r in zip(teams, plan.routes, strict=True)
        )
        hot = {s.id for s in sites if s.value >= 1.0}
        return {
            "plan": plan,
            "random": randomly,
            "greedy": greedy,
            "nn_km": nn_km,
            "nn_feasible": nn_feasible,
            "planned_feasible": planned_feasible,
            "params": {
                "points": len(sites),
                "teams": len(teams),
                "side_km": round(side, 2),
                "candidates_after_preselection": plan.candidates,
                "stops": len(plan.visited),
                "random_stops": len(randomly.visited),
                "greedy_stops": len(greedy.visited),
                "problem_points": len(hot),
                "problem_points_found": len(hot & set(plan.visited)),
                "problem_points_found_random": len(hot & set(randomly.visited)),
                "solve_seconds": round(solve_s, 3),
                "random_solve_seconds": round(random_s, 3),
                "greedy_seconds": round(greedy_s, 3),
                "marks_found": round(plan.value, 3),
                "marks_found_random": round(randomly.value, 3),
                "marks_found_greedy": round(greedy.value, 3),
                "km": round(plan.km, 3),
                "km_greedy": round(greedy.km, 3),
            },
        }

    return ctx.once("planning.day", build)


@benchmark(
    "planning.day_plan_marks", "at-risk marks found by a 20-team day plan over 5,000 points vs random draws"
)
def day_plan_marks(ctx) -> dict:
    day = _day(ctx)
    return result(
        name="planning.day_plan_marks",
        value=day["plan"].value,
        baseline=day["random"].value,
        unit="marks",
        params=day["params"],
    )


@benchmark("planning.day_plan_solve", "solve time of the day plan vs the greedy nearest-neighbour planner")
def day_plan_solve(ctx) -> dict:
    day = _day(ctx)
    return result(
        name="planning.day_plan_solve",
        value=day["params"]["solve_seconds"],
        baseline=day["params"]["greedy_seconds"],
        unit="s",
        params=day["params"],
    )


@benchmark("planning.route_length", "km of the planned routes vs nearest-neighbour tours of the same stops")
def route_length(ctx) -> dict:
    day = _day(ctx)
    return result(
        name="planning.route_length",
        value=day["plan"].km,
        baseline=day["nn_km"],
        unit="km",
        params={
            "stops": day["params"]["stops"],
            "teams": day["params"]["teams"],
            # how many of the nearest-neighbour tours would keep every window and the shift end
            "nn_tours_feasible": day["nn_feasible"],
            "planned_routes_feasible": day["planned_feasible"],
        },
    )
