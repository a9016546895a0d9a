"""Step 2: draw the pages and the cover, all in parallel.

A page is two tasks: ``page_draw`` waits on the provider (the ``pictures`` queue, threads) and
keeps its raw picture in storage; ``page_finish`` turns it into checked line art (``cpu``).
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from ai.pictures import RawPicture, picture_accept_rejected, picture_call, picture_finish
from ai.schemas import GeneratedImage, ImageRequest
from ai.services import PictureRejected, image_generate
from books.admission import picture_may_start
from books.generation import states
from books.generation.dispatch import (
    enqueue_assembly_on_commit,
    enqueue_page_draw,
    enqueue_page_finish,
    notify_on_commit,
)
from books.generation.failures import TIMED_OUT_BOOK, book_fail, book_past_deadline
from books.generation.redraw import book_latest_job, redraw_end_unfinished, redraw_job, redraw_seed
from books.models import Book, GenerationJob, Page
from books.trash import storage_files_delete
from fabrica import metrics

THUMBNAIL_SIZE = 384


def page_draw(*, page_id: int, corrective: str = "") -> None:
    """The I/O half of a page: claim it, ask the provider, keep the raw picture for ``page_finish``.

    A page already drawn, or being drawn by a live worker, is left alone. ``corrective`` is set
    when the first picture failed the QC: the provider is asked again, told what to fix.
    """
    now = timezone.now()
    # A page claimed longer ago than the hard time limit has no worker left drawing it.
    stale = now - timedelta(seconds=settings.PICTURE_TASK_TIME_LIMIT)
    claimed = states.page_move(
        Page.objects.filter(id=page_id, book__status=Book.Status.GENERATING).filter(
            Q(status=Page.Status.PENDING) | Q(status=Page.Status.RUNNING, started_at__lt=stale)
        ),
        source=[Page.Status.PENDING, Page.Status.RUNNING],
        to=Page.Status.RUNNING,
        started_at=now,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return  # already drawn, being drawn, or the book stopped
    # The first page claimed starts the book's clock; later claims leave it alone.
    Book.objects.filter(pages__id=page_id, drawing_started_at__isnull=True).update(drawing_started_at=now)
    states.job_move(
        GenerationJob.objects.filter(page_id=page_id, kind=GenerationJob.Kind.PAGE),
        source=GenerationJob.Status.QUEUED,
        to=GenerationJob.Status.RUNNING,
        started_at=now,
    )
    page = Page.objects.select_related("book__style").get(id=page_id)
    if book_past_deadline(page.book):
        book_fail(book_id=page.book_id, message=TIMED_OUT_BOOK)
        return
    started = time.monotonic()
    request = page_image_request(page, corrective=corrective)
    picture = picture_call(request=request, book_id=page.book_id, page_id=page.id)
    raw_name = default_storage.save(
        f"raw/{page.book_id}/page-{page.number:02d}.bin", ContentFile(picture.raw)
    )
    meta = {
        **picture.meta(),
        "corrective": corrective,
        "elapsed_ms": int((time.monotonic() - started) * 1000),
    }
    enqueue_page_finish(page_id, raw_name, meta)


def page_may_start(*, page_id: int) -> bool:
    """Whether this page may be drawn now (``books.admission.picture_may_start``)."""
    book_id = Page.objects.filter(id=page_id).values_list("book_id", flat=True).first()
    return book_id is None or picture_may_start(book_id=book_id)


def page_finish(*, page_id: int, raw_name: str, meta: dict) -> None:
    """The CPU half: normalize the provider's picture to line art, check it, save the page.

    Safe to run twice: only a page still RUNNING is saved (the conditional update in
    ``_page_save_image``), and a page another task finished or took back is left alone.
    """
    page = Page.objects.select_related("book__style").filter(id=page_id).first()
    if page is None or page.status != Page.Status.RUNNING or not default_storage.exists(raw_name):
        _raw_delete(raw_name)
        # finished already, taken back by the resume and drawn again, or its book was deleted
        return
    with default_storage.open(raw_name, "rb") as handle:
        picture = RawPicture.from_meta(handle.read(), meta)
    request = page_image_request(page, corrective=meta.get("corrective", ""))
    try:
        image = picture_finish(picture=picture, request=request)
    except PictureRejected as rejected:
        if not meta.get("corrective"):
            _page_redraw_corrected(page, rejected)
            _raw_delete(raw_name)
            return
        image = picture_accept_rejected(rejected, prompt_versions=picture.prompt_versions)
    _page_save_image(page=page, image=image, elapsed_ms=meta.get("elapsed_ms", 0))
    _raw_delete(raw_name)


def _raw_delete(raw_name: str) -> None:
    """The provider's picture is not kept; nor is its folder once the book itself is gone."""
    book_folder = posixpath.basename(posixpath.dirname(raw_name))
    gone = not Book.objects.filter(id=book_folder).exists()
    storage_files_delete([(default_storage, raw_name)], folders_named={book_folder} if gone else set())


