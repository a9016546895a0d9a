"""The user's own data (LGPD/GDPR): consents, "download my data" and "delete my account".

Files are always removed through their storage (local disk or S3), and only once the
transaction that removed their rows has committed, so a rollback never leaves rows whose
files are gone.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import zipfile
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.files import File
from django.core.files.storage import Storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import ApiToken, DataExport, User
from accounts.privacy_data import ArchiveFile, owner_field, user_data_collect, webhook_model
from audit.erasure import Person, audit_person_erase, deleted_person_label
from audit.services import audit_record
from books.models import Book, GenerationJob, Page, ShareLink
from books.trash import book_files, storage_files_delete
from exports.models import Export
from fabrica.errors import ApplicationError
from gamification.models import UserBadge, XPEvent

logger = logging.getLogger(__name__)

UNEXPECTED_ERROR = gettext_lazy(
    "We could not prepare your data this time. Please try again in a few minutes."
)
# A build still "running" after this long died with its worker; it no longer blocks a new one.
STALE_AFTER = timedelta(hours=1)


class DataExportBusy(ApplicationError):
    code = "data_export_running"
    status_code = 409


# --- Consents -----------------------------------------------------------------------------------


@transaction.atomic
def consents_update(*, user: User, marketing: bool | None = None, analytics: bool | None = None) -> User:
    """Turn the marketing-email and analytics consents on or off; ``None`` leaves one as it is."""
    changes = {
        name: value
        for name, value in (("marketing_consent", marketing), ("analytics_consent", analytics))
        if value is not None
    }
    if changes:
        User.objects.filter(pk=user.pk).update(**changes)
        for name, value in changes.items():
            setattr(user, name, value)
    return user


# --- Download my data ---------------------------------------------------------------------------


def data_export_latest(*, user: User) -> DataExport | None:
    return DataExport.objects.filter(user=user).first()


@transaction.atomic
def data_export_request(*, user: User) -> DataExport:
    """Start building a new archive; one at a time per user (``DataExportBusy`` otherwise)."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # two clicks at once make one archive
    now = timezone.now()
    DataExport.objects.running().filter(user=user, created_at__lt=now - STALE_AFTER).update(
        status=DataExport.Status.FAILED, error=UNEXPECTED_ERROR, finished_at=now
    )
    if DataExport.objects.running().filter(user=user).exists():
        raise DataExportBusy(_("Your data is already being prepared. It will be ready in a moment."))
    export = DataExport.objects.create(user=user)
    from accounts.tasks import data_export_build

    transaction.on_commit(lambda: data_export_build.delay(str(export.id)))
    logger.info("data_export.requested %s", export.id)
    return export


def data_export_build(*, data_export_id) -> DataExport | None:
    """Write the ZIP and mark the export ready. Safe to run twice: only a claimed export is built."""
    if not _claim(data_export_id):
        return None
    export = DataExport.objects.select_related("user").get(id=data_export_id)
    collected = user_data_collect(user=export.user)
    with tempfile.TemporaryFile() as archive:
        missing = _zip_write(archive, data=collected.data, files=collected.files)
        archive.seek(0, 2)
        size = archive.tell()
        archive.seek(0)
        export.file.save(f"{export.user_id}/{export.id}.zip", File(archive, name="data.zip"), save=False)
    return _ready(export, size=size, missing=missing)


def _claim(data_export_id) -> bool:
    pending = Q(status=DataExport.Status.PENDING)
    abandoned = Q(status=DataExport.Status.BUILDING, started_at__lt=timezone.now() - STALE_AFTER)
    claimed = DataExport.objects.filter(pending | abandoned, id=data_export_id).update(
        status=DataExport.Status.BUILDING, started_at=timezone.now()
    )
    return claimed == 1


def _zip_write(archive, *, data: dict, files: list[ArchiveFile]) -> list[str]:
    """data.json, README.txt and every file; returns the paths whose file could not be read."""
    missing = []
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for item in files:
            try:
                with item.storage.open(item.name, "rb") as source, zf.open(item.path, "w") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
            except FileNotFoundError:
                missing.append(item.path)
        data["missing_files"] = missing
        zf.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        zf.writestr("README.txt", _readme())
    return missing


