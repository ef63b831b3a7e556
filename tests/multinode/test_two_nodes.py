"""Past one machine (issue 14 §6): two web servers with SEPARATE local data directories against ONE PostgreSQL
database and ONE S3-compatible object store (moto's server, on loopback), as docs/deploy.md §10 lays out.

Real processes: gunicorn serving `wenming.wsgi` (what `make run` starts) for node A and node B, and
`wenming db_worker` started beside B (B's environment). The object store is moto's `ThreadedMotoServer`, a
real HTTP S3 endpoint the children reach through boto3 like any S3-compatible service. What is proved:

(a) a photo uploaded through node A (a case with a photo, multipart POST to the API) is served through node B by
    its signed link (`/m/<token>/`), bytes equal to the object in the bucket and to what A serves; neither node
    keeps the file on its own disk; a forged link is still a 404 on B;
(b) a case export queued through node A (the list's export page, more rows than the synchronous limit) is run
    by the worker started beside B, and its XLSX is downloadable from A with every row;
(c) node B, given a replica URL (here a second connection to the same database, with its own
    application_name), serves the leader's summary through it.

PostgreSQL only (`make test-pg`): the SQLite run skips it (one file database is one machine). Every wait is a
bounded loop on a condition.
"""

import http.cookiejar
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.durability.test_kill import MAX_POLLS, POLL, ROOT, call, free_port, kill9, start, start_web

pytestmark = [
    pytest.mark.multinode,
    pytest.mark.skipif(
        not os.environ.get("WENMING_DATABASE_URL", "").startswith("postgres"),
        reason="two nodes share one PostgreSQL database: make test-pg",
    ),
]

BUCKET = "wenming-multinode"
KEY_ID, SECRET = "wenming-test", "wenming-test-secret"
CASES = 2100  # more than the synchronous export limit (CASE_EXPORT_SYNC_LIMIT, 2000): the export is a job
REPLICA_APP = "wenming-replica"


@pytest.fixture
def s3():
    """moto's S3 server on loopback, with an empty private bucket; a boto3 client to look inside it."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    client.create_bucket(Bucket=BUCKET)
    try:
        yield endpoint, client
    finally:
        server.stop()


def node_env(base: dict, data_dir: Path, endpoint: str, **extra) -> dict:
    data_dir.mkdir()
    return {
        **base,
        "WENMING_DATA_DIR": str(data_dir),  # the node's own local directory
        "WENMING_SECRET_KEY": "multinode-"
        + "k" * 50,  # one secret for every node: signed links work anywhere
        "WENMING_S3_BUCKET": BUCKET,
        "WENMING_S3_ENDPOINT_URL": endpoint,
        "WENMING_S3_REGION": "us-east-1",
        "WENMING_S3_ACCESS_KEY_ID": KEY_ID,
        "WENMING_S3_SECRET_ACCESS_KEY": SECRET,
        **extra,
    }


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()) if path.exists() else []


def objects(client, prefix: str) -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    for k, (filename, content, content_type) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{filename}"\r\n'
        parts.append(f"{head}Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def token(base: str, username: str, password: str) -> str:
    body = json.dumps({"username": username, "password": password}).encode()
    status, content = call("POST", f"{base}/api/v1/auth/token/", data=body, headers={"Content-Type": "application/json"})  # fmt: skip
    assert status == 200, content
    return json.loads(content)["token"]


def signed_in(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    """A browser-like session on one node: the login form with its CSRF token, cookies kept."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/accounts/login/", timeout=60).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf})
    with opener.open(urllib.request.Request(f"{base}/accounts/login/", data=form.encode()), timeout=60) as r:
        assert "/accounts/login/" not in r.geturl(), "the sign-in failed"
    return opener


