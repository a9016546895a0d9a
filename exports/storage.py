"""Where built files live: ``STORAGES["exports"]`` (local disk, or S3 when a bucket is configured).

Nothing here is served from a public URL. Local files are streamed by the download view after
its access check; S3 files are handed out as short-lived presigned URLs.
"""

from __future__ import annotations

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

ALIAS = "exports"


class _ExportsStorage(LazyObject):
    # Looked up on first use rather than at import, so settings overrides (tests) take effect.
    def _setup(self) -> None:
        self._wrapped = storages[ALIAS]


exports_storage = _ExportsStorage()


def select_exports_storage() -> Storage:
    return exports_storage


@receiver(setting_changed)
def _forget_storage(*, setting: str, **kwargs) -> None:
    if setting == "STORAGES":
        exports_storage._wrapped = empty


def presigned_url(name: str, *, filename: str, content_type: str) -> str | None:
    """A short-lived signed download URL when the storage can make one (S3), else None."""
    storage = storages[ALIAS]
    if not getattr(storage, "querystring_auth", False) or not hasattr(storage, "bucket_name"):
        return None
    parameters = {
        "ResponseContentDisposition": f'attachment; filename="{filename}"',
        "ResponseContentType": content_type,
    }
    return storage.url(name, parameters=parameters)
