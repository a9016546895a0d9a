"""Short-lived download links for exports: a signed URL the client can hand to any HTTP tool.

The link is signed with the export id and expires after ``EXPORT_DOWNLOAD_URL_SECONDS``, like an
S3 presigned URL; following it streams the file (local disk) or redirects to a presigned S3 URL.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from exports.models import Export

SALT = "api.export-download"


def download_url(request, export: Export) -> str | None:
    if not export.is_ready:
        return None
    signature = signing.TimestampSigner(salt=SALT).sign(str(export.id)).split(":", 1)[1]
    url = reverse("api:export-download", args=[export.id, signature])
    return request.build_absolute_uri(url)


def download_export(*, export_id, signature: str) -> Export | None:
    """The ready export the signature was made for, if it has not expired; else None."""
    try:
        signing.TimestampSigner(salt=SALT).unsign(
            f"{export_id}:{signature}", max_age=settings.EXPORT_DOWNLOAD_URL_SECONDS
        )
    except signing.BadSignature:
        return None
    export = Export.objects.select_related("book__owner", "book__style").filter(id=export_id).first()
    if export is None or not export.is_ready or export.book.deleted_at:
        return None
    if not export.book.owner.is_active:
        return None  # a disabled account publishes nothing until staff enable it again
    return export
