"""Benchmark `pages.latency`: the main screens and list endpoints, per role, over generated data at two sizes.

The district is built by `wenming generate` (demo.generate) first with SMALL cases (10³; a tenth of the
large size below scale 0.01), the pages are measured, then cases are added up to LARGE (10⁶ × `--scale`,
at least 10 × the small size) and the same pages are measured again. Each (role, page) is requested through the Django test client, signed in as the
generated account of that role (`gen-office`, `gen-unit`, `gen-street`, `gen-leader`, `gen-inspector`): one
warm-up request, then `--repeat` × 4 timed requests (at least 5). Reported per page: p50, p95 (ms) and the
SQL queries of one request, at both sizes; value = the worst p95(large)/p95(small) over the pages, baseline
1.5 (the goal), so ratio ≤ 1 means every page meets it.

Registered in `wenming.bench.registry.BENCHMARK_MODULES`; runs only in the bench child (throwaway database).
"""

from __future__ import annotations

import statistics
import time

from wenming.bench.registry import benchmark, result

SMALL = 1_000
LARGE = 1_000_000
GOAL = 1.5
ROLES = ("office", "unit", "street", "leader", "inspector")


def pages(ids: dict) -> list[tuple[str, str, tuple[str, ...]]]:
    """(name, url, roles) of the measured screens; `ids` holds keys the urls need (a case in every scope)."""
    every = ROLES
    return [
        ("home", "/", every),
        ("cases.list", "/cases/", every),
        ("cases.list.htmx", "/cases/?state=closed", every),
        ("cases.detail", f"/cases/{ids['case']}/", every),
        ("cases.dispatch_queue", "/cases/dispatch-queue/", ("office",)),
        ("cases.overdue", "/cases/overdue/", ("office", "unit", "street", "leader")),
        ("cases.parked", "/cases/parked/", ("office", "leader")),
        ("api.cases", "/api/v1/cases/", every),
        ("api.cases.filtered", "/api/v1/cases/?state=closed", every),
        ("api.points", "/api/v1/geo/points/", every),
    ]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(users: dict, repeat: int, ids: dict) -> dict:
    """{(page, role): {"p50", "p95", "queries", "status"}} with the Django test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    for role in ROLES:
        client = Client()
        client.force_login(users[role])
        for name, url, roles in pages({"case": ids[role]}):
            if role not in roles:
                continue
            headers = {"HTTP_HX_REQUEST": "true"} if name.endswith(".htmx") else {}
            response = client.get(url, **headers)  # warm-up (caches, templates)
            connection.queries_log.clear()  # a full log (DEBUG child, maxlen 9000) would count nothing
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, **headers)
            runs = []
            for _ in range(max(5, repeat * 4)):
                start = time.perf_counter()
                client.get(url, **headers)
                runs.append((time.perf_counter() - start) * 1000)
            out[f"{name}|{role}"] = {
                "status": response.status_code,
                "p50": round(statistics.median(runs), 2),
                "p95": round(_percentile(runs, 0.95), 2),
                "queries": len(captured.captured_queries),
            }
    return out


def _ids(users: dict) -> dict:
    """Per role, the newest case in its scope (its detail page is measured at both sizes)."""
    from wenming.cases.models import Case

    return {
        role: Case.objects.restrict(user).order_by("-reported_at", "-id").values_list("pk", flat=True).first()
        for role, user in users.items()
    }


@benchmark(
    "pages.latency",
    "main pages and list endpoints per role at 10³ and 10⁶ generated cases: p50, p95, queries; "
    "value = worst p95(large)/p95(small), baseline = the goal 1.5",
)
def pages_latency(ctx) -> dict:
    from wenming.demo.generate import generate

    # 10³ and 10⁶ × scale; below scale 0.01 the small size shrinks too (a tenth of the large one)
    small = min(SMALL, max(50, ctx.scaled(LARGE) // 10))
    large = max(small * 10, ctx.scaled(LARGE))
    quiet = lambda message: None  # noqa: E731
    built = generate(cases=small, years=1, seed=ctx.seed, force=True, log=quiet)
    users = {role: _user(f"gen-{role}") for role in ROLES}
    ids = _ids(users)
    at_small = measure(users, ctx.repeat, ids)
    start = time.perf_counter()
    more = generate(
        cases=large - small, years=max(1.0, large / 100_000), seed=ctx.seed + 1, force=True, log=quiet
    )
    build_seconds = time.perf_counter() - start
    # (the same case's detail page at both sizes: ids stay those of the small size)
    at_large = measure(users, ctx.repeat, ids)
    table = []
    worst = 0.0
    for key, s in at_small.items():
        big = at_large.get(key)
        if big is None:
            continue
        ratio = round(big["p95"] / s["p95"], 3) if s["p95"] else None
        page, role = key.split("|")
        table.append({"page": page, "role": role, "small": s, "large": big, "p95_ratio": ratio})
        if ratio is not None and s["status"] == 200:
            worst = max(worst, ratio)
    return result(
        name="pages.latency",
        value=worst,
        baseline=GOAL,
        unit="×",
        params={
            "small_cases": small,
            "large_cases": large,
            "events_large": built.events + more.events,
            "generate_cases_per_second": more.cases_per_second,
            "generate_cases_per_cpu_second": more.cases_per_cpu_second,
            "generate_seconds": round(build_seconds, 1),
            "pages": table,
            "over_goal": [f"{r['page']}|{r['role']}" for r in table if (r["p95_ratio"] or 0) > GOAL],
            "queries_grow": [
                f"{r['page']}|{r['role']}" for r in table if r["large"]["queries"] != r["small"]["queries"]
            ],
        },
    )


def _user(username: str):
    from wenming.accounts.models import User

    return User.objects.get(username=username)
