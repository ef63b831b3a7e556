"""Photos at print resolution (打印分辨率照片), shared by the DOCX and the PDF of a bulletin.

The documents print every photo `PHOTO_WIDTH_CM` (7.4 cm) wide, two per row. A stored evidence photo is up to
`PHOTO_MAX_SIDE` (2,048 px) on its long side: some 700 dpi at that width, about ten times the bytes a printed
page can use. Each photo is therefore downscaled once to `BULLETIN_PHOTO_DPI` (default 150 dpi: 437 px wide)
and the JPEG kept in the default storage as `print/<ab>/<sha256 of the photo>-<width>.jpg` — keyed by the
photo's content and the target width, so every later document of any bulletin (DOCX or PDF, in any process or
on any host sharing the storage) reuses it. A photo no wider than that is kept as it is (a JPEG copied
unchanged; anything else re-encoded as JPEG). Only Django's storage API is used: the photos and the copies may
live in object storage. Redacting a photo deletes the copies of its old content (`core.printcopies`).

The content hash is the photo's recorded `sha256` (`core.PhotoBase`: the digest of the stored file, so the
warm path reads no photo at all) when the path is a known case photo, else the digest of the bytes read.

    copies = prepare(paths)             # path → PrintCopy(name, error)
    copies[path].name                   # storage name of the print copy ("" when missing or unreadable)
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from wenming.core.printcopies import PREFIX, copy_name

PHOTO_WIDTH_CM = 7.4
DEFAULT_DPI = 150
QUALITY = 85
MAX_ASPECT = 4  # a copy is at most this many times taller than wide (a panorama strip is cropped by nothing)
MISSING, UNREADABLE = "missing", "unreadable"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrintCopy:
    name: str = ""  # storage name of the copy to embed
    error: str = ""  # "" | MISSING | UNREADABLE


def print_width(dpi: int | None = None) -> int:
    """Pixels across a printed photo: 7.4 cm at `BULLETIN_PHOTO_DPI` (150 dpi → 437 px)."""
    dpi = dpi or int(getattr(settings, "BULLETIN_PHOTO_DPI", DEFAULT_DPI) or DEFAULT_DPI)
    return max(1, round(PHOTO_WIDTH_CM / 2.54 * dpi))


def downscale(content: bytes, width: int) -> bytes:
    """The JPEG of `content` at most `width` pixels wide (the same bytes when it already is a JPEG that narrow).
    Raises on data that is not a readable image."""
    from PIL import Image

    image = Image.open(io.BytesIO(content))
    if image.width <= width and image.format in ("JPEG", "MPO") and image.mode in ("RGB", "L"):
        image.load()  # a truncated file must fail here, not in the document
        return content
    target = (min(width, image.width), max(1, round(image.height * min(width, image.width) / image.width)))
    target = (target[0], min(target[1], target[0] * MAX_ASPECT))
    if image.format == "JPEG":
        image.draft("RGB", target)  # decode at 1/2, 1/4 or 1/8 scale directly (libjpeg's DCT scaling)
    image = image.convert("RGB")
    if image.size != target:
        image = image.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()


def _known_digests(paths: list[str]) -> dict[str, str]:
    """Recorded SHA-256 of the stored case photos among `paths` (one query per 500 paths)."""
    from wenming.cases.models import CasePhoto

    out: dict[str, str] = {}
    for start in range(0, len(paths), 500):
        chunk = paths[start : start + 500]
        out.update(
            CasePhoto.objects.filter(image__in=chunk).exclude(sha256="").values_list("image", "sha256")
        )
    return out


def _read(storage, name: str) -> bytes | None:
    try:
        with storage.open(name, "rb") as f:
            return f.read()
    except (FileNotFoundError, OSError):
        return None


class _Stored:
    """Which copies are stored, from one listing per folder (`print/ab/`, 256 at most) instead of one look-up
    per copy (a HEAD request each on object storage)."""

    def __init__(self, storage):
        self.storage, self.folders, self.saved = storage, {}, {}

    def get(self, name: str) -> str:
        if name in self.saved:
            return self.saved[name]
        folder, _slash, base = name.rpartition("/")
        if folder not in self.folders:
            try:
                self.folders[folder] = set(self.storage.listdir(folder)[1])
            except (FileNotFoundError, OSError):
                self.folders[folder] = set()
        return name if base in self.folders[folder] else ""

    def save(self, name: str, content: bytes) -> str:
        self.saved[name] = self.storage.save(name, ContentFile(content))
        return self.saved[name]


def prepare(paths, *, width: int | None = None, storage=None) -> dict[str, PrintCopy]:
    """The print copy of every photo path (made now when it is not stored yet)."""
    storage = storage or default_storage
    width = width or print_width()
    wanted = list(dict.fromkeys(p for p in paths if p))
    digests = _known_digests(wanted)
    out: dict[str, PrintCopy] = {}
    stored = _Stored(storage)
    made = 0
    for path in wanted:
        content = None
        digest = digests.get(path)
        if digest is None:
            content = _read(storage, path)
            if content is None:
                out[path] = PrintCopy(error=MISSING)
                continue
            digest = hashlib.sha256(content).hexdigest()
        name = copy_name(digest, width)
        if found := stored.get(name):
            out[path] = PrintCopy(found)
            continue
        if content is None:
            content = _read(storage, path)
            if content is None:
                out[path] = PrintCopy(error=MISSING)
                continue
        try:
            copy = downscale(content, width)
        except Exception:  # noqa: BLE001 - a damaged photo must not stop the document
            logger.warning("bulletin photo %s is not a readable image", path)
            out[path] = PrintCopy(error=UNREADABLE)
            continue
        out[path] = PrintCopy(stored.save(name, copy))
        made += 1
    if made:
        logger.info("made %d print copies of bulletin photos (%d px wide)", made, width)
    return out


def read(copy: PrintCopy, storage=None) -> bytes:
    return _read(storage or default_storage, copy.name) or b""


def delete_copies(storage=None) -> int:
    """Delete every stored print copy (they are made again when a document needs them); how many."""
    storage = storage or default_storage
    deleted = 0
    try:
        folders, _files = storage.listdir(PREFIX)
    except (FileNotFoundError, OSError):
        return 0
    for folder in folders:
        for name in storage.listdir(f"{PREFIX}/{folder}")[1]:
            storage.delete(f"{PREFIX}/{folder}/{name}")
            deleted += 1
    return deleted
