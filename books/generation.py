"""The generation pipeline: story → pages drawn in parallel → cover and PDF.

Each step is safe to run twice: it claims its work with a conditional update
and skips what is already done, so a redelivered task never draws a page twice.
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from kombu.exceptions import OperationalError as KombuOperationalError
from PIL import Image
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from ai.schemas import GeneratedImage, ImageRequest, StoryRequest
from ai.services import image_generate, story_generate
from books.models import Book, GenerationJob, Page
from books.progress import progress_notify
from books.trash import storage_files_delete
from fabrica import metrics
from gamification.services import on_book_generated, on_page_regenerated
from webhooks.events import event_emit

logger = logging.getLogger(__name__)

# The broker, the cache or the database out of reach for a moment: not the book's fault. A task
# meeting one leaves its work for a retry or the resume job instead of failing the book.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    KombuOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    DatabaseOperationalError,
    DatabaseInterfaceError,
    ConnectionError,
    TimeoutError,
)

THUMBNAIL_SIZE = 384
MAX_PAGE_ATTEMPTS = 3
UNEXPECTED_ERROR = _lazy(
    "Something went wrong on our side while making this book. It did not count against your quota; "
    "please try again."
)


def _book_job(book_id) -> GenerationJob | None:
    # The book's latest request: the whole book, or one page drawn again (one at a time per book).
    return GenerationJob.objects.filter(book_id=book_id).order_by("-id").first()


def _redraw_job(book_id) -> GenerationJob | None:
    """The page regeneration under way for this book, if any."""
    return (
        GenerationJob.objects.filter(
            book_id=book_id,
            kind=GenerationJob.Kind.PAGE,
            status__in=[GenerationJob.Status.QUEUED, GenerationJob.Status.RUNNING],
        )
        .select_related("page")
        .order_by("-id")
        .first()
    )


def _notify(book_id) -> None:
    """Tell the watchers; best effort: a lost message never stops a book (the page polls too)."""
    try:
        progress_notify(book_id)
    except Exception as exc:  # the channel layer's Redis may be restarting
        logger.warning("progress of book %s not sent: %r", book_id, exc)


def _notify_on_commit(book_id) -> None:
    transaction.on_commit(lambda: _notify(book_id))


def _enqueue_quietly(what: str, send) -> None:
    """Queue follow-up work after a commit; with the broker down it is left to the resume job.

    The database already holds the state the work follows from (pages PENDING, all pages DONE),
    so ``books_resume`` and the periodic stuck-book job find it and queue it again.
    """
    try:
        send()
    except INFRASTRUCTURE_ERRORS as exc:
        logger.warning("could not queue %s (left for the resume job): %r", what, exc)


def _past_deadline(book: Book) -> bool:
    started = book.generation_started_at
    return bool(started) and timezone.now() - started > timedelta(seconds=settings.BOOK_GENERATION_DEADLINE)


def _story_request(book: Book) -> StoryRequest:
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
    """Step 1: write the story and create the pages, then queue one drawing task per page."""
    now = timezone.now()
    claimed = Book.objects.filter(id=book_id, status=Book.Status.QUEUED).update(
        status=Book.Status.GENERATING,
        progress=5,
        status_message=_("Writing the story…"),
        generation_started_at=now,
    )
    book = Book.objects.select_related("style").get(id=book_id)
    has_pages = book.pages.exists()
    if not claimed and not (book.status == Book.Status.GENERATING and not has_pages):
        return  # another worker got there first, or the story is already written
    GenerationJob.objects.filter(
        book_id=book_id, kind=GenerationJob.Kind.BOOK, started_at__isnull=True
    ).update(status=GenerationJob.Status.RUNNING, started_at=now)
    if has_pages:  # a retry: the story stands, draw what is missing
        GenerationJob.objects.filter(book_id=book_id, step=GenerationJob.Step.STORY).update(
            step=GenerationJob.Step.PAGES
        )
        Book.objects.filter(id=book_id).update(status_message=_("Drawing the pages…"))
        _notify(book_id)
        _book_continue(book)
        return
    _notify(book_id)
    result = story_generate(request=_story_request(book), book_id=book.id)
    _book_save_story(book=book, story=result.story)


@transaction.atomic
def _book_save_story(*, book: Book, story) -> None:
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
    transaction.on_commit(
        lambda: _enqueue_quietly("the pages", lambda: _enqueue_pages(page_ids, cover_of=book.id))
    )
    _notify_on_commit(book.id)


def _enqueue_pages(page_ids: list[int], *, cover_of=None) -> None:
    """One task per page, plus the cover's when ``cover_of`` names a book: all drawn in parallel."""
    from celery import group

    from books.tasks import book_draw_cover, book_draw_page

    signatures = [book_draw_page.s(page_id) for page_id in page_ids]
    if cover_of:
        signatures.append(book_draw_cover.s(str(cover_of)))
    group(signatures).apply_async()


