"""Share links: a public, read-only view of one finished book, with an expiry, revocable."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from books.errors import BookInvalid, InvalidTransition
from books.models import Book, ShareLink
from fabrica.errors import ApplicationError
from gamification.services import on_book_shared

EXPIRY_DAYS = {
    ShareLink.Expiry.DAY: 1,
    ShareLink.Expiry.WEEK: 7,
    ShareLink.Expiry.MONTH: 30,
    ShareLink.Expiry.NEVER: None,
}
# Plenty for family and a class; more is more likely a mistake than a need.
MAX_ACTIVE_LINKS = 20
SHARE_LINKS_SHOWN = 30
# What secrets.token_urlsafe makes. Anything else cannot be a token, and must not reach the
# database: PostgreSQL refuses a NUL byte in a query with an error, not with "no such row".
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Larger numbers do not fit the database's integers; such a key can only be a (wrong) token.
_MAX_ID_DIGITS = 18


class ShareGone(ApplicationError):
    """The link existed but no longer opens the book (expired, revoked, or the book was deleted)."""

    code = "gone"
    status_code = 410


def share_link_create(*, book: Book, expiry: str) -> ShareLink:
    if book.status != Book.Status.GENERATED or book.deleted_at:
        raise InvalidTransition(_("Only a finished book can be shared."))
    if expiry not in EXPIRY_DAYS:
        message = _("Choose how long the link works: 1 day, 7 days, 30 days or always.")
        raise BookInvalid(message, details={"expiry": message})
    if book.share_links.active().count() >= MAX_ACTIVE_LINKS:
        raise InvalidTransition(
            _("This book already has %(max)s working links. Stop one before making another.")
            % {"max": MAX_ACTIVE_LINKS}
        )
    days = EXPIRY_DAYS[expiry]
    expires_at = timezone.now() + timedelta(days=days) if days else None
    link = ShareLink.objects.create(book=book, expires_at=expires_at)
    on_book_shared(user=book.owner, book=book)
    return link


def share_link_revoke(*, link: ShareLink) -> ShareLink:
    """Stop a link from working; the people who have it see that it was stopped."""
    if link.revoked_at is None:
        now = timezone.now()
        ShareLink.objects.filter(id=link.id, revoked_at__isnull=True).update(revoked_at=now)
        link.revoked_at = now
    return link


def share_link_open(*, token: str) -> ShareLink:
    """The link and its book, if it still opens; ShareGone if it ended, DoesNotExist if it never was."""
    if not _TOKEN.fullmatch(token):
        raise ShareLink.DoesNotExist
    link = ShareLink.objects.select_related("book__style", "book__owner").get(token=token)
    if link.state == ShareLink.State.REVOKED:
        raise ShareGone(_("The person who shared this book has stopped sharing it."))
    if link.state == ShareLink.State.EXPIRED:
        raise ShareGone(_("This link has expired. Ask the person who shared it for a new one."))
    if link.book.deleted_at:
        raise ShareGone(_("This book is no longer shared."))
    if not link.book.owner.is_active:
        # Checked here, not by revoking: staff can enable the account again and its links work again.
        raise ShareGone(_("This book is not available right now."))
    return link


def share_link_of_book(*, book: Book, key: str) -> ShareLink | None:
    """One of the book's links named by its id or its token (the API accepts either)."""
    if key.isascii() and key.isdigit() and len(key) <= _MAX_ID_DIGITS:  # "²".isdigit() is true too
        return book.share_links.filter(id=int(key)).first()
    if _TOKEN.fullmatch(key):
        return book.share_links.filter(token=key).first()
    return None


def share_link_count_view(*, link: ShareLink) -> None:
    ShareLink.objects.filter(id=link.id).update(view_count=F("view_count") + 1)
    link.view_count += 1


def share_links_for(*, book: Book) -> list[ShareLink]:
    """The book's links for its owner, working ones first."""
    links = list(book.share_links.all()[:SHARE_LINKS_SHOWN])
    return sorted(links, key=lambda link: link.state != ShareLink.State.ACTIVE)
