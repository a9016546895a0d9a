"""Step 3: when every page is drawn, make sure the cover is there and build the PDF."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ai.services import image_generate
from books.admission import books_admit_on_commit
from books.generation import states
from books.generation.dispatch import notify, notify_on_commit
from books.generation.pages import cover_image_request
from books.generation.redraw import book_latest_job, redraw_mark_done
from books.models import Book, GenerationJob, Page
from fabrica import metrics
from gamification.services import on_book_generated
from webhooks.events import event_emit


def book_assemble(*, book_id) -> None:
    """Claim the assembly (step PAGES → ASSEMBLING) so it runs once, then finish the book."""
    job = book_latest_job(book_id)
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
    notify(book_id)
    if not book.cover_image:
        _book_draw_cover(book)
    if job.kind == GenerationJob.Kind.PAGE and book.generated_at:
        # The content hash changed, so the next download builds the PDF again; no need now.
        redraw_mark_done(book_id=book_id, job=job)
        return
    from exports.services import export_print_pdf

    export_print_pdf(book=book, paper=book.owner.paper_size)
    book_mark_generated(book_id=book_id, job_id=job.id)


def _book_draw_cover(book: Book) -> None:
    image = image_generate(request=cover_image_request(book), book_id=book.id)
    book.cover_image.save(f"books/{book.id}/cover.png", ContentFile(image.png), save=False)
    Book.objects.filter(id=book.id).update(cover_image=book.cover_image.name)


@transaction.atomic
def book_mark_generated(*, book_id, job_id: int) -> None:
    now = timezone.now()
    started = Book.objects.filter(id=book_id).values_list("generation_started_at", flat=True).first()
    generated = states.book_move(
        book_id,
        source=Book.Status.GENERATING,
        to=Book.Status.GENERATED,
        progress=100,
        status_message=_("Your book is ready!"),
        generated_at=now,
    )
    if generated:
        metrics.book_generated(seconds=(now - started).total_seconds() if started else None)
        metrics.book_ready_observe((now - GenerationJob.objects.get(id=job_id).created_at).total_seconds())
        books_admit_on_commit()  # its place is free for the next book in line
        event_emit(type="book.generated", resource_id=book_id)
    states.job_move(job_id, to=GenerationJob.Status.SUCCEEDED, step=GenerationJob.Step.DONE, finished_at=now)
    # Same transaction: the book and its XP commit together; a rerun finds the XP key paid.
    on_book_generated(book_id=book_id)
    notify_on_commit(book_id)
