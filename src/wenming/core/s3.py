"""The S3 storage of a multi-host install (`WENMING_S3_BUCKET`; settings.STORAGES, docs/deploy.md §10).

django-storages' `S3Storage` with one change: `url()` never returns the bucket's own (presigned) URL. It returns
the same `/media/<name>` path the disk storage gives, which nothing serves in production (the proxy answers 404
for /media/), so a stray `.url` — the admin's file widget, a template — hands out no working link to the bucket.
Photos are linked only through `wenming.core.media.signed_url` and documents through their scope-checked views.
"""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        base = str(settings.MEDIA_URL)
        if not base.startswith(("/", "http://", "https://")):
            base = "/" + base
        return base.rstrip("/") + "/" + filepath_to_uri(name).lstrip("/")
