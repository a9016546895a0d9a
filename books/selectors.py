"""Read logic for the library: what a parent asked for, checked, and the books that match."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from books.models import Book

SORTS = {
    "newest": _lazy("Newest first"),
    "oldest": _lazy("Oldest first"),
    "title": _lazy("Title A–Z"),
}
DEFAULT_SORT = "newest"
SEARCH_MAX_CHARS = 100
SEARCH_MAX_WORDS = 6
# Never part of a search; PostgreSQL refuses a NUL byte in a query with an error.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class LibraryQuery:
    """The library's search, filters and sort as the parent asked for them, minus anything invalid."""

    q: str = ""
    style: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = DEFAULT_SORT
    problems: list[str] = field(default_factory=list)

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or self.style or self.status or self.date_from or self.date_to)

    def as_query_dict(self) -> QueryDict:
        """The valid part of the query, for links (pagination) that must keep it."""
        params = QueryDict(mutable=True)
        for key in ("q", "style", "status"):
            if getattr(self, key):
                params[key] = getattr(self, key)
        for key in ("date_from", "date_to"):
            if getattr(self, key):
                params[key] = getattr(self, key).isoformat()
        if self.sort != DEFAULT_SORT:
            params["sort"] = self.sort
        return params

    def as_kwargs(self) -> dict:
        keys = ("q", "style", "status", "date_from", "date_to", "sort")
        return {key: getattr(self, key) for key in keys}


def library_query(params: Mapping[str, str], *, style_slugs: Iterable[str] = ()) -> LibraryQuery:
    """Read the library's GET parameters; what cannot be used is dropped and explained in ``problems``."""
    problems: list[str] = []
    style = params.get("style", "").strip()
    if style and style not in set(style_slugs):
        problems.append(_("We don't know the style “%(style)s”, so we show every style.") % {"style": style})
        style = ""
    status = params.get("status", "").strip()
    if status and status not in Book.Status.values:
        problems.append(
            _("We don't know the status “%(status)s”, so we show every status.") % {"status": status}
        )
        status = ""
    date_from = _date_param(params, "date_from", _("from"), problems)
    date_to = _date_param(params, "date_to", _("to"), problems)
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
        problems.append(_("The “from” date was after the “to” date, so we swapped them."))
    sort = params.get("sort", "").strip() or DEFAULT_SORT
    if sort not in SORTS:
        problems.append(_("We can't sort by “%(sort)s”, so the newest books come first.") % {"sort": sort})
        sort = DEFAULT_SORT
    q = _search_text(params.get("q", ""))[:SEARCH_MAX_CHARS]
    return LibraryQuery(q, style, status, date_from, date_to, sort, problems)


def _search_text(q: str) -> str:
    return " ".join(_CONTROL.sub(" ", q).split())


def _date_param(params: Mapping[str, str], key: str, label: str, problems: list[str]) -> date | None:
    value = params.get(key, "").strip()
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:  # well formed but impossible, like 2024-02-31
        parsed = None
    if parsed is None:
        problems.append(
            _("“%(value)s” is not a date we can read, so the “%(label)s” date is ignored. Use YYYY-MM-DD.")
            % {"value": value, "label": label}
        )
    return parsed


def book_list_for(
    user,
    *,
    q: str = "",
    style: str = "",
    status: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    sort: str = DEFAULT_SORT,
) -> QuerySet[Book]:
    """The user's books (not in the trash) matching the search and filters, in the order asked for.

    Values that make no sense (an unknown sort or status) are ignored rather than failing;
    ``library_query`` is where the parent is told about them.
    """
    books = Book.objects.visible_to(user).select_related("style")
    for word in _search_text(q).split()[:SEARCH_MAX_WORDS]:
        books = books.filter(Q(title__icontains=word) | Q(theme__icontains=word))
    if style:
        books = books.filter(style__slug=style)
    if status in Book.Status.values:
        books = books.filter(status=status)
    # The calendar's first and last days bound nothing (and the day after the last does not exist).
    if isinstance(date_from, date) and date_from > date.min:
        books = books.filter(created_at__gte=_start_of(date_from))
    if isinstance(date_to, date) and date_to < date.max:
        books = books.filter(created_at__lt=_start_of(date_to + timedelta(days=1)))
    return _sorted(books, sort)


def _start_of(day: date) -> datetime:
    """Midnight of ``day`` where the parent is: dates in the filter are local dates."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _sorted(books: QuerySet[Book], sort: str) -> QuerySet[Book]:
    if sort == "oldest":
        return books.order_by("created_at", "id")
    if sort == "title":
        # Untitled books are shown by their theme, so they sort by it too.
        shown_title = Lower(Coalesce(NullIf("title", Value("")), "theme"))
        return books.alias(shown_title=shown_title).order_by("shown_title", "-created_at", "id")
    return books.order_by("-created_at", "-id")


def trash_for(user) -> QuerySet[Book]:
    """The user's books in the trash, most recently deleted first."""
    if not user.is_authenticated:
        return Book.objects.none()
    return (
        Book.objects.filter(owner=user, deleted_at__isnull=False)
        .select_related("style")
        .order_by("-deleted_at", "id")
    )
