"""Where the print copies of evidence photos are kept (`print/<ab>/<sha256 of the photo>-<width>.jpg` in the
default storage): the bulletins make them (`bulletins/render/photos.py`); whatever replaces a photo's content
(redaction, `participation.services.redact_photo`) deletes the copies of the old content with
`delete_copies_of`, so no copy of an unredacted photo survives it."""

from django.core.files.storage import default_storage

PREFIX = "print"


def copy_name(digest: str, width: int) -> str:
    return f"{PREFIX}/{digest[:2]}/{digest}-{width}.jpg"


def delete_copies_of(digest: str, storage=None) -> int:
    """Delete the print copies (any width) of the photo whose SHA-256 is `digest`; how many."""
    storage = storage or default_storage
    if not digest:
        return 0
    folder = f"{PREFIX}/{digest[:2]}"
    try:
        names = storage.listdir(folder)[1]
    except (FileNotFoundError, OSError):
        return 0
    doomed = [n for n in names if n.startswith(f"{digest}-")]
    for name in doomed:
        storage.delete(f"{folder}/{name}")
    return len(doomed)
