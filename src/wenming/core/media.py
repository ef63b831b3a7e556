"""Evidence media (case, report and inspection photos) is never a permanent public URL.

A page that may show a photo (a scoped view: the user already passed `restrict()`) links it through a
short-lived signed link, `/m/<token>/`, made by `signed_url(field)`: the token names the file and is signed with
the site's secret key (`TimestampSigner`, salt "wenming.media"), so it cannot be forged or pointed elsewhere, and
it expires after `MEDIA_LINK_SECONDS` (default 600). A copied link stops working by itself.

`file_response(field)` sends a stored file either from Django (default) or — in production behind nginx or
Apache — by handing the path to the proxy, which streams it from an `internal` location:

    WENMING_MEDIA_ACCEL = "nginx"    → X-Accel-Redirect: <MEDIA_ACCEL_PREFIX><name>   (default prefix /protected-media/)
    WENMING_MEDIA_ACCEL = "sendfile" → X-Sendfile: <MEDIA_ROOT>/<name>             (Apache mod_xsendfile, lighttpd)

With object storage (`WENMING_S3_BUCKET`, several hosts) the file has no path on this host: Django streams it
from the bucket whatever `MEDIA_ACCEL` says. We stream rather than redirect to a presigned bucket URL on purpose:
the signed `/m/<token>/` link stays the only way to a photo (a presigned URL would be a second bearer link, on
another host, that the audit log and the link's lifetime do not govern), the bucket stays private and need not
be reachable from browsers (intranets, one public origin), and the response keeps our headers (nosniff, private
caching). Photos are at most `PHOTO_MAX_SIDE` pixels, so the bytes through the web process are small.

(settings `MEDIA_ACCEL` / `MEDIA_ACCEL_PREFIX` / `MEDIA_LINK_SECONDS`, read from the environment variables
`WENMING_MEDIA_ACCEL` / `WENMING_MEDIA_ACCEL_PREFIX` / `WENMING_MEDIA_LINK_SECONDS` when settings.py does not set
them; docs/deploy.md §6 shows the proxy side.)
"""

from __future__ import annotations

import mimetypes
import os
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse

from wenming.core.storage import local_path

SALT = "wenming.media"


def _setting(name: str, default: str) -> str:
    return str(getattr(settings, name, os.environ.get(f"WENMING_{name}", default)))


def link_seconds() -> int:
    return int(_setting("MEDIA_LINK_SECONDS", "600"))


def signed_url(field) -> str:
    """A short-lived link to a stored file ("" for an empty field)."""
    if not field:
        return ""
    token = signing.TimestampSigner(salt=SALT).sign_object({"n": field.name}, compress=True)
    return reverse("core:media", args=[token])


def name_from_token(token: str) -> str:
    """The file name a token signs; Http404 when forged, tampered with or expired."""
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=link_seconds())
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404
    name = data.get("n") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name or name.startswith("/") or ".." in name.split("/"):
        raise Http404
    return name


def file_response(field_or_name, *, storage=None, cache: str = "private, max-age=300") -> HttpResponse:
    """The stored file as a response: through the proxy when `MEDIA_ACCEL` says so, else streamed by Django."""
    from django.core.files.storage import default_storage

    if isinstance(field_or_name, str):
        name, storage = field_or_name, storage or default_storage
    else:
        if not field_or_name:
            raise Http404
        name, storage = field_or_name.name, field_or_name.storage
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    mode = _setting("MEDIA_ACCEL", "").strip().lower()
    path = local_path(storage, name) if mode in ("nginx", "sendfile") else None
    if path is not None:  # the proxy reads the file from this host's disk
        if not storage.exists(name):
            raise Http404
        response = HttpResponse(content_type=content_type)
        if mode == "nginx":
            prefix = _setting("MEDIA_ACCEL_PREFIX", "/protected-media/")
            response["X-Accel-Redirect"] = quote(prefix.rstrip("/") + "/" + name)
        else:
            response["X-Sendfile"] = os.fspath(path)
    else:
        response = FileResponse(open_or_404(storage, name), content_type=content_type)
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    return response


def open_or_404(storage, name: str):
    """The stored file opened for reading; Http404 when it is missing (on the disk or in the bucket)."""
    try:
        return storage.open(name, "rb")
    except (FileNotFoundError, ValueError, OSError):
        raise Http404
    except Exception as exc:  # object storage: botocore's ClientError (404, 403) is not an OSError
        if type(exc).__name__ == "ClientError":
            raise Http404
        raise
