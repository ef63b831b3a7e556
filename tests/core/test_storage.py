"""Files through the storage API (wenming.core.storage): the local disk by default, S3-compatible object storage
when `WENMING_S3_BUCKET` is set — here moto's S3 server on loopback, reached over HTTP by django-storages.

The two-node end-to-end test is tests/multinode/test_two_nodes.py (PostgreSQL); these run in every suite.
"""

import io
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from wenming.core import media
from wenming.core.storage import local_path, read_bytes

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "wenming-unit"


def jpeg(size=(80, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 160, 90)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def s3(settings):
    """The default storage in a bucket of a local S3 server (moto's ThreadedMotoServer, real HTTP)."""
    import boto3
    from moto.server import ThreadedMotoServer

    from tests.durability.test_kill import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    keys = {"access_key": "unit", "secret_key": "unit-secret"}
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=keys["access_key"], aws_secret_access_key=keys["secret_key"],
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    options = {"bucket_name": BUCKET, "endpoint_url": endpoint, "region_name": "us-east-1", "file_overwrite": False, **keys}  # fmt: skip
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "wenming.core.s3.PrivateS3Storage",
            "OPTIONS": {**options, "location": "media"},
        },
    }
    try:
        yield client
    finally:
        server.stop()


def test_object_storage_keeps_no_local_path_and_reads_through_the_api(s3):
    name = default_storage.save("photos/cases/a.jpg", ContentFile(jpeg()))
    assert local_path(default_storage, name) is None
    assert read_bytes(default_storage, name) == jpeg()
    stored = s3.get_object(Bucket=BUCKET, Key=f"media/{name}")["Body"].read()
    assert stored == jpeg()
    assert read_bytes(default_storage, "photos/cases/missing.jpg") is None
    assert read_bytes(default_storage, "") is None
    # no stray `.url` (admin widget, a template) hands out the bucket's presigned URL: the same unserved path as
    # the disk storage gives
    assert default_storage.url(name) == f"/media/{name}"


@pytest.mark.parametrize("accel", ["", "nginx", "sendfile"])
def test_a_signed_link_streams_the_photo_from_the_bucket_whatever_the_proxy_mode(client, s3, settings, accel):
    settings.MEDIA_ACCEL = accel  # the proxy cannot read a bucket: Django streams it (core.media)
    name = default_storage.save("photos/cases/b.jpg", ContentFile(jpeg((90, 70))))
    response = client.get(media.signed_url(types.SimpleNamespace(name=name)))
    assert response.status_code == 200
    assert "X-Accel-Redirect" not in response and "X-Sendfile" not in response
    assert b"".join(response.streaming_content) == jpeg((90, 70))
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=300"
    gone = media.signed_url(types.SimpleNamespace(name="photos/cases/gone.jpg"))
    assert client.get(gone).status_code == 404