def page_draw(*, page_id: int) -> None:
    """Step 2 (one per page, in parallel): draw the page's picture."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = (
        Page.objects.filter(id=page_id, book__status=Book.Status.GENERATING)
        .filter(Q(status=Page.Status.PENDING) | Q(status=Page.Status.RUNNING, started_at__lt=stale))
        .update(status=Page.Status.RUNNING, started_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return  # already drawn, being drawn, or the book stopped
    GenerationJob.objects.filter(
        page_id=page_id, kind=GenerationJob.Kind.PAGE, status=GenerationJob.Status.QUEUED
    ).update(status=GenerationJob.Status.RUNNING, started_at=now)
    page = Page.objects.select_related("book__style").get(id=page_id)
    if _past_deadline(page.book):
        book_fail(book_id=page.book_id, message=_("Drawing this book took too long. Please try again."))
        return
    started = time.monotonic()
    image = image_generate(request=_image_request(page), book_id=page.book_id, page_id=page.id)
    _page_save_image(page=page, image=image, elapsed_ms=int((time.monotonic() - started) * 1000))


def _image_request(page: Page) -> ImageRequest:
    book = page.book
    seed = f"{book.id}:{page.number}"
    redraw = _redraw_job(book.id)
    if redraw and redraw.page_id == page.id:
        seed += f":redraw-{redraw.id}"  # a new picture, not the same one drawn again
    return ImageRequest(
        prompt=page.illustration_prompt or page.text,
        style=book.style.slug,
        style_prompt=book.style.prompt_fragment,
        character_sheet=book.character_sheet,
        seed=seed,
        width=settings.PAGE_IMAGE_WIDTH,
        height=settings.PAGE_IMAGE_HEIGHT,
    )


def _thumbnail(png: bytes) -> bytes:
    image = Image.open(io.BytesIO(png))
    image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    out = io.BytesIO()
    image.convert("L").save(out, format="PNG", optimize=True)
    return out.getvalue()


@transaction.atomic
def _page_save_image(*, page: Page, image: GeneratedImage, elapsed_ms: int) -> None:
    digest = hashlib.sha256(image.png).hexdigest()
    stem = f"books/{page.book_id}/page-{page.number:02d}-{digest[:12]}"
    page.image.save(f"{stem}.png", ContentFile(image.png), save=False)
    page.thumbnail.save(f"{stem}-thumb.png", ContentFile(_thumbnail(image.png)), save=False)
    updated = Page.objects.filter(id=page.id, status=Page.Status.RUNNING).update(
        image=page.image.name,
        thumbnail=page.thumbnail.name,
        sha256=digest,
        provider=image.provider,
        model=image.model,
        prompt_versions=image.prompt_versions,
        generation_ms=elapsed_ms,
        status=Page.Status.DONE,
        error_message="",
    )
    if updated:
        _book_page_finished(book_id=page.book_id)
    else:
        # The page was deleted (its book or account went while drawing) or another attempt
        # finished first: nothing points at these files, so they must not stay on disk.
        written = [page.image.name, page.thumbnail.name]
        transaction.on_commit(lambda: _page_files_discard(book_id=page.book_id, names=written))


def _page_files_discard(*, book_id, names: list[str]) -> None:
    referenced = Page.objects.filter(Q(image__in=names) | Q(thumbnail__in=names)).exists()
    if referenced:
        return  # a storage that overwrites same-named files gave another attempt this exact name
    storage = Page._meta.get_field("image").storage
    storage_files_delete([(storage, name) for name in names], folders_named={str(book_id)})


def _book_page_finished(*, book_id) -> None:
    # Pages finishing at the same moment take turns here, so each count sees the
    # pages committed before it and exactly one of them sees the last page done.
    book = Book.objects.select_for_update().get(id=book_id)
    done = book.pages.filter(status=Page.Status.DONE).count()
    Book.objects.filter(id=book_id).update(
        progress=Greatest(F("progress"), 10 + (80 * done) // book.num_pages),
        status_message=_("Drawing the pages… %(done)s of %(total)s ready")
        % {"done": done, "total": book.num_pages},
    )
    _notify_on_commit(book_id)
    redraw = _redraw_job(book_id)
    request = _book_job(book_id) if done == 1 and redraw is None else None
    if request is not None:  # the parent's first picture, counted from their request
        metrics.book_first_picture_observe((timezone.now() - request.created_at).total_seconds())
    if done == book.num_pages and (book.cover_image or redraw):
        _assemble_on_commit(book_id)
    elif redraw:  # the only page being drawn is done
        _redraw_end_unfinished(book_id=book_id, job=redraw)


def _redraw_end_unfinished(*, book_id, job: GenerationJob) -> None:
    """A failed book's page is drawn again; its other missing pages wait for “Try again”."""
    Book.objects.filter(id=book_id, status=Book.Status.GENERATING).update(
        status=Book.Status.FAILED,
        status_message=_("Something went wrong."),
        error_message=_("Page %(number)s is drawn. Press “Try again” to finish the rest of the book.")
        % {"number": job.page.number},
    )
    GenerationJob.objects.filter(id=job.id).update(
        status=GenerationJob.Status.SUCCEEDED, step=GenerationJob.Step.DONE, finished_at=timezone.now()
    )


