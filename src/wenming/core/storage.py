"""Where files live: the local disk (one machine, the default) or S3-compatible object storage (several hosts).

Two storages, both named in `settings.STORAGES` and chosen by environment variables (docs/deploy.md §10):

- `default` — uploads (case, report, inspection photos, training materials, examples): `MEDIA_ROOT`, or the
  bucket under the prefix `media/`;
- `generated` — generated documents (bulletins as DOCX/XLSX/PDF, case exports): `GENERATED_ROOT`, or the bucket
  under the prefix `generated/`.

Code reads and writes files only through the storage API (`storage.open/save/exists/delete`, `field.open()`),
never by a path, so every web process and every task worker on any host sees the same files. `local_path()`
is for the few places that may hand a path to someone else (X-Sendfile) and must work without one.
"""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def generated_storage() -> Storage:
    """The storage of generated documents (`STORAGES["generated"]`): served only through scope-checked views."""
    return storages["generated"]


def local_path(storage: Storage, name: str) -> str | None:
    """The file's path on this host's disk, or None when the storage keeps no local files (object storage)."""
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


def read_bytes(storage: Storage, name: str) -> bytes | None:
    """The whole stored file, or None when it is missing or unreadable."""
    if not name:
        return None
    try:
        with storage.open(name, "rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None
    except Exception as exc:  # object storage: botocore's ClientError (404, 403) is not an OSError
        if type(exc).__name__ == "ClientError":
            return None
        raise
