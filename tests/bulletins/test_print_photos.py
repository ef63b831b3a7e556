"""Photos in the documents are printed from copies at print resolution (bulletins/render/photos.py): made once
from the stored photo, kept in the default storage by content hash, reused by the DOCX and the PDF; the PDF
opens (poppler) and carries the problems and the images at 437 px (7.4 cm at 150 dpi)."""

import io
import subprocess

import docx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from tests.bulletins.helpers import jpeg
from wenming.bulletins import services
from wenming.bulletins.choices import BulletinKind, JobKind, JobState
from wenming.bulletins.render import document, pdf, photos, word
from wenming.cases.models import CasePhoto
from wenming.core.photos import process_photo, save_processed_photo

CAMERA = (3000, 2000)  # stored at PHOTO_MAX_SIDE = 2048 → 2048 × 1365


def _size(content: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(content)).size


def test_print_width_is_7_4_cm_at_the_configured_dpi(settings):
    assert photos.print_width() == 437  # 7.4 / 2.54 × 150 = 437.0
    settings.BULLETIN_PHOTO_DPI = 300
    assert photos.print_width() == 874


@pytest.mark.django_db
def test_a_large_photo_is_downscaled_once_and_a_small_one_kept_as_is(files):
    big = default_storage.save("photos/t/big.jpg", ContentFile(jpeg(size=(2048, 1536)).read()))
    small_bytes = jpeg(size=(320, 240)).read()
    small = default_storage.save("photos/t/small.jpg", ContentFile(small_bytes))
    copies = photos.prepare([big, small, big, "photos/t/none.jpg"])
    assert set(copies) == {big, small, "photos/t/none.jpg"}
    assert copies["photos/t/none.jpg"] == photos.PrintCopy(error=photos.MISSING)
    copy = copies[big]
    assert copy.name.startswith("print/") and copy.name.endswith("-437.jpg") and not copy.error
    assert _size(photos.read(copy)) == (437, 328)
    assert photos.read(copies[small]) == small_bytes  # already narrower than print: the same bytes
    # the second time nothing is made: same names, and the copies are not rewritten
    before = {n: default_storage.get_modified_time(c.name) for n, c in copies.items() if c.name}
    again = photos.prepare([big, small])
    assert {n: c for n, c in again.items()} == {big: copies[big], small: copies[small]}
    assert {n: default_storage.get_modified_time(c.name) for n, c in again.items()} == before
    assert len(default_storage.listdir("print")[0]) == 2
    assert photos.delete_copies() == 2 and photos.prepare([big])[big].name == copy.name


@pytest.mark.django_db
def test_an_unreadable_photo_is_reported_not_fatal(files):
    name = default_storage.save("photos/t/broken.jpg", ContentFile(b"\xff\xd8\xff\xe0 not really a jpeg"))
    assert photos.prepare([name])[name] == photos.PrintCopy(error=photos.UNREADABLE)


@pytest.fixture
def with_camera_photos(ds, django_capture_on_commit_callbacks):
    """The October month of the dataset, with a camera-size before-photo added to every problem that has a
    photo, uploaded through the photo pipeline; the bulletin generated (DOCX, XLSX) and its PDF made by the
    jobs."""
    for case in {p.case for p in CasePhoto.objects.select_related("case")}:
        photo = CasePhoto(case=case, stage="before")
        save_processed_photo(photo, process_photo(jpeg("camera.jpg", size=CAMERA, color=(20, 90, 200))))
    bulletin = services.create_bulletin(actor=ds.office, kind=BulletinKind.MONTHLY, period_code="2026-10")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_job(actor=ds.office, bulletin=bulletin, kind=JobKind.GENERATE)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_job(actor=ds.office, bulletin=bulletin, kind=JobKind.PDF)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    bulletin.refresh_from_db()
    return bulletin


def test_the_pdf_opens_with_every_problem_and_its_photos_at_print_resolution(with_camera_photos, tmp_path):
    bulletin = with_camera_photos
    path = tmp_path / "b.pdf"
    path.write_bytes(bulletin.pdf.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    problems = bulletin.data["problems"]
    assert problems and all(r["code"] in text for r in problems)
    assert "整改前" in text and "整改后" in text
    listed = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True
    ).stdout
    images = [line.split() for line in listed.splitlines()[2:] if line.strip()]
    sizes = sorted((int(r[3]), int(r[4])) for r in images)  # page num type width height …
    entries = [e for _h, es in document.photo_entries(bulletin.data) for e in es]
    assert len(sizes) == len(entries) == bulletin.data["photos"]
    # the snapshot names the stored photos (not their 320 px thumbnails): the camera ones print at 437 px,
    # the dataset's own 320 × 240 photos as they are; nothing wider than print resolution is embedded
    cameras = sum(1 for e in entries if CasePhoto.objects.get(image=e.path).width == 2048)
    assert cameras >= 2
    assert sizes.count((437, 291)) == cameras  # 2048 × 1365 → 437 × 291
    assert sizes.count((320, 240)) == len(entries) - cameras
    assert all(w <= photos.print_width() for w, _h in sizes)
    assert all(r[2] == "image" and r[5] == "rgb" and r[8] == "jpeg" for r in images)  # JPEG passed through


def test_the_docx_embeds_the_same_print_copies(with_camera_photos):
    d = docx.Document(io.BytesIO(with_camera_photos.docx.read()))
    blobs = [
        d.part.related_parts[s._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        for s in d.inline_shapes
    ]
    copies = photos.prepare(e.path for _h, es in document.photo_entries(with_camera_photos.data) for e in es)
    assert sorted(_size(b) for b in blobs) == sorted(_size(photos.read(c)) for c in copies.values())
    assert {_size(b) for b in blobs} == {(437, 291), (320, 240)}
    assert all(round(s.width.cm, 1) == word.PHOTO_WIDTH_CM for s in d.inline_shapes)


def test_a_missing_or_unreadable_photo_is_named_in_the_pdf(with_camera_photos, tmp_path):
    entries = [e for _h, es in document.photo_entries(with_camera_photos.data) for e in es]
    default_storage.delete(entries[0].path)
    photos.delete_copies()
    with default_storage.open(entries[1].path, "wb") as f:
        f.write(b"\xff\xd8\xff broken")
    CasePhoto.objects.filter(image=entries[1].path).update(sha256="")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf.write_pdf(document.outline(with_camera_photos)))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "（照片文件缺失）" in text and "（照片无法读取）" in text