def _assemble_on_commit(book_id) -> None:
    from books.tasks import book_assemble as assemble_task

    transaction.on_commit(lambda: _enqueue_quietly("the assembly", lambda: assemble_task.delay(str(book_id))))


def cover_draw(*, book_id) -> None:
    """Step 2, beside the pages: draw the cover; whichever of cover and last page ends last assembles."""
    book = Book.objects.select_related("style").filter(id=book_id).first()
    if book is None or book.status != Book.Status.GENERATING or book.cover_image:
        return
    image = image_generate(request=_cover_request(book), book_id=book.id)
    name = f"books/{book.id}/cover-{hashlib.sha256(image.png).hexdigest()[:12]}.png"
    with transaction.atomic():
        book = Book.objects.select_for_update().filter(id=book_id).first()
        if book is None or book.cover_image:
            return  # deleted while the cover was drawn (nothing written), or another draw won
        book.cover_image.save(name, ContentFile(image.png), save=False)
        Book.objects.filter(id=book_id).update(cover_image=book.cover_image.name)
        if book.pages.filter(status=Page.Status.DONE).count() == book.num_pages:
            _assemble_on_commit(book_id)


def page_release_for_retry(*, page_id: int, retries: int) -> bool:
    """Put a page back in the queue after a transient failure; False when it should fail for good."""
    page = Page.objects.select_related("book").get(id=page_id)
    if retries >= MAX_PAGE_ATTEMPTS - 1 or _past_deadline(page.book):
        return False
    Page.objects.filter(id=page_id, status=Page.Status.RUNNING).update(status=Page.Status.PENDING)
    GenerationJob.objects.filter(book_id=page.book_id, status=GenerationJob.Status.RUNNING).update(
        retries=F("retries") + 1
    )
    return True


def page_fail(*, page_id: int, message: str) -> None:
    message = str(message)
    page = Page.objects.get(id=page_id)
    Page.objects.filter(id=page_id).update(status=Page.Status.FAILED, error_message=message[:500])
    book_fail(
        book_id=page.book_id,
        message=_("We could not draw page %(number)s: %(reason)s")
        % {"number": page.number, "reason": message},
    )


