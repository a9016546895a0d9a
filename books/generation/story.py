"""Step 1: write the story and create the pages, then queue one drawing task per page."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ai.schemas import StoryRequest
from ai.services import story_generate
from books.generation import states
from books.generation.dispatch import enqueue_pages_on_commit, notify, notify_on_commit
from books.generation.recovery import book_continue
from books.models import Book, GenerationJob, Page


def story_request(book: Book) -> StoryRequest:
    return StoryRequest(
        theme=book.theme,
        num_pages=book.num_pages,
        language=book.language,
        style=book.style.slug,
        age_range=book.age_range,
        educational_goal=book.educational_goal,
        title=book.title,
        user_story=book.story,
        liberty=book.liberty,
        style_prompt=book.style.prompt_fragment,
        seed=str(book.id),
    )


def book_write_story(*, book_id, job_id: int | None = None) -> None:
    """Claim the queued book and write its story; a book whose story is written goes on drawing."""
    now = timezone.now()
    claimed = states.book_move(
        book_id,
        source=Book.Status.QUEUED,
        to=Book.Status.GENERATING,
        progress=5,
        status_message=_("Writing the story…"),
        generation_started_at=now,
    )
    book = Book.objects.select_related("style").get(id=book_id)
    has_pages = book.pages.exists()
    if not claimed and not (book.status == Book.Status.GENERATING and not has_pages):
        return  # another worker got there first, or the story is already written
    states.job_move(
        GenerationJob.objects.filter(book_id=book_id, kind=GenerationJob.Kind.BOOK, started_at__isnull=True),
        source=GenerationJob.Status.QUEUED,
        to=GenerationJob.Status.RUNNING,
        started_at=now,
    )
    if has_pages:  # a retry: the story stands, draw what is missing
        GenerationJob.objects.filter(book_id=book_id, step=GenerationJob.Step.STORY).update(
            step=GenerationJob.Step.PAGES
        )
        Book.objects.filter(id=book_id).update(status_message=_("Drawing the pages…"))
        notify(book_id)
        book_continue(book)
        return
    notify(book_id)
    result = story_generate(request=story_request(book), book_id=book.id)
    book_save_story(book=book, story=result.story)


@transaction.atomic
def book_save_story(*, book: Book, story) -> None:
    # Two story tasks for one book (a resume while the first was still writing) take turns
    # here: the second finds the pages and stops, instead of failing on duplicate page numbers.
    Book.objects.select_for_update().filter(id=book.id).first()
    if Page.objects.filter(book=book).exists():
        return
    Page.objects.bulk_create(
        Page(book=book, number=page.number, text=page.text, illustration_prompt=page.illustration_prompt)
        for page in story.pages
    )
    Book.objects.filter(id=book.id).update(
        title=book.title or story.title[:200],
        character_sheet=story.character_sheet,
        cover_prompt=story.cover_prompt,
        progress=10,
        status_message=_("Drawing the pages…"),
    )
    GenerationJob.objects.filter(
        book=book, kind=GenerationJob.Kind.BOOK, step=GenerationJob.Step.STORY
    ).update(step=GenerationJob.Step.PAGES)
    page_ids = list(Page.objects.filter(book=book).values_list("id", flat=True))
    enqueue_pages_on_commit(page_ids, cover_of=book.id)
    notify_on_commit(book.id)
