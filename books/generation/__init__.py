"""The generation pipeline: story → pages drawn in parallel → cover and PDF.

- ``story``, ``pages``, ``assemble``: the happy path, one step per module;
- ``states``: the one place that writes Book, Page and GenerationJob status;
- ``failures``: a page put back for a retry, a book stopped cleanly;
- ``redraw``: one page drawn again, and how that ends;
- ``recovery``: one resume for lost work, one watchdog for time;
- ``dispatch``: queueing the next step and telling the watchers.

Each step is safe to run twice: it claims its work with a conditional update and skips what is
already done, so a redelivered task never draws a page twice.
"""

from books.generation.assemble import book_assemble
from books.generation.dispatch import INFRASTRUCTURE_ERRORS
from books.generation.failures import (
    MAX_PAGE_ATTEMPTS,
    STORY_TIMED_OUT,
    UNEXPECTED_ERROR,
    assembly_timed_out,
    book_fail,
    cover_timed_out,
    page_fail,
    page_release_for_retry,
    page_release_when_busy,
    page_timed_out,
)
from books.generation.pages import cover_draw, page_draw, page_finish, page_may_start
from books.generation.recovery import books_fail_overdue, books_resume
from books.generation.story import book_write_story

__all__ = [
    "INFRASTRUCTURE_ERRORS",
    "MAX_PAGE_ATTEMPTS",
    "STORY_TIMED_OUT",
    "UNEXPECTED_ERROR",
    "assembly_timed_out",
    "book_assemble",
    "book_fail",
    "book_write_story",
    "books_fail_overdue",
    "books_resume",
    "cover_draw",
    "cover_timed_out",
    "page_draw",
    "page_fail",
    "page_may_start",
    "page_finish",
    "page_release_for_retry",
    "page_release_when_busy",
    "page_timed_out",
]