def run_world(env: dict, out: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.multinode.world", "setup", str(CASES), str(out)],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(out.read_text())


def export_status(env: dict, job_id: int) -> tuple[str, str]:
    import psycopg

    with psycopg.connect(env["WENMING_DATABASE_URL"]) as conn:
        return conn.execute("SELECT status, file FROM cases_exportjob WHERE id = %s", (job_id,)).fetchone()


def replica_sessions(env: dict) -> int:
    import psycopg

    with psycopg.connect(env["WENMING_DATABASE_URL"]) as conn:
        sql = "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()"
        return conn.execute(sql, (REPLICA_APP,)).fetchone()[0]


def test_two_web_nodes_share_one_database_and_one_object_store(server_env, s3, tmp_path):
    from openpyxl import load_workbook
    from PIL import Image

    endpoint, bucket = s3
    replica_url = server_env["WENMING_DATABASE_URL"] + f"?application_name={REPLICA_APP}"
    env_a = node_env(server_env, tmp_path / "node-a", endpoint)
    env_b = node_env(server_env, tmp_path / "node-b", endpoint, WENMING_DATABASE_REPLICA_URL=replica_url)
    world = run_world(env_a, tmp_path / "world.json")
    assert world["cases"] == CASES

    port_a, port_b = free_port(), free_port()
    a, b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    processes = []
    try:
        processes.append(start_web(env_a, port_a, tmp_path / "node-a.log"))
        processes.append(start_web(env_b, port_b, tmp_path / "node-b.log"))

        # (a) a case with a photo, uploaded through A
        uploaded = jpeg_bytes()
        body, content_type = multipart(
            {"source": "inspection", "category": world["category"], "area": world["area"], "description": "两节点照片测试"},
            {"photos": ("现场.jpg", uploaded, "image/jpeg")},
        )  # fmt: skip
        auth_a = {"Authorization": f"Token {token(a, world['inspector'], world['password'])}"}
        status, content = call("POST", f"{a}/api/v1/cases/", data=body, headers={**auth_a, "Content-Type": content_type})  # fmt: skip
        assert status == 201, content[:500]
        case_id = json.loads(content)["id"]
        status, content = call("GET", f"{a}/api/v1/cases/{case_id}/photos/", headers=auth_a)
        assert status == 200, content[:500]
        (photo,) = json.loads(content)
        link = photo["url"]
        assert link.startswith("/m/")

        stored = objects(bucket, "media/")
        assert len(stored) >= 1 and all(k.startswith("media/photos/") for k in stored), stored
        assert files_under(tmp_path / "node-a" / "media") == [] == files_under(tmp_path / "node-b" / "media")

        status_b, served_b = call("GET", b + link)
        status_a, served_a = call("GET", a + link)
        assert status_b == 200 and status_a == 200
        in_bucket = {k: bucket.get_object(Bucket=BUCKET, Key=k)["Body"].read() for k in stored}
        assert served_b == served_a and served_b in in_bucket.values()
        assert Image.open(io.BytesIO(served_b)).size == (120, 90)
        # the link is still the only way in: a tampered token is a 404 on B too, and there is no public URL
        assert call("GET", b + link[:-4] + "xx/")[0] == 404
        assert call("GET", f"{b}/media/{stored[0].removeprefix('media/')}")[0] == 404

        # (b) a case export queued through A (a signed-in office user), run by a worker beside B
        office_a = signed_in(a, world["office"], world["password"])
        with office_a.open(f"{a}/cases/export/", timeout=120) as response:
            job_url = response.geturl()
        job_id = int(re.search(r"/cases/exports/(\d+)/", job_url).group(1))
        assert export_status(env_a, job_id)[0] == "pending"  # queued; no worker runs yet

        worker = start(
            env_b,
            [sys.executable, "-m", "wenming", "db_worker", "--queue-name", "*", "--no-startup-delay", "--interval", "0.2"],
            tmp_path / "worker-b.log",
        )  # fmt: skip
        processes.append(worker)
        for _ in range(MAX_POLLS):
            state, name = export_status(env_a, job_id)
            if state in ("done", "failed"):
                break
            assert worker.poll() is None, (tmp_path / "worker-b.log").read_text()
            time.sleep(POLL)
        assert state == "done", (tmp_path / "worker-b.log").read_text()
        assert objects(bucket, "generated/") == [f"generated/{name}"]
        assert (
            files_under(tmp_path / "node-a" / "generated")
            == []
            == files_under(tmp_path / "node-b" / "generated")
        )

        with office_a.open(f"{a}/cases/exports/{job_id}/download/", timeout=120) as response:
            assert response.status == 200
            content = response.read()
        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        assert sum(1 for _ in sheet.iter_rows()) == CASES + 2  # header + the clones + the photo's case

        # (c) B's leader summary through its replica connection
        assert replica_sessions(env_a) == 0
        auth_b = {"Authorization": f"Token {token(b, world['office'], world['password'])}"}
        status, content = call("GET", f"{b}/api/v1/dashboard/leader/", headers=auth_b)
        assert status == 200, content[:500]
        assert json.loads(content)["counts"]["open_cases"] == CASES + 1
        assert replica_sessions(env_a) >= 1  # kept open for reuse (conn_max_age) after the request
    finally:
        for process in processes:
            kill9(process)
