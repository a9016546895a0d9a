"""The one place that writes the status of a Book, a Page or a GenerationJob.

Each model has a table of allowed moves. A move is a conditional update: the row changes
only if its current status is one the table allows to reach the new one (narrowed further
by ``source`` when the caller claims from one status), so two workers racing for the same
row cannot both win, and a late task never drags a finished book back. Asking for a move
the table does not allow at all is a bug, refused with ``StateError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet

from books.models import Book, GenerationJob, Page

B, P, J = Book.Status, Page.Status, GenerationJob.Status

BOOK_MOVES: dict[str, frozenset[str]] = {
    B.DRAFT: frozenset({B.QUEUED}),
    B.QUEUED: frozenset({B.GENERATING, B.FAILED}),
    B.GENERATING: frozenset({B.GENERATED, B.FAILED}),
    # "Try again" queues a failed book; redrawing one page runs the book again.
    B.FAILED: frozenset({B.QUEUED, B.GENERATING}),
    B.GENERATED: frozenset({B.GENERATING, B.ARCHIVED}),
    B.ARCHIVED: frozenset(),
}
PAGE_MOVES: dict[str, frozenset[str]] = {
    # PENDING → DONE/FAILED: a redraw stopped before it began gives the page back as it was.
    P.PENDING: frozenset({P.RUNNING, P.DONE, P.FAILED}),
    # RUNNING → RUNNING: a page claimed by a worker that died is claimed again.
    # RUNNING → PENDING: put back for a retry, or found lost by the resume.
    P.RUNNING: frozenset({P.RUNNING, P.DONE, P.FAILED, P.PENDING}),
    # A drawn page is queued again to be redrawn; when that fails it is DONE again, with its
    # old picture (FAILED → DONE: the failed redraw is recorded first, then the picture given back).
    P.DONE: frozenset({P.PENDING, P.DONE}),
    P.FAILED: frozenset({P.PENDING, P.FAILED, P.DONE}),
}
JOB_MOVES: dict[str, frozenset[str]] = {
    J.QUEUED: frozenset({J.RUNNING, J.FAILED, J.CANCELLED}),
    J.RUNNING: frozenset({J.SUCCEEDED, J.FAILED, J.CANCELLED}),
    J.SUCCEEDED: frozenset(),
    J.FAILED: frozenset(),
    J.CANCELLED: frozenset(),
}


class StateError(ValueError):
    """A move the table never allows: a programming error, not a race."""


def sources(table: dict[str, frozenset[str]], to: str) -> set[str]:
    """Every status allowed to move to ``to``."""
    return {source for source, targets in table.items() if to in targets}


def _checked(table: dict[str, frozenset[str]], to: str, source: str | Iterable[str] | None) -> set[str]:
    allowed = sources(table, to)
    if source is None:
        return allowed
    wanted = {source} if isinstance(source, str) else set(source)
    refused = wanted - allowed
    if refused:
        raise StateError(f"cannot move from {sorted(refused)} to {to!r}")
    return wanted


def _move(
    rows: QuerySet[Any], table: dict[str, frozenset[str]], *, to: str, source: Any, fields: dict[str, Any]
) -> int:
    return rows.filter(status__in=_checked(table, to, source)).update(status=to, **fields)


def _rows(model: type[Model], ids: Any) -> QuerySet[Any]:
    return ids if isinstance(ids, QuerySet) else model.objects.filter(pk=ids)


def book_move(book: Any, *, to: str, source: str | Iterable[str] | None = None, **fields: Any) -> bool:
    """Move one book (an id or a queryset narrowing it); False when it was not in a status allowing it."""
    return _move(_rows(Book, book), BOOK_MOVES, to=to, source=source, fields=fields) > 0


def page_move(pages: Any, *, to: str, source: str | Iterable[str] | None = None, **fields: Any) -> int:
    """Move pages (an id or a queryset); returns how many moved."""
    return _move(_rows(Page, pages), PAGE_MOVES, to=to, source=source, fields=fields)


def job_move(jobs: Any, *, to: str, source: str | Iterable[str] | None = None, **fields: Any) -> int:
    """Move generation requests (an id or a queryset); returns how many moved."""
    return _move(_rows(GenerationJob, jobs), JOB_MOVES, to=to, source=source, fields=fields)