def _readme() -> str:
    return "\n".join(
        [
            _("Your data from Fábrica de Livros"),
            "",
            _("data.json: your profile and consents, your books with their pages (text and picture "
              "descriptions), your XP, badges and missions, API tokens (names only), webhooks, "
              "share links and files you asked for."),
            _("books/: one folder per book with its cover, its pages and the PDFs that were made."),
            "",
        ]
    )  # fmt: skip


def _ready(export: DataExport, *, size: int, missing: list[str]) -> DataExport | None:
    now = timezone.now()
    with transaction.atomic():
        updated = DataExport.objects.filter(id=export.id, status=DataExport.Status.BUILDING).update(
            status=DataExport.Status.READY,
            file=export.file.name,
            size_bytes=size,
            error="",
            finished_at=now,
            expires_at=now + timedelta(days=settings.DATA_EXPORT_TTL_DAYS),
        )
        if not updated:
            # The account was deleted (or the row cleaned up) while this was being written.
            stored = (export.file.storage, export.file.name)
            transaction.on_commit(lambda: _files_delete([stored]))
            return None
        older = list(DataExport.objects.filter(user_id=export.user_id).exclude(id=export.id))
        _data_exports_delete(older)
    logger.info("data_export.ready %s (%s bytes, %s missing files)", export.id, size, len(missing))
    export.refresh_from_db()
    return export


def data_export_fail(*, data_export_id, message: str) -> None:
    """Stop a build with a message for the user; they can ask again."""
    DataExport.objects.filter(id=data_export_id).exclude(status=DataExport.Status.READY).update(
        status=DataExport.Status.FAILED, error=str(message)[:300], finished_at=timezone.now()
    )