def _page_redraw_corrected(page: Page, rejected: PictureRejected) -> None:
    """The picture failed the QC: ask for it once more, saying what to fix (a new provider call)."""
    corrective = rejected.details.get("corrective", "") or "Clean black outlines on white only."
    if states.page_move(page.id, source=Page.Status.RUNNING, to=Page.Status.PENDING):
        enqueue_page_draw(page.id, corrective=corrective)


def page_image_request(page: Page, *, corrective: str = "") -> ImageRequest:
    book = page.book
    return ImageRequest(
        prompt=page.illustration_prompt or page.text,
        style=book.style.slug,
        style_prompt=book.style.prompt_fragment,
        character_sheet=book.character_sheet,
        seed=redraw_seed(page),
        width=settings.PAGE_IMAGE_WIDTH,
        height=settings.PAGE_IMAGE_HEIGHT,
        corrective=corrective,
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
    saved = states.page_move(
        page.id,
        source=Page.Status.RUNNING,
        to=Page.Status.DONE,
        image=page.image.name,
        thumbnail=page.thumbnail.name,
        sha256=digest,
        provider=image.provider,
        model=image.model,
        prompt_versions=image.prompt_versions,
        generation_ms=elapsed_ms,
        error_message="",
    )
    if saved:
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
    notify_on_commit(book_id)
    redraw = redraw_job(book_id)
    if done == 1 and redraw is None:  # the parent's first picture, counted from their request
        request = book_latest_job(book_id)
        if request is not None:
            metrics.book_first_picture_observe((timezone.now() - request.created_at).total_seconds())
    if done == book.num_pages and (book.cover_image or redraw):
        enqueue_assembly_on_commit(book_id)
    elif redraw:  # the only page being drawn is done
        redraw_end_unfinished(book_id=book_id, job=redraw)


def cover_draw(*, book_id) -> None:
    """Beside the pages: draw the cover; whichever of cover and last page ends last assembles."""
    book = Book.objects.select_related("style").filter(id=book_id).first()
    if book is None or book.status != Book.Status.GENERATING or book.cover_image:
        return
    image = image_generate(request=cover_image_request(book), book_id=book.id)
    book_save_cover(book_id=book_id, png=image.png)


def book_save_cover(*, book_id, png: bytes) -> None:
    name = f"books/{book_id}/cover-{hashlib.sha256(png).hexdigest()[:12]}.png"
    with transaction.atomic():
        book = Book.objects.select_for_update().filter(id=book_id).first()
        if book is None or book.cover_image:
            return  # deleted while the cover was drawn (nothing written), or another draw won
        book.cover_image.save(name, ContentFile(png), save=False)
        Book.objects.filter(id=book_id).update(cover_image=book.cover_image.name)
        if book.pages.filter(status=Page.Status.DONE).count() == book.num_pages:
            enqueue_assembly_on_commit(book_id)


def cover_image_request(book: Book) -> ImageRequest:
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
