"""Running the benchmarks: the parent prepares a throwaway database and starts a child process whose
settings point only at it; the child migrates, builds the data, measures and prints the JSON report.

The demo/production database is never opened: the parent does not touch any database, and the child
refuses to run unless its database is the throwaway one (a marker file beside the SQLite file, or a
PostgreSQL database named `wenming_bench_*` that the parent created and drops afterwards).
"""

import datetime
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

MARKER = "wenming-bench-database"
PG_PREFIX = "wenming_bench_"
# Variables that would point the child at another database or switch it into test mode.
STRIP_ENV = (
    "WENMING_DATABASE_URL",
    "WENMING_TESTING",
    "WENMING_TEST_DATA_DIR",
    "PYTEST_VERSION",
    "PYTEST_CURRENT_TEST",
    "PYTEST_XDIST_WORKER",
    "DJANGO_SETTINGS_MODULE",
)


class BenchError(Exception):
    pass


def run(
    *,
    data_dir: Path,
    names: list[str],
    scale: float,
    repeat: int,
    seed: int,
    database_url: str = "",
    keep: bool = False,
    stderr=None,
) -> dict:
    """Parent side: make the throwaway database, run the child, clean up, return the parsed report."""
    run_dir = Path(data_dir) / "bench" / f"run-{datetime.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}"
    run_dir.mkdir(parents=True, exist_ok=False)
    (run_dir / MARKER).write_text("throwaway benchmark database; safe to delete\n")
    (run_dir / "static").mkdir()  # STATIC_ROOT of the child (WhiteNoise warns when it is missing)
    env = {k: v for k, v in os.environ.items() if k not in STRIP_ENV}
    env.update(
        {
            "WENMING_DATA_DIR": str(run_dir),
            "WENMING_DEBUG": "1",
            "WENMING_BENCH_CHILD": "1",
            "DJANGO_SETTINGS_MODULE": "wenming.settings",
        }
    )
    pg_name = ""
    try:
        if database_url:
            pg_name, env["WENMING_DATABASE_URL"] = _create_pg_database(database_url)
        command = [
            sys.executable,
            "-m",
            "wenming",
            "bench",
            "--child",
            "--scale",
            str(scale),
            "--repeat",
            str(repeat),
            "--seed",
            str(seed),
            *sum((["--only", n] for n in names), []),
        ]
        try:
            child_stderr = stderr.fileno() if stderr is not None else None
        except (AttributeError, OSError, ValueError):  # a captured stream (tests): collect, then relay
            child_stderr = subprocess.PIPE
        completed = subprocess.run(
            command, env=env, stdout=subprocess.PIPE, stderr=child_stderr, text=True, check=False
        )
        if child_stderr == subprocess.PIPE and completed.stderr:
            stderr.write(completed.stderr)
        if completed.returncode != 0 and not completed.stdout.strip():
            raise BenchError(f"bench child exited with {completed.returncode}")
        report = json.loads(completed.stdout)
        report["database_kept"] = str(run_dir) if keep and not pg_name else None
        return report
    finally:
        if pg_name:
            _drop_pg_database(database_url, pg_name)
        if not keep:
            shutil.rmtree(run_dir, ignore_errors=True)


def _pg_parts(url: str) -> dict:
    import dj_database_url

    parts = dj_database_url.parse(url)
    if "postgresql" not in parts["ENGINE"]:
        raise BenchError("--database-url must be a PostgreSQL URL (postgres://user@host:port/dbname)")
    return parts


def _connect(parts: dict):
    import psycopg

    return psycopg.connect(
        dbname=parts["NAME"],
        user=parts.get("USER") or None,
        password=parts.get("PASSWORD") or None,
        host=parts.get("HOST") or None,
        port=parts.get("PORT") or None,
        autocommit=True,
    )


def _create_pg_database(url: str) -> tuple[str, str]:
    """CREATE DATABASE wenming_bench_<random> on the server of `url`; the database named in `url` is only
    connected to (never written), so it may be `postgres` or even the production one."""
    from psycopg import sql

    parts = _pg_parts(url)
    name = f"{PG_PREFIX}{secrets.token_hex(4)}"
    with _connect(parts) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    user = parts.get("USER") or ""
    auth = user + (f":{parts['PASSWORD']}" if parts.get("PASSWORD") else "")
    host = parts.get("HOST") or ""
    port = f":{parts['PORT']}" if parts.get("PORT") else ""
    return name, f"postgres://{auth + '@' if auth else ''}{host}{port}/{name}"


def _drop_pg_database(url: str, name: str) -> None:
    from psycopg import sql

    if not name.startswith(PG_PREFIX):
        return
    with _connect(_pg_parts(url)) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# --- child side ---------------------------------------------------------------------------------------


def assert_throwaway_database() -> None:
    from django.conf import settings
    from django.db import connection

    if os.environ.get("WENMING_BENCH_CHILD") != "1":
        raise BenchError("the bench child runs only when started by `wenming bench`")
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        if not (Path(settings.DATA_DIR) / MARKER).exists() or not name.startswith(str(settings.DATA_DIR)):
            raise BenchError(f"refusing to benchmark in {name}: not a throwaway bench database")
    elif not name.startswith(PG_PREFIX):
        raise BenchError(f"refusing to benchmark in database {name}: not a {PG_PREFIX}* database")


def run_child(*, names: list[str], scale: float, repeat: int, seed: int, log=None) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from wenming import __version__
    from wenming.bench.registry import BenchContext, load

    assert_throwaway_database()
    registry = load()
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise BenchError(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(sorted(registry))}")
    started = datetime.datetime.now(datetime.UTC)
    call_command("migrate", verbosity=0, interactive=False)
    ctx = BenchContext(scale=scale, repeat=repeat, seed=seed)
    results = []
    for name in names or list(registry):
        if log:
            log(f"bench: {name} …")
        try:
            results.append(registry[name].func(ctx))
        except Exception as exc:  # noqa: BLE001 - one failing figure must not hide the others
            results.append({"name": name, "error": f"{type(exc).__name__}: {exc}"})
    return {
        "wenming": __version__,
        "started_at": started.isoformat(timespec="seconds"),
        "seconds": round((datetime.datetime.now(datetime.UTC) - started).total_seconds(), 1),
        "database": connection.vendor,
        "scale": scale,
        "repeat": repeat,
        "seed": seed,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "benchmarks": results,
    }