def test_the_local_disk_stays_the_default_and_the_proxy_still_gets_the_path(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_ACCEL = "sendfile"
    name = default_storage.save("photos/cases/c.jpg", ContentFile(jpeg()))
    assert local_path(default_storage, name) == str(tmp_path / name)
    response = client.get(media.signed_url(types.SimpleNamespace(name=name)))
    assert response.status_code == 200 and response["X-Sendfile"] == str(tmp_path / name)


@pytest.mark.django_db  # print copies look up the photos' recorded digests
def test_pdf_and_word_bulletins_read_their_photos_from_the_bucket(s3):
    from docx import Document

    from wenming.bulletins.render import pdf, word
    from wenming.bulletins.render import photos as print_photos

    name = default_storage.save("photos/cases/d.jpg", ContentFile(jpeg((64, 48))))
    copies = print_photos.prepare([name, "photos/cases/none.jpg"])
    copy = copies[name]
    assert copy.name and default_storage.exists(copy.name)  # the print copy is in the bucket too
    assert copies["photos/cases/none.jpg"].error == print_photos.MISSING
    url = pdf.STORAGE_SCHEME + copy.name
    assert pdf._fetcher().fetch(url).read() == jpeg((64, 48))  # narrower than print width: kept byte for byte

    doc = Document()
    cell = doc.add_table(rows=1, cols=1).cell(0, 0)
    entry = types.SimpleNamespace(path=name, caption="整改前")
    word._photo_cell(cell, entry, "Normal", word._Images(doc), copies)
    blobs = [p.blob for p in doc.part.package.parts if p.partname.startswith("/word/media/")]
    assert blobs == [jpeg((64, 48))]
    missing = doc.add_table(rows=1, cols=1).cell(0, 0)
    word._photo_cell(
        missing, types.SimpleNamespace(path="photos/x.jpg", caption=""), "Normal", word._Images(doc), copies
    )
    assert "照片文件缺失" in missing.text


def child_settings(**env) -> dict:
    """settings as a fresh process reads them from these environment variables."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("WENMING_", "PYTEST_", "DJANGO_"))}
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'storages': {k: v['BACKEND'] for k, v in s.STORAGES.items()},"
        "'options': s.STORAGES['default'].get('OPTIONS', {}),"
        "'databases': sorted(s.DATABASES), 'routers': s.DATABASE_ROUTERS,"
        "'pin': 'wenming.core.dbrouter.ReplicaPinMiddleware' in s.MIDDLEWARE}, default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**keep, "DJANGO_SETTINGS_MODULE": "wenming.settings", "WENMING_DATA_DIR": env.pop("data"), **env},
    )  # fmt: skip
    return json.loads(done.stdout)


def test_the_environment_chooses_disk_or_bucket_and_the_replica(tmp_path):
    local = child_settings(data=str(tmp_path / "one"))
    assert (
        local["storages"]["default"]
        == local["storages"]["generated"]
        == "django.core.files.storage.FileSystemStorage"
    )
    assert local["databases"] == ["default"] and local["routers"] == [] and not local["pin"]

    several = child_settings(
        data=str(tmp_path / "two"), WENMING_S3_BUCKET="photos", WENMING_S3_ENDPOINT_URL="http://minio:9000",
        WENMING_DATABASE_URL="postgres://w@db1/wenming", WENMING_DATABASE_REPLICA_URL="postgres://w@db2/wenming",
    )  # fmt: skip
    assert (
        several["storages"]["default"]
        == several["storages"]["generated"]
        == "wenming.core.s3.PrivateS3Storage"
    )
    assert several["options"]["bucket_name"] == "photos" and several["options"]["location"] == "media"
    assert (
        several["options"]["endpoint_url"] == "http://minio:9000"
        and several["options"]["file_overwrite"] is False
    )
    assert several["databases"] == ["default", "replica"]
    assert several["routers"] == ["wenming.core.dbrouter.ReplicaRouter"] and several["pin"]

    # a replica without a PostgreSQL primary is ignored (SQLite is one machine)
    alone = child_settings(
        data=str(tmp_path / "three"), WENMING_DATABASE_REPLICA_URL="postgres://w@db2/wenming"
    )
    assert alone["databases"] == ["default"] and alone["routers"] == []


def test_a_case_photo_goes_into_the_bucket_and_the_api_links_it_only_by_a_signed_link(s3, db):
    from rest_framework.test import APIClient

    from tests.cases.helpers import build_world, jpeg, new_case

    w = build_world()
    case = new_case(w, photos=[jpeg()])
    photo = case.photos.get()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert f"media/{photo.image.name}" in keys and f"media/{photo.thumbnail.name}" in keys
    api = APIClient()
    api.force_authenticate(w.office)
    (row,) = api.get(f"/api/v1/cases/{case.pk}/photos/").json()
    assert row["url"].startswith("/m/") and row["thumbnail_url"].startswith("/m/")
    assert "image" not in row and "X-Amz" not in json.dumps(row)  # never the bucket's own (presigned) URL
    served = api.get(row["url"])
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == read_bytes(default_storage, photo.image.name)