def book_assemble(*, book_id) -> None:
    """Step 3: when every page is drawn, draw the cover and build the PDF."""
    job = _book_job(book_id)
    claimed = job and GenerationJob.objects.filter(id=job.id, step=GenerationJob.Step.PAGES).update(
        step=GenerationJob.Step.ASSEMBLING
    )
    book = Book.objects.select_related("style", "owner").get(id=book_id)
    if not claimed or book.status != Book.Status.GENERATING:
        return
    if book.pages.exclude(status=Page.Status.DONE).exists():
        GenerationJob.objects.filter(id=job.id).update(step=GenerationJob.Step.PAGES)
        return
    Book.objects.filter(id=book_id).update(progress=92, status_message=_("Putting the book together…"))
    _notify(book_id)
    if not book.cover_image:
        _book_draw_cover(book)
    if job.kind == GenerationJob.Kind.PAGE and book.generated_at:
        # The content hash changed, so the next download builds the PDF again; no need now.
        _redraw_mark_done(book_id=book_id, job=job)
        return
    from exports.services import export_print_pdf

    export_print_pdf(book=book, paper=book.owner.paper_size)
    _book_mark_generated(book_id=book_id, job_id=job.id)


def _book_draw_cover(book: Book) -> None:
    image = image_generate(request=_cover_request(book), book_id=book.id)
    book.cover_image.save(f"books/{book.id}/cover.png", ContentFile(image.png), save=False)
    Book.objects.filter(id=book.id).update(cover_image=book.cover_image.name)


def _cover_request(book: Book) -> ImageRequest:
    return ImageRequest(
        prompt=book.cover_prompt or f"{book.title}. {book.theme}",
        style=book.style.slug,
        style_prompt=book.style.prompt_fragment,
        character_sheet=book.character_sheet,
        seed=f"{book.id}:cover",
        width=settings.PAGE_IMAGE_WIDTH,
        height=settings.PAGE_IMAGE_HEIGHT,
        kind="cover",
    )


@transaction.atomic
def _book_mark_generated(*, book_id, job_id: int) -> None:
    now = timezone.now()
    started = Book.objects.filter(id=book_id).values_list("generation_started_at", flat=True).first()
    generated = Book.objects.filter(id=book_id, status=Book.Status.GENERATING).update(
        status=Book.Status.GENERATED, progress=100, status_message=_("Your book is ready!"), generated_at=now
    )
    if generated:
        metrics.book_generated(seconds=(now - started).total_seconds() if started else None)
        metrics.book_ready_observe((now - GenerationJob.objects.get(id=job_id).created_at).total_seconds())
        event_emit(type="book.generated", resource_id=book_id)
    GenerationJob.objects.filter(id=job_id).update(
        status=GenerationJob.Status.SUCCEEDED, step=GenerationJob.Step.DONE, finished_at=now
    )
    # Same transaction: the book and its XP commit together; a rerun finds the XP key paid.
    on_book_generated(book_id=book_id)
    _notify_on_commit(book_id)


@transaction.atomic
def _redraw_mark_done(*, book_id, job: GenerationJob) -> None:
    now = timezone.now()
    Book.objects.filter(id=book_id, status=Book.Status.GENERATING).update(
        status=Book.Status.GENERATED,
        progress=100,
        error_message="",
        status_message=_("Page %(number)s is drawn again.") % {"number": job.page.number},
    )
    GenerationJob.objects.filter(id=job.id).update(
        status=GenerationJob.Status.SUCCEEDED, step=GenerationJob.Step.DONE, finished_at=now
    )
    on_page_regenerated(user=job.user, page=job.page)  # keyed by this job: a rerun pays nothing
    _notify_on_commit(book_id)


