"""Writes and business rules for books. Views, the API and commands all come through here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from ai.safety import text_blocked_word
from analytics.services import Event, analytics_record
from books.admission import books_admit
from books.errors import BookInvalid, InvalidTransition
from books.generation import states
from books.models import Book, GenerationJob, Page, Style
from books.quotas import quota_check, retry_check
from fabrica import metrics

LANGUAGES = ("pt-BR", "en", "es")
AGE_RANGES = ("2-3", "4-6", "7-9", "10-12")
CHARACTER_SHEET_MAX_CHARS = 2000


def _validate_book(
    *,
    style_slug: str,
    num_pages,
    language: str,
    age_range: str,
    theme: str,
    narrative_source: str,
    story: str,
    liberty: str = Book.Liberty.FAITHFUL,
    title: str = "",
    educational_goal: str = "",
) -> tuple[Style | None, dict[str, str]]:
    errors: dict[str, str] = {}
    style = Style.objects.filter(slug=style_slug, is_active=True).first()
    if style is None:
        errors["style"] = _("Choose one of the available styles.")
    try:
        pages_ok = settings.BOOK_MIN_PAGES <= int(num_pages) <= settings.BOOK_MAX_PAGES
    except (TypeError, ValueError):
        pages_ok = False
    if not pages_ok:
        errors["num_pages"] = _("A book has between %(min)s and %(max)s pages.") % {
            "min": settings.BOOK_MIN_PAGES,
            "max": settings.BOOK_MAX_PAGES,
        }
    if language not in LANGUAGES:
        errors["language"] = _("Choose Português, English or Español.")
    if age_range not in AGE_RANGES:
        errors["age_range"] = _("Choose the child's age range.")
    if narrative_source == Book.Narrative.UPLOADED:
        if not story.strip():
            errors["story"] = _("Paste your story, or let us write one for you.")
        elif len(story) > settings.STORY_MAX_CHARS:
            errors["story"] = _("Your story has %(count)s characters; the limit is %(max)s.") % {
                "count": f"{len(story):,}",
                "max": f"{settings.STORY_MAX_CHARS:,}",
            }
    elif narrative_source == Book.Narrative.GENERATED:
        if not theme.strip():
            errors["theme"] = _("Tell us what the story is about, for example “dinosaurs who share”.")
    else:
        errors["narrative_source"] = _("Choose whether we write the story or you bring yours.")
    if liberty not in Book.Liberty.values:
        errors["liberty"] = _("Choose how closely we should follow your story.")
    for field, text in (
        ("theme", theme),
        ("title", title),
        ("educational_goal", educational_goal),
        ("story", story),
    ):
        word = text_blocked_word(text)
        if word and field not in errors:
            errors[field] = _("Let's keep the book child-friendly: please remove “%(word)s”.") % {
                "word": word
            }
    return style, errors


@transaction.atomic
def book_create(
    *,
    owner,
    style: str,
    num_pages: int,
    theme: str = "",
    language: str = "pt-BR",
    age_range: str = "4-6",
    educational_goal: str = "",
    title: str = "",
    narrative_source: str = Book.Narrative.GENERATED,
    story: str = "",
    liberty: str = Book.Liberty.FAITHFUL,
) -> Book:
    """Queue a new book for generation; the story task starts once this transaction commits."""
    style_obj, errors = _validate_book(
        style_slug=style,
        num_pages=num_pages,
        language=language,
        age_range=age_range,
        theme=theme,
        narrative_source=narrative_source,
        story=story,
        liberty=liberty or Book.Liberty.FAITHFUL,
        title=title,
        educational_goal=educational_goal,
    )
    if errors:
        raise BookInvalid(next(iter(errors.values())), details=errors)
    # Serialise concurrent creations by the same user so two requests cannot both pass the quota.
    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
    quota_check(user=owner, new_book=True)
    book = Book.objects.create(
        owner=owner,
        style=style_obj,
        num_pages=int(num_pages),
        theme=theme.strip(),
        language=language,
        age_range=age_range,
        educational_goal=educational_goal.strip(),
        title=title.strip(),
        narrative_source=narrative_source,
        story=story.strip() if narrative_source == Book.Narrative.UPLOADED else "",
        liberty=liberty or Book.Liberty.FAITHFUL,
        status=Book.Status.QUEUED,
        status_message=_("Waiting for a free illustrator…"),
    )
    GenerationJob.objects.create(kind=GenerationJob.Kind.BOOK, book=book, user=owner)
    books_admit()  # in this transaction, so the answer already says whether it starts or waits
    book.refresh_from_db(fields=["admitted_at"])
    metrics.book_created()
    analytics_record(Event.BOOK_CREATED, user=owner, properties={"style": style, "pages": book.num_pages})
    return book


@transaction.atomic
def book_retry(*, book: Book, user, capped: bool = True) -> Book:
    """Start a failed book again; pages already drawn are kept, the story too when it was written.

    A retry is a new generation request: it passes the same quota checks as a new book, and at
    most ``BOOK_RETRIES_PER_DAY`` a day for one book (``capped=False``: staff retrying from the
    admin, who decide the cost themselves).
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    book = Book.objects.select_for_update().get(pk=book.pk)
    if book.status != Book.Status.FAILED:
        raise InvalidTransition(_("Only a book that failed can be tried again."))
    if capped:
        retry_check(book=book)
    quota_check(user=user, new_book=True)
    states.page_move(
        book.pages.exclude(status=Page.Status.DONE), to=Page.Status.PENDING, error_message="", attempts=0
    )
    done = book.pages.filter(status=Page.Status.DONE).count()
    states.book_move(
        book.pk,
        source=Book.Status.FAILED,
        to=Book.Status.QUEUED,
        error_message="",
        status_message=_("Waiting for a free illustrator…"),
        progress=10 + (80 * done) // book.num_pages if done else 0,
        generation_started_at=None,
        drawing_started_at=None,  # the deadline starts again with the first page drawn
        admitted_at=None,  # back in line, behind the books already waiting
    )
    step = GenerationJob.Step.PAGES if book.pages.exists() else GenerationJob.Step.STORY
    GenerationJob.objects.create(kind=GenerationJob.Kind.BOOK, book=book, user=user, step=step)
    books_admit()
    book.refresh_from_db()
    return book


def book_update_characters(*, book: Book, user, character_sheet: str) -> Book:
    """Edit the character sheet every later picture of the book follows."""
    sheet = character_sheet.strip()
    if len(sheet) > CHARACTER_SHEET_MAX_CHARS:
        message = _("Keep the characters under %(max)s characters.") % {"max": CHARACTER_SHEET_MAX_CHARS}
        raise BookInvalid(message, details={"character_sheet": message})
    word = text_blocked_word(sheet)
    if word:
        message = _("Let's keep the book child-friendly: please remove “%(word)s”.") % {"word": word}
        raise BookInvalid(message, details={"character_sheet": message})
    if book.is_in_progress:
        raise InvalidTransition(_("Wait until the book is ready before changing its characters."))
    Book.objects.filter(pk=book.pk).update(character_sheet=sheet)
    book.character_sheet = sheet
    return book
