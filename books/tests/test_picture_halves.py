"""A page is drawn in two tasks: the provider call (pictures queue) then the line art (cpu queue)."""

import pytest
from django.core.files.storage import default_storage

from ai.services import PictureRejected
from books import generation, tasks
from books.generation import pages
from books.models import Page
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small(settings):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    settings.AI_OFFLINE_FAILURE_RATE = 0


@pytest.fixture
def finishes(monkeypatch) -> list:
    """The CPU tasks the provider-call half queues, held back so the test runs them."""
    queued = []
    monkeypatch.setattr(tasks.book_finish_page, "apply_async", lambda args, **options: queued.append(args))
    return queued


def test_the_provider_call_keeps_the_raw_picture_and_the_cpu_task_makes_the_page(owner, small, finishes):
    page = book_factory(owner=owner).pages.get(number=1)

    generation.page_draw(page_id=page.id)

    page.refresh_from_db()
    assert (page.status, page.image.name) == (Page.Status.RUNNING, "")  # nothing saved by the I/O half
    ((page_id, raw_name, meta),) = finishes
    assert default_storage.exists(raw_name)

    generation.page_finish(page_id=page_id, raw_name=raw_name, meta=meta)

    page.refresh_from_db()
    assert page.status == Page.Status.DONE and page.image and page.thumbnail and len(page.sha256) == 64
    assert not default_storage.exists(raw_name)  # the raw picture is not kept


def test_a_finish_task_delivered_twice_changes_nothing(owner, small, finishes):
    page = book_factory(owner=owner).pages.get(number=1)
    generation.page_draw(page_id=page.id)
    ((page_id, raw_name, meta),) = finishes
    generation.page_finish(page_id=page_id, raw_name=raw_name, meta=meta)
    drawn = Page.objects.get(id=page.id)

    generation.page_finish(page_id=page_id, raw_name=raw_name, meta=meta)

    again = Page.objects.get(id=page.id)
    assert (again.status, again.sha256, again.image.name) == (
        Page.Status.DONE,
        drawn.sha256,
        drawn.image.name,
    )


def test_a_picture_failing_the_qc_is_asked_for_again_with_what_to_fix(
    owner, small, monkeypatch, celery_eager
):
    asked = []
    real_call, real_finish = pages.picture_call, pages.picture_finish

    def call(*, request, **kwargs):
        asked.append(request.corrective)
        return real_call(request=request, **kwargs)

    def finish(*, picture, request):
        image = real_finish(picture=picture, request=request)
        if not request.corrective:
            raise PictureRejected(
                "grey",
                page=image.png,
                provider=image.provider,
                model=image.model,
                details={"corrective": "No grey."},
            )
        return image

    monkeypatch.setattr(pages, "picture_call", call)
    monkeypatch.setattr(pages, "picture_finish", finish)
    page = book_factory(owner=owner).pages.get(number=1)

    generation.page_draw(page_id=page.id)

    page.refresh_from_db()
    assert asked == ["", "No grey."]
    assert (page.status, page.attempts) == (Page.Status.DONE, 2)


def test_a_picture_whose_line_art_cannot_be_queued_puts_its_page_back_at_once(owner, small, monkeypatch):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Redis is away")

    monkeypatch.setattr(tasks.book_finish_page, "apply_async", broker_down)
    page = book_factory(owner=owner).pages.get(number=1)

    generation.page_draw(page_id=page.id)

    page.refresh_from_db()
    assert page.status == Page.Status.PENDING  # the resume draws it again, not after the stale cutoff