def _redraw_fail(*, book_id, job: GenerationJob, message: str) -> bool:
    """A page could not be drawn again: it keeps the picture it had and the request is given back."""
    page = Page.objects.get(id=job.page_id)
    Page.objects.filter(id=page.id).update(
        status=Page.Status.DONE if page.sha256 else Page.Status.FAILED,
        error_message=(page.error_message or message)[:500],
    )
    GenerationJob.objects.filter(id=job.id).update(
        status=GenerationJob.Status.FAILED,
        finished_at=timezone.now(),
        quota_refunded=True,
        error_details={"message": message},
    )
    book = Book.objects.get(id=book_id)
    if book.cover_image and not book.pages.exclude(status=Page.Status.DONE).exists():
        Book.objects.filter(id=book_id, status=Book.Status.GENERATING).update(
            status=Book.Status.GENERATED,
            progress=100,
            status_message=_(
                "We could not draw page %(number)s again, so it keeps its picture. "
                "This did not count against your quota."
            )
            % {"number": page.number},
        )
    else:
        Book.objects.filter(id=book_id, status=Book.Status.GENERATING).update(
            status=Book.Status.FAILED, error_message=message[:500], status_message=_("Something went wrong.")
        )
    logger.warning("redrawing page %s of book %s failed: %s", page.number, book_id, message)
    _notify_on_commit(book_id)
    return True


@transaction.atomic
def book_fail(*, book_id, message: str) -> bool:
    """Stop a book cleanly: status failed, a message for the parent, the request given back."""
    message = str(message)
    redraw = _redraw_job(book_id)
    if redraw is not None:
        return _redraw_fail(book_id=book_id, job=redraw, message=message)
    now = timezone.now()
    failed = Book.objects.filter(id=book_id, status__in=[Book.Status.QUEUED, Book.Status.GENERATING]).update(
        status=Book.Status.FAILED, error_message=message[:500], status_message=_("Something went wrong.")
    )
    if not failed:
        return False
    metrics.book_failed()
    event_emit(type="book.failed", resource_id=book_id)
    GenerationJob.objects.filter(
        book_id=book_id,
        kind=GenerationJob.Kind.BOOK,
        status__in=[GenerationJob.Status.QUEUED, GenerationJob.Status.RUNNING],
    ).update(
        status=GenerationJob.Status.FAILED,
        finished_at=now,
        quota_refunded=True,
        error_details={"message": message},
    )
    logger.warning("book %s failed: %s", book_id, message)
    _notify_on_commit(book_id)
    return True


def books_resume(*, stale_after: timedelta) -> list:
    """Re-queue the work of books a stopped process left queued or generating.

    Pages claimed longer ago than ``stale_after`` are taken to be lost with the
    process that claimed them. The deadline clock restarts for resumed books.
    """
    from books.tasks import book_write_story as story_task

    resumed = []
    stale = timezone.now() - stale_after
    for book in Book.objects.in_progress().filter(deleted_at__isnull=True):
        Book.objects.filter(id=book.id, status=Book.Status.GENERATING).update(
            generation_started_at=timezone.now()
        )
        if book.status == Book.Status.QUEUED or not book.pages.exists():
            story_task.delay(str(book.id))
        else:
            Page.objects.filter(book=book, status=Page.Status.RUNNING, started_at__lt=stale).update(
                status=Page.Status.PENDING
            )
            _book_continue(book)
        resumed.append(book.id)
    return resumed


def _book_continue(book: Book) -> None:
    """Queue the pages still waiting to be drawn (and the cover), or the assembly when none are."""
    from books.tasks import book_assemble as assemble_task

    pending = list(book.pages.filter(status=Page.Status.PENDING).values_list("id", flat=True))
    if pending:
        _enqueue_pages(pending, cover_of=None if book.cover_image else book.id)
    elif not book.pages.exclude(status=Page.Status.DONE).exists():
        GenerationJob.objects.filter(book=book, step=GenerationJob.Step.ASSEMBLING).update(
            step=GenerationJob.Step.PAGES
        )
        assemble_task.delay(str(book.id))


def books_fail_overdue() -> int:
    """Fail books that have been queued or drawing longer than the deadline allows."""
    limit = timezone.now() - timedelta(seconds=settings.BOOK_GENERATION_DEADLINE)
    overdue = Book.objects.in_progress().filter(
        Q(generation_started_at__lt=limit) | Q(generation_started_at__isnull=True, created_at__lt=limit)
    )
    message = _("Making this book took too long. It did not count against your quota; please try again.")
    return sum(
        book_fail(book_id=book_id, message=message) for book_id in overdue.values_list("id", flat=True)
    )