def data_exports_cleanup(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete "download my data" archives whose link has expired, and old failed attempts.

    Removes each file from its storage (local disk or S3) once its row is gone; safe to run
    from several processes at once. Returns how many exports were deleted (with ``dry_run``,
    how many would be, touching nothing). Meant for the ``cleanup`` management command and
    the periodic cleanup job.
    """
    now = now or timezone.now()
    old_failure = Q(
        status=DataExport.Status.FAILED, created_at__lt=now - timedelta(days=settings.DATA_EXPORT_TTL_DAYS)
    )
    due = DataExport.objects.filter(Q(expires_at__lt=now) | old_failure)
    if dry_run:
        return due.count()
    with transaction.atomic():
        rows = list(due.select_for_update(skip_locked=True).only("id", "file"))
        _data_exports_delete(rows)
    if rows:
        logger.info("data_export.cleanup deleted %s", len(rows))
    return len(rows)


def _data_exports_delete(rows: list[DataExport]) -> None:
    storage = DataExport._meta.get_field("file").storage
    files = [(storage, row.file.name) for row in rows if row.file]
    DataExport.objects.filter(id__in=[row.id for row in rows]).delete()
    transaction.on_commit(lambda: _files_delete(files))


# --- Delete my account --------------------------------------------------------------------------


@transaction.atomic
def account_delete(*, user: User, request: HttpRequest | None = None) -> dict[str, int]:
    """Delete the account and everything in it, sign it out everywhere, keep an anonymous audit entry.

    The audit log keeps what happened but no longer who: every row about the person is
    rewritten under one random label (``audit.erasure``). Returns the counts written to the
    audit log. The caller has already confirmed the password (or email); the files go once
    the transaction commits.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    label = deleted_person_label()
    book_ids = [str(pk) for pk in Book.objects.filter(owner=user).values_list("id", flat=True)]
    files = _account_files(user)
    counts = _account_counts(user)
    counts["files"] = len(files)
    session_keys = _session_keys(user)
    audit_person_erase(person=_audit_person(user), label=label)
    webhooks = webhook_model()
    if webhooks is not None:
        webhooks.objects.filter(**{owner_field(webhooks): user}).delete()
    DataExport.objects.filter(user=user).delete()
    Book.objects.filter(owner=user).delete()  # pages, exports and share links go with their book
    counts["sessions"] = Session.objects.filter(session_key__in=session_keys).delete()[0]
    _sessions_forget(session_keys)
    # No request: its IP address and browser would be the deleted person's.
    audit_record("account.deleted", actor_label=label, details=counts)
    # The folders named after the user's and the books' ids go too, once empty.
    folders = {str(user.pk), *book_ids}
    user.delete()  # tokens, XP, badges, missions, friends and generation requests go with it
    transaction.on_commit(lambda: storage_files_delete(files, folders_named=folders))
    logger.info("account.deleted %s (%s files)", label, len(files))
    return counts


def _audit_person(user: User) -> Person:
    """Everything that can name the person in the audit log: ids of their things, emails, titles."""
    from allauth.account.models import EmailAddress

    books = Book.objects.filter(owner=user)
    webhooks = webhook_model()
    owned = {
        Book: books,
        Page: Page.objects.filter(book__in=books),
        GenerationJob: GenerationJob.objects.filter(Q(book__in=books) | Q(user=user)),
        Export: Export.objects.filter(book__in=books),
        ShareLink: ShareLink.objects.filter(book__in=books),
        ApiToken: ApiToken.objects.filter(user=user),
        DataExport: DataExport.objects.filter(user=user),
    }
    if webhooks is not None:
        owned[webhooks] = webhooks.objects.filter(**{owner_field(webhooks): user})
    emails = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    texts = [user.display_name]
    for title, theme in books.values_list("title", "theme"):
        texts += [title, theme]
    return Person(
        user_id=user.pk,
        emails=sorted(emails),
        targets={
            model._meta.label_lower: [str(pk) for pk in rows.values_list("pk", flat=True)]
            for model, rows in owned.items()
        },
        texts=[text for text in texts if text],
    )


def _account_counts(user: User) -> dict[str, int]:
    books = Book.objects.filter(owner=user)
    webhooks = webhook_model()
    return {
        "books": books.count(),
        "pages": Page.objects.filter(book__in=books).count(),
        "exports": Export.objects.filter(book__in=books).count(),
        "share_links": ShareLink.objects.filter(book__in=books).count(),
        "api_tokens": ApiToken.objects.filter(user=user).count(),
        "webhooks": webhooks.objects.filter(**{owner_field(webhooks): user}).count() if webhooks else 0,
        "data_exports": DataExport.objects.filter(user=user).count(),
        "xp_events": XPEvent.objects.filter(user=user).count(),
        "badges": UserBadge.objects.filter(user=user).count(),
    }


def _account_files(user: User) -> list[tuple[Storage, str]]:
    """Every stored file of the account, plus whatever else sits in its books' own folders."""
    files: list[tuple[Storage, str]] = []
    for book in Book.objects.filter(owner=user):
        files += book_files(book)
    data_storage = DataExport._meta.get_field("file").storage
    for name in DataExport.objects.filter(user=user).exclude(file="").values_list("file", flat=True):
        files.append((data_storage, name))
    return list(dict.fromkeys(files))


def _sessions_forget(session_keys: list[str]) -> None:
    """``cached_db`` sessions live in the cache too: a deleted row must not be read from there."""
    prefix = getattr(import_module(settings.SESSION_ENGINE).SessionStore, "cache_key_prefix", None)
    if prefix and session_keys:
        caches[settings.SESSION_CACHE_ALIAS].delete_many([prefix + key for key in session_keys])


def _session_keys(user: User) -> list[str]:
    """The keys of every database session signed in as this user (all their browsers and devices)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class") or store.get_model_class() is not Session:
        logger.warning(
            "sessions are not in the database (%s): cannot sign out everywhere", settings.SESSION_ENGINE
        )
        return []
    user_id = str(user.pk)
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        if str(session.get_decoded().get("_auth_user_id")) == user_id:
            keys.append(session.session_key)
    return keys


def _files_delete(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:  # one file left behind must not undo a deletion the user asked for
            logger.exception("could not delete %s", name)
