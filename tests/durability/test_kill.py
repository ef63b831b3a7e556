"""Durability under faults (issue 10 §8): `kill -9` of the web server while submissions arrive, and of the task
worker in the middle of an export job.

Real processes on loopback: gunicorn serving `wenming.wsgi` and `wenming db_worker`, against a file SQLite
database in a temporary data dir — or, under `make test-pg` (WENMING_DATABASE_URL set), a throwaway
PostgreSQL database created on that server for the test and dropped afterwards. The whole process group is
killed with SIGKILL (no shutdown handlers run), then started again.

What is proved:
- web: every submission the client saw acknowledged (Open311 reports with an `Idempotency-Key`, phone
  inspection submissions with their `client_id`) exists exactly once after the restart, with the id the
  acknowledgement carried; re-sending every submission (acknowledged or not) creates nothing twice;
- worker: an export job interrupted mid-way is never "done" with a half-written file; the restarted worker
  re-runs it and the finished file holds every row.
Loops are bounded and wait on conditions (the server answering, the job's progress), not on fixed sleeps.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.durability

ROOT = Path(__file__).resolve().parents[2]
POLL = 0.1  # seconds between checks of a condition
MAX_POLLS = 3000  # bound of every wait loop
EXPORT_ROWS = 4000  # long enough to catch the export mid-way (progress every 500 rows)


# --- processes ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_env(tmp_path, django_db_setup, django_db_blocker):
    """Environment of the child processes: production-like code paths, the test's own database — a copy of
    the suite's freshly migrated (empty) test database, so the children need not migrate again."""
    from django.db import connection, connections

    keep = {k: v for k, v in os.environ.items() if not k.startswith(("WENMING_", "PYTEST_", "DJANGO_"))}
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "wenming.settings",
        "PYTHONPATH": str(ROOT),
        "WENMING_DATA_DIR": str(data_dir),
        "WENMING_DEBUG": "1",  # plain HTTP on loopback (no TLS redirect); static files from the finders
        "WENMING_ALLOWED_HOSTS": "127.0.0.1",
        "WENMING_LOG_LEVEL": "WARNING",
    }
    url = os.environ.get("WENMING_DATABASE_URL", "")
    with django_db_blocker.unblock():
        test_db = connection.settings_dict["NAME"]
        connections.close_all()
        if not url.startswith("postgres"):
            import sqlite3

            with sqlite3.connect(test_db) as source, sqlite3.connect(data_dir / "wenming.sqlite3") as target:
                source.backup(target)
            yield env
            return
        import psycopg

        name = f"wenming_kill_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(url, autocommit=True) as conn:
            # A template must have no other session: earlier tests of this worker may have left one open in
            # another thread (the live server's persistent connection; Django's health check replaces it).
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [test_db],
            )
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{test_db}"')
        env["WENMING_DATABASE_URL"] = urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()
        try:
            yield env
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_world(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.durability.world", *map(str, args)],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def start(env, argv, log: Path) -> subprocess.Popen:
    """A child in its own process group (so SIGKILL reaches the master and all its workers at once)."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def kill9(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def start_web(env, port: int, log: Path) -> subprocess.Popen:
    argv = [sys.executable, "-m", "gunicorn", "wenming.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", "2", "--threads", "2", "--timeout", "120"]  # fmt: skip
    process = start(env, argv, log)
    for _ in range(MAX_POLLS):
        assert process.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(POLL)
    kill9(process)
    pytest.fail("the web server did not come up:\n" + log.read_text())


# --- HTTP clients of the two channels --------------------------------------------------------------------


def call(method, url, *, data=None, headers=None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Sender:
    """Submissions of both channels with their keys; `acked` holds what the server acknowledged (key → id)."""

    def __init__(self, base: str, world: dict, token: str, n_reports: int):
        self.base, self.world, self.token = base, world, token
        self.reports = [str(uuid.uuid4()) for _ in range(n_reports)]
        self.inspections = {str(uuid.uuid4()): task for task in world["tasks"]}
        self.acked: dict[str, int] = {}
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def post_report(self, key: str) -> int | None:
        w = self.world
        body = urllib.parse.urlencode({
            "service_code": w["service_code"], "lat": w["lat"], "long": w["lon"],
            "description": f"人行道上垃圾堆放多日（{key[:8]}）",
        }).encode()  # fmt: skip
        status, content = call(
            "POST", f"{self.base}/open311/v2/requests.json?api_key={w['api_key']}", data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": key},
        )  # fmt: skip
        assert status == 200, content[:500]
        return int(json.loads(content)[0]["service_request_id"])

    def post_inspection(self, key: str) -> int | None:
        task = self.inspections[key]
        body = json.dumps({
            "client_id": key, "task": task["task"], "started_at": "2026-12-07T09:00:00+08:00",
            "lat": task["lat"], "lon": task["lon"], "accuracy": 10, "observations": self.world["observations"],
        }).encode()  # fmt: skip
        status, content = call(
            "POST", f"{self.base}/api/v1/inspections/inspections/", data=body,
            headers={"Content-Type": "application/json", "Authorization": f"Token {self.token}"},
        )  # fmt: skip
        assert status in (200, 201), content[:500]
        return int(json.loads(content)["id"])

    def send(self, kind: str, key: str) -> None:
        """One attempt; an acknowledgement is recorded, a dropped connection is not (it will be re-sent)."""
        try:
            pk = self.post_report(key) if kind == "report" else self.post_inspection(key)
        except (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException):
            return  # no acknowledgement: the connection dropped (the server was killed)
        except Exception as exc:  # noqa: BLE001 — kept and asserted on by the test's thread
            self.errors.append(f"{kind} {key}: {exc!r}")
            return
        with self.lock:
            previous = self.acked.setdefault(key, pk)
        if previous != pk:
            self.errors.append(f"{kind} {key}: acknowledged as {previous}, then as {pk}")

    def all_items(self) -> list[tuple[str, str]]:
        items = [("report", k) for k in self.reports] + [("inspection", k) for k in self.inspections]
        # interleave the two channels
        return [items[i] for i in sorted(range(len(items)), key=lambda i: (i % 2, i))]


def get_token(base: str, world: dict) -> str:
    body = json.dumps({"username": world["inspector"], "password": world["password"]}).encode()
    status, content = call("POST", f"{base}/api/v1/auth/token/", data=body, headers={"Content-Type": "application/json"})  # fmt: skip
    assert status == 200, content
    return json.loads(content)["token"]


def job_state(env: dict, job_id: int) -> dict:
    """The export job and its task, read straight from the children's database (no Django start-up)."""
    job_sql = "SELECT status, done_rows, total, file FROM cases_exportjob WHERE id = %s"
    task_sql = (
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path LIKE '%%run_case_export' ORDER BY enqueued_at"
    )
    url = env.get("WENMING_DATABASE_URL", "")
    if url:
        import psycopg

        with psycopg.connect(url) as conn:
            job = conn.execute(job_sql, (job_id,)).fetchone()
            tasks = conn.execute(task_sql).fetchall()
    else:
        import sqlite3

        with sqlite3.connect(Path(env["WENMING_DATA_DIR"]) / "wenming.sqlite3", timeout=20) as conn:
            job = conn.execute(job_sql.replace("%s", "?"), (job_id,)).fetchone()
            tasks = conn.execute(task_sql.replace("%%", "%")).fetchall()
    workers = [w if isinstance(w, list) else json.loads(w) for _, w in tasks]
    generated = Path(env["WENMING_DATA_DIR"]) / "generated"  # settings.GENERATED_ROOT
    return {
        "status": job[0], "done_rows": job[1], "total": job[2], "file": str(generated / job[3]) if job[3] else "",
        "tasks": [{"status": status, "worker_ids": w} for (status, _), w in zip(tasks, workers, strict=True)],
    }  # fmt: skip


# --- the tests -------------------------------------------------------------------------------------------


def test_kill_9_of_the_web_server_loses_no_acknowledged_submission_and_doubles_none(server_env, tmp_path):
    world_file = tmp_path / "world.json"
    run_world(server_env, "setup", world_file)
    world = json.loads(world_file.read_text())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    web = start_web(server_env, port, log)
    sender = Sender(base, world, get_token(base, world), n_reports=16)
    items = sender.all_items()

    # four clients post concurrently; the server is killed once a third of the items are acknowledged
    queues = [items[i::4] for i in range(4)]
    threads = [
        threading.Thread(target=lambda q=q: [sender.send(kind, key) for kind, key in q]) for q in queues
    ]
    for thread in threads:
        thread.start()
    for _ in range(MAX_POLLS):
        if len(sender.acked) >= len(items) // 3:
            break
        time.sleep(POLL / 10)
    kill9(web)
    for thread in threads:
        thread.join()
    assert not sender.errors, sender.errors
    acked_before = dict(sender.acked)
    assert len(items) // 3 <= len(acked_before) < len(items)

    # restart; every client re-sends what it has no acknowledgement for — and, to prove idempotency,
    # everything else too
    web = start_web(server_env, port, log)
    try:
        for kind, key in items:
            sender.send(kind, key)
    finally:
        kill9(web)
    assert not sender.errors, sender.errors
    assert len(sender.acked) == len(items)

    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"open311": sender.reports, "inspections": list(sender.inspections)}))
    stored = json.loads(run_world(server_env, "count", keys))
    rows = {**stored["open311"], **stored["inspections"]}
    for key, pk in acked_before.items():
        assert rows[key] == [pk], f"{key}: acknowledged as {pk} before the kill, stored as {rows[key]}"
    for key in rows:
        assert rows[key] == [sender.acked[key]], key
    assert stored["reports_total"] == len(sender.reports)
    assert stored["inspections_total"] == len(sender.inspections)


