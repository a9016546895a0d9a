"""Changing a book after it is made: its title, a page's words, the order of its pages, one picture.

Nothing changes while the book is being drawn: workers find its pages by id and number. Every
change here changes the book's content hash, so the next download builds a fresh PDF.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ai.safety import text_blocked_word
from books.errors import BookInvalid, InvalidTransition
from books.generation import states
from books.models import Book, GenerationJob, Page
from books.progress import progress_notify
from books.quotas import quota_check

TITLE_MAX_CHARS = 200
# A parent's own story of 10,000 characters fits a 5-page book.
PAGE_TEXT_MAX_CHARS = 2000
INSTRUCTIONS_MAX_CHARS = 300
# Prompts are English; what the parent asks for goes after this, replacing an earlier request.
PARENT_CHANGE = "\nChange asked for by the parent: "
# Page numbers are moved out of the way first, so no two pages ever share one mid-update.
RENUMBER_OFFSET = 1000


def _unkind(text: str) -> str | None:
    word = text_blocked_word(text)
    if word:
        return _("Let's keep the book child-friendly: please remove “%(word)s”.") % {"word": word}
    return None


def _too_long(text: str, limit: int) -> str | None:
    if len(text) > limit:
        return _("This has %(count)s characters; the limit is %(max)s.") % {
            "count": f"{len(text):,}",
            "max": f"{limit:,}",
        }
    return None


def title_error(title: str) -> str | None:
    if not title:
        return _("Give the book a title.")
    return _too_long(title, TITLE_MAX_CHARS) or _unkind(title)


def page_text_error(text: str) -> str | None:
    """What is wrong with a page's text, in the parent's words; None when it can be printed."""
    if not text:
        return _("Write a few words for this page.")
    return _too_long(text, PAGE_TEXT_MAX_CHARS) or _unkind(text)


def page_text_clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _locked_book(*, book: Book, user) -> Book:
    book = Book.objects.select_for_update().get(pk=book.pk)
    if book.owner_id != user.pk:
        raise PermissionDenied
    if book.is_in_progress:
        raise InvalidTransition(_("Wait until the book is ready: it is being drawn right now."))
    return book


@transaction.atomic
def book_rename(*, book: Book, user, title: str) -> Book:
    title = " ".join(title.split())
    error = title_error(title)
    if error:
        raise BookInvalid(error, details={"title": error})
    book = _locked_book(book=book, user=user)
    Book.objects.filter(pk=book.pk).update(title=title, updated_at=timezone.now())
    book.title = title
    return book


@transaction.atomic
def page_update_text(*, page: Page, user, text: str) -> Page:
    text = page_text_clean(text)
    error = page_text_error(text)
    if error:
        raise BookInvalid(error, details={"text": error})
    _locked_book(book=page.book, user=user)
    Page.objects.filter(pk=page.pk).update(text=text, updated_at=timezone.now())
    page.text = text
    return page


def _order_numbers(order: list) -> list[int]:
    try:
        return [int(number) for number in order]
    except (TypeError, ValueError):
        return []


@transaction.atomic
def pages_reorder(*, book: Book, user, order: list[int]) -> list[Page]:
    """Put the pages in ``order`` (the page numbers as they are now, in their new order)."""
    book = _locked_book(book=book, user=user)
    numbers = sorted(book.pages.values_list("number", flat=True))
    new_order = _order_numbers(order)
    if sorted(new_order) != numbers:
        message = _("Send each of the book's page numbers once, in the new order.")
        raise BookInvalid(message, details={"order": message})
    if new_order != numbers:
        pages = book.pages.all()
        pages.update(number=F("number") + RENUMBER_OFFSET)
        for position, number in enumerate(new_order, start=1):
            pages.filter(number=number + RENUMBER_OFFSET).update(number=position)
        Book.objects.filter(pk=book.pk).update(updated_at=timezone.now())
    return list(book.pages.order_by("number"))


def page_move(*, book: Book, user, number: int, offset: int) -> list[Page]:
    """Swap a page with the one before (offset -1) or after it (offset 1)."""
    numbers = list(book.pages.order_by("number").values_list("number", flat=True))
    target = number + offset
    if offset not in (-1, 1) or number not in numbers or target not in numbers:
        message = _("This page cannot move further that way.")
        raise BookInvalid(message, details={"order": message})
    order = numbers[:]
    order[numbers.index(number)], order[numbers.index(target)] = target, number
    return pages_reorder(book=book, user=user, order=order)


def _redraw_refusal(book: Book, page: Page) -> str | None:
    if book.status == Book.Status.GENERATED and page.status == Page.Status.DONE:
        return None
    if book.status == Book.Status.FAILED and page.status == Page.Status.FAILED:
        return None
    if book.is_in_progress:
        return _("Wait until the book is ready before redrawing a page.")
    if book.status == Book.Status.FAILED:
        return _(
            "While the book is unfinished, only a page that could not be drawn can be redrawn. "
            "Press “Try again” to finish the book."
        )
    return _("This page cannot be redrawn now.")


def _with_change(prompt: str, instructions: str) -> str:
    if not instructions:
        return prompt
    return prompt.split(PARENT_CHANGE)[0] + PARENT_CHANGE + instructions


@transaction.atomic
def page_regenerate(*, page: Page, user, instructions: str = "") -> GenerationJob:
    """Draw one page again, with the book's characters and style: one generation request of quota.

    The page keeps its picture until the new one is saved; if drawing fails for good, the
    request is given back and the old picture stays.
    """
    instructions = " ".join(instructions.split())
    error = _too_long(instructions, INSTRUCTIONS_MAX_CHARS) or _unkind(instructions)
    if error:
        raise BookInvalid(error, details={"instructions": error})
    # Serialise this user's requests so two of them cannot both pass the quota.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    book = Book.objects.select_for_update().get(pk=page.book_id)
    if book.owner_id != user.pk:
        raise PermissionDenied
    page = Page.objects.select_for_update().get(pk=page.pk)
    refusal = _redraw_refusal(book, page)
    if refusal:
        raise InvalidTransition(refusal)
    quota_check(user=user, new_book=False)
    states.page_move(
        page.pk,
        to=Page.Status.PENDING,
        attempts=0,
        error_message="",
        started_at=None,
        illustration_prompt=_with_change(page.illustration_prompt or page.text, instructions),
    )
    done = book.pages.filter(status=Page.Status.DONE).count()
    states.book_move(
        book.pk,
        source=[Book.Status.GENERATED, Book.Status.FAILED],
        to=Book.Status.GENERATING,
        progress=10 + (80 * done) // book.num_pages,
        error_message="",
        status_message=_("Redrawing page %(number)s…") % {"number": page.number},
        generation_started_at=timezone.now(),
        drawing_started_at=None,
    )
    job = GenerationJob.objects.create(
        kind=GenerationJob.Kind.PAGE, book=book, page=page, user=user, step=GenerationJob.Step.PAGES
    )
    transaction.on_commit(lambda: _page_enqueue(book_id=book.id, page_id=page.id, job_id=job.id))
    return job


def _page_enqueue(*, book_id, page_id: int, job_id: int) -> None:
    from books.tasks import book_draw_page

    progress_notify(book_id)
    result = book_draw_page.delay(page_id)
    GenerationJob.objects.filter(id=job_id).update(celery_task_id=result.id or "")
