"""What "download my data" puts in ``data.json``, and which stored files go beside it in the ZIP.

Everything the user made or that was recorded about them, read-only. Secrets never leave:
API tokens appear by name and prefix (never the hash), webhooks by URL and events (never the
signing secret), share links by state (never the token that opens them).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models
from django.utils.text import slugify

from accounts.models import ApiToken, DataExport, User
from books.models import Book, GenerationJob
from exports.models import Export
from exports.options import export_filename
from gamification.models import Follow, MissionProgress, Player, UserBadge, XPEvent

FORMAT_VERSION = 1


@dataclass
class ArchiveFile:
    """One stored file and where it goes in the ZIP."""

    storage: Storage
    name: str
    path: str


@dataclass
class UserData:
    data: dict[str, Any]
    files: list[ArchiveFile] = field(default_factory=list)


def user_data_collect(*, user: User) -> UserData:
    """The contents of ``data.json`` and the list of files to copy into the archive."""
    files: list[ArchiveFile] = []
    data = {
        "format_version": FORMAT_VERSION,
        "site": "Fábrica de Livros",
        "profile": _profile(user),
        "books": [_book(book, number, files) for number, book in enumerate(_books(user), start=1)],
        "generation_requests": _generation_requests(user),
        "gamification": _gamification(user),
        "api_tokens": _api_tokens(user),
        "webhooks": _webhooks(user),
        "usage_statistics": _analytics_events(user),
        "data_exports": _data_exports(user),
    }
    return UserData(data=data, files=files)


def _profile(user: User) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "language": user.language,
        "paper_size": user.paper_size,
        "age_range": user.age_range,
        "default_style": getattr(user.default_style, "slug", None),
        "plan": user.effective_tier.name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "consents": {"marketing_emails": user.marketing_consent, "analytics": user.analytics_consent},
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).values("email", "verified", "primary").order_by("email")
        ),
        "connected_accounts": list(
            SocialAccount.objects.filter(user=user).values("provider", "uid", "date_joined", "last_login")
        ),
    }


def _books(user: User) -> models.QuerySet[Book]:
    return (
        Book.objects.filter(owner=user)
        .select_related("style")
        .prefetch_related("pages", "exports", "share_links")
        .order_by("created_at")
    )


def _book(book: Book, number: int, files: list[ArchiveFile]) -> dict[str, Any]:
    folder = f"books/{number:02d}-{slugify(str(book.display_title))[:40] or 'book'}"
    return {
        "id": str(book.id),
        "folder": folder,
        "title": book.title,
        "theme": book.theme,
        "educational_goal": book.educational_goal,
        "age_range": book.age_range,
        "style": book.style.slug,
        "num_pages": book.num_pages,
        "language": book.language,
        "narrative_source": book.narrative_source,
        "story": book.story,
        "liberty": book.liberty,
        "character_sheet": book.character_sheet,
        "cover_prompt": book.cover_prompt,
        "cover_file": _add(files, book.cover_image, f"{folder}/cover"),
        "status": book.status,
        "created_at": book.created_at,
        "generated_at": book.generated_at,
        "in_trash_since": book.deleted_at,
        "pages": [_page(page, folder, files) for page in book.pages.all()],
        "exports": [_export(export, folder, files) for export in book.exports.all()],
        "share_links": [_share_link(link) for link in book.share_links.all()],
    }


def _page(page, folder: str, files: list[ArchiveFile]) -> dict[str, Any]:
    return {
        "number": page.number,
        "text": page.text,
        "illustration_prompt": page.illustration_prompt,
        "status": page.status,
        "image_file": _add(files, page.image, f"{folder}/pages/page-{page.number:02d}"),
        "provider": page.provider,
        "model": page.model,
    }


def _export(export: Export, folder: str, files: list[ArchiveFile]) -> dict[str, Any]:
    path = None
    if export.is_ready and export.file:
        stem, _extension = posixpath.splitext(export_filename(export))
        path = _add(files, export.file, f"{folder}/files/{stem}")
    return {
        "format": export.format,
        "paper": export.paper,
        "single_sided": export.single_sided,
        "status": export.status,
        "created_at": export.created_at,
        "generated_at": export.generated_at,
        "download_count": export.download_count,
        "file": path,
    }


def _share_link(link) -> dict[str, Any]:
    return {
        "state": link.state,
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "revoked_at": link.revoked_at,
        "view_count": link.view_count,
    }


def _add(files: list[ArchiveFile], fieldfile, stem: str) -> str | None:
    """Queue a stored file for the archive under ``stem`` + its own extension; its path, or None.

    Two files can want the same name (a book's print PDF of today and of an older version):
    the later one becomes ``stem-2``, so every entry of the ZIP has its own name.
    """
    if not fieldfile:
        return None
    extension = posixpath.splitext(fieldfile.name)[1] or ".bin"
    taken = {item.path for item in files}
    path, copy = stem + extension, 1
    while path in taken:
        copy += 1
        path = f"{stem}-{copy}{extension}"
    files.append(ArchiveFile(storage=fieldfile.storage, name=fieldfile.name, path=path))
    return path


def _generation_requests(user: User) -> list[dict[str, Any]]:
    return list(
        GenerationJob.objects.filter(user=user)
        .order_by("created_at")
        .values("kind", "status", "book_id", "created_at", "finished_at")
    )


def _gamification(user: User) -> dict[str, Any]:
    player = Player.objects.filter(user=user).first()
    return {
        "totals": _player(player),
        "xp_ledger": list(
            XPEvent.objects.filter(user=user)
            .order_by("created_at")
            .values("action", "key", "amount", "created_at")
        ),
        "badges": [
            {"slug": row.badge.slug, "name": row.badge.name, "earned_at": row.earned_at}
            for row in UserBadge.objects.filter(user=user).select_related("badge").order_by("earned_at")
        ],
        "missions": [
            {
                "mission": row.mission.template.slug,
                "title": row.mission.template.title,
                "period": row.mission.rotation.period,
                "when": row.mission.rotation.key,
                "progress": row.progress,
                "completed_at": row.completed_at,
            }
            for row in MissionProgress.objects.filter(user=user)
            .select_related("mission__template", "mission__rotation")
            .order_by("mission__rotation__key", "mission_id")
        ],
        "friends": _follows(user),
    }


def _player(player: Player | None) -> dict[str, Any] | None:
    if player is None:
        return None
    names = [
        "xp", "level", "weekly_xp", "books_generated", "pages_generated", "pages_regenerated",
        "pdfs_downloaded", "books_shared", "missions_completed", "biggest_book", "styles_used",
        "languages_used", "streak_days", "best_streak", "last_active_day", "time_zone", "on_leaderboards",
    ]  # fmt: skip
    return {name: getattr(player, name) for name in names}


def _follows(user: User) -> list[dict[str, Any]]:
    """Only the other person's display name: their email is their data, not this user's."""
    sent = Follow.objects.filter(from_user=user).select_related("to_user")
    received = Follow.objects.filter(to_user=user).select_related("from_user")
    rows = [
        {
            "direction": "sent",
            "to": follow.to_user.name if follow.to_user and follow.status == Follow.Status.ACCEPTED else None,
            "requested_as": follow.requested_as,
            "status": follow.status,
            "created_at": follow.created_at,
        }
        for follow in sent
    ]
    rows += [
        {
            "direction": "received",
            "from": follow.from_user.name,
            "status": follow.status,
            "created_at": follow.created_at,
        }
        for follow in received
    ]
    return rows


def _api_tokens(user: User) -> list[dict[str, Any]]:
    return list(
        ApiToken.objects.filter(user=user)
        .order_by("created_at")
        .values("name", "prefix", "created_at", "last_used_at", "revoked_at")
    )


def _webhooks(user: User) -> list[dict[str, Any]]:
    model = webhook_model()
    if model is None:
        return []
    wanted = ["url", "events", "is_active", "created_at"]
    present = [name for name in wanted if _has_field(model, name)]
    return list(model.objects.filter(**{owner_field(model): user}).order_by("pk").values(*present))


def _analytics_events(user: User) -> list[dict[str, Any]]:
    """What the analytics app recorded while the user had said yes to statistics."""
    model = _installed_model("analytics", "AnalyticsEvent")
    if model is None:
        return []
    wanted = [name for name in ("name", "properties", "created_at") if _has_field(model, name)]
    return list(model.objects.filter(**{owner_field(model): user}).order_by("pk").values(*wanted))


def _data_exports(user: User) -> list[dict[str, Any]]:
    return list(
        DataExport.objects.filter(user=user)
        .order_by("created_at")
        .values("status", "created_at", "expires_at")
    )


def webhook_model() -> type[models.Model] | None:
    """``webhooks.Webhook`` when that app is installed."""
    return _installed_model("webhooks", "Webhook")


def _installed_model(app_label: str, name: str) -> type[models.Model] | None:
    if not apps.is_installed(app_label):
        return None
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def owner_field(model: type[models.Model]) -> str:
    """The name of the model's foreign key to the user (``owner`` or ``user``)."""
    for model_field in model._meta.get_fields():
        if model_field.many_to_one and model_field.related_model is User:
            return model_field.name
    raise LookupError(f"{model._meta.label} has no foreign key to the user")


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True