def test_kill_9_of_the_worker_mid_export_never_leaves_a_half_file_marked_done(server_env, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "export.json"
    run_world(server_env, "export", EXPORT_ROWS, out)
    job_id = json.loads(out.read_text())["job"]
    log = tmp_path / "worker.log"
    argv = [sys.executable, "-m", "wenming", "db_worker", "--queue-name", "*", "--no-startup-delay", "--interval", "0.2"]  # fmt: skip

    def state() -> dict:
        return job_state(server_env, job_id)

    worker = start(server_env, argv, log)
    for _ in range(MAX_POLLS):
        now = state()
        if now["status"] == "running" and now["done_rows"] > 0:
            break
        assert worker.poll() is None, log.read_text()
        assert now["status"] != "done", (
            "the export finished before the worker could be killed: make it larger"
        )
    kill9(worker)

    interrupted = state()
    assert interrupted["status"] == "running" and interrupted["file"] == ""  # not done, no file attached
    assert [t["status"] for t in interrupted["tasks"]] == ["RUNNING"]  # orphaned by the dead worker

    worker = start(server_env, argv, log)
    try:
        for _ in range(MAX_POLLS):
            final = state()
            # the job's row is marked done inside the task; the worker records the task's own end just after
            if final["status"] in ("done", "failed") and all(
                t["status"] not in ("READY", "RUNNING") for t in final["tasks"]
            ):
                break
            assert worker.poll() is None, log.read_text()
            time.sleep(POLL)
    finally:
        kill9(worker)
    assert final["status"] == "done", final
    assert [t["status"] for t in final["tasks"]] == ["SUCCESSFUL"]
    assert len(final["tasks"][0]["worker_ids"]) == 2  # claimed by the killed worker, then by the new one
    assert "re-queued" in log.read_text() or "Recovered interrupted tasks: 1 re-queued" in log.read_text()
    sheet = load_workbook(final["file"], read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == EXPORT_ROWS + 1  # header + every case
