"""The admission queue: books start in the order they were asked for while the image provider has
room for their pictures within the drawing deadline; the others wait, and know for how long."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ai.models import AICall, Capability
from books.admission import admission_waiting_count, book_admission, books_admit, picture_may_start
from books.generation.dispatch import first_pictures
from books.models import Book, Page
from books.progress import admission_message, progress_snapshot
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(monkeypatch) -> list[str]:
    """The books whose story was queued, in order (the queueing itself is the task's business)."""
    queued: list[str] = []
    monkeypatch.setattr("books.admission._book_start", lambda book: queued.append(book.title))
    return queued


@pytest.fixture
def provider(settings):
    """An image provider with 4 slots whose pictures take 10 s, and a 60 s drawing deadline:
    4 slots × (48 s ÷ 10 s = 4 rounds) = 16 pictures may be admitted at once."""
    settings.AI_IMAGE_PROVIDERS = ["offline"]
    settings.AI_CONCURRENCY_LIMITS = {"offline": 4}
    settings.BOOK_GENERATION_DEADLINE = 60
    for capability, seconds in ((Capability.IMAGE, 10), (Capability.TEXT, 5)):
        AICall.objects.create(
            provider="offline", capability=capability, outcome=AICall.Outcome.OK, latency_ms=seconds * 1000
        )


def _waiting(owner, title: str, *, pages: int = 5, minutes_ago: float = 0) -> Book:
    return book_factory(
        owner=owner,
        title=title,
        num_pages=pages,
        status=Book.Status.QUEUED,
        admitted_at=None,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_books_are_admitted_oldest_first_while_their_pictures_fit(
    owner, provider, started, django_capture_on_commit_callbacks
):
    for n, title in enumerate(["first", "second", "third", "fourth"]):
        _waiting(owner, title, minutes_ago=10 - n)  # 6 pictures each (5 pages and the cover)

    with django_capture_on_commit_callbacks(execute=True):
        admitted = books_admit()

    assert [book.title for book in admitted] == ["first", "second"] == started  # 12 of 16; a third is 18
    assert set(Book.objects.filter(admitted_at__isnull=True).values_list("title", flat=True)) == {
        "third",
        "fourth",
    }
    assert admission_waiting_count() == 2


def test_a_book_that_fits_never_jumps_an_older_one_that_does_not(
    owner, provider, started, django_capture_on_commit_callbacks
):
    book_factory(owner=owner, title="drawing", num_pages=9, status=Book.Status.GENERATING)  # 10 pictures
    _waiting(owner, "big", pages=20, minutes_ago=5)
    _waiting(owner, "small", pages=5, minutes_ago=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert books_admit() == []

    assert started == []


def test_with_nothing_drawing_the_oldest_book_starts_whatever_its_size(
    owner, provider, started, django_capture_on_commit_callbacks
):
    _waiting(owner, "huge", pages=20)

    with django_capture_on_commit_callbacks(execute=True):
        books_admit()

    assert started == ["huge"]


def test_when_a_book_ends_the_next_in_line_starts(
    owner, provider, started, django_capture_on_commit_callbacks
):
    drawing = book_factory(owner=owner, title="drawing", num_pages=12, status=Book.Status.GENERATING)
    _waiting(owner, "next", pages=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert books_admit() == []

    Page.objects.filter(book=drawing).update(status=Page.Status.DONE)  # its pictures are drawn
    with django_capture_on_commit_callbacks(execute=True):
        books_admit()

    assert started == ["next"]


def test_a_new_book_is_admitted_at_once_when_the_provider_has_room(
    owner_client, provider, started, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            "/api/v1/books/",
            {"style": "cartoon", "num_pages": 5, "theme": "owls"},
            content_type="application/json",
        )

    assert response.status_code == 202
    book = Book.objects.get(id=response.json()["id"])
    assert book.admitted_at is not None and started == [book.title]
    assert response.json()["queue_position"] == 0


def test_a_waiting_book_knows_its_place_and_when_it_should_start_and_be_ready(owner, provider, started):
    book_factory(owner=owner, title="drawing", num_pages=15, status=Book.Status.GENERATING)  # 16 pictures
    ahead = _waiting(owner, "ahead", minutes_ago=2)
    mine = _waiting(owner, "mine", minutes_ago=1)

    first, second = book_admission(ahead), book_admission(mine)

    assert (first.waiting, first.ahead, second.waiting, second.ahead) == (True, 0, True, 1)
    now = timezone.now()
    # 16 + 6 + 6 pictures in line, room for 16: "mine" starts once 12 are drawn, 3 rounds of 10 s.
    assert timedelta(seconds=25) < second.estimated_start - now < timedelta(seconds=35)
    assert first.estimated_start < second.estimated_start < second.estimated_ready
    assert admission_message(second) == "1 book ahead of yours — starts in ~30 s"
    assert admission_message(first).startswith("Yours is next — starts in ~")


def test_the_book_page_and_the_api_show_the_place_in_line(owner, owner_client, provider, started):
    book_factory(owner=owner, num_pages=15, status=Book.Status.GENERATING)
    _waiting(owner, "ahead", minutes_ago=2)
    mine = _waiting(owner, "mine", minutes_ago=1)

    snapshot = progress_snapshot(mine)
    api = owner_client.get(f"/api/v1/books/{mine.id}/").json()
    page = owner_client.get(f"/books/{mine.id}/").content.decode()

    assert snapshot["queue_position"] == api["queue_position"] == 2
    assert snapshot["message"] == api["message"] == "1 book ahead of yours — starts in ~30 s"
    assert api["estimated_start"] and api["estimated_ready"]
    assert "1 book ahead of yours" in page


def test_a_book_drawing_has_no_place_in_line_but_an_estimate_of_when_it_is_ready(owner, provider):
    drawing = book_factory(owner=owner, num_pages=5, status=Book.Status.GENERATING)

    admission = book_admission(drawing)

    assert (admission.waiting, admission.ahead, admission.estimated_start) == (False, 0, None)
    assert admission.estimated_ready > timezone.now()


def test_the_message_speaks_the_parents_language(owner, provider):
    from django.utils import translation

    book_factory(owner=owner, num_pages=15, status=Book.Status.GENERATING)
    _waiting(owner, "ahead", minutes_ago=3)
    _waiting(owner, "middle", minutes_ago=2)
    mine = _waiting(owner, "mine", minutes_ago=1)

    with translation.override("pt-br"):
        assert admission_message(book_admission(mine)).startswith("2 livros na sua frente — começa em ~")
    with translation.override("es"):
        assert admission_message(book_admission(mine)).startswith("2 libros delante del tuyo — empieza en ~")


def test_the_resume_leaves_waiting_books_alone(owner, provider):
    from books.generation.recovery import books_stuck

    _waiting(owner, "waiting", minutes_ago=30)
    stuck = book_factory(
        owner=owner,
        title="lost",
        status=Book.Status.QUEUED,
        created_at=timezone.now() - timedelta(minutes=30),
    )

    assert [item.book.id for item in books_stuck(stale_after=timedelta(minutes=2))] == [stuck.id]


def test_each_books_first_picture_jumps_the_line_until_the_book_has_one(owner):
    new = book_factory(owner=owner, num_pages=5)
    under_way = book_factory(owner=owner, num_pages=5)
    Page.objects.filter(book=under_way, number=1).update(status=Page.Status.DONE)
    pages = {(page.book_id, page.number): page.id for page in Page.objects.all()}

    first = first_pictures(
        [pages[new.id, 3], pages[new.id, 2], pages[under_way.id, 2], pages[under_way.id, 3]]
    )

    assert first == {pages[new.id, 2]}  # the lowest page still to draw of the book with none drawn


def test_a_books_further_pictures_step_aside_while_another_book_has_none_yet(owner):
    under_way = book_factory(owner=owner)
    Page.objects.filter(book=under_way, number=1).update(status=Page.Status.RUNNING)
    newcomer = book_factory(owner=owner)  # admitted just now, nothing drawn yet

    assert picture_may_start(book_id=newcomer.id)  # its first picture goes first
    assert not picture_may_start(book_id=under_way.id)

    Page.objects.filter(book=newcomer, number=1).update(status=Page.Status.RUNNING)
    assert picture_may_start(book_id=under_way.id)


def test_a_book_whose_first_picture_never_comes_holds_the_others_back_only_a_minute(owner):
    under_way = book_factory(owner=owner)
    Page.objects.filter(book=under_way, number=1).update(status=Page.Status.DONE)
    book_factory(owner=owner, admitted_at=timezone.now() - timedelta(minutes=2))

    assert picture_may_start(book_id=under_way.id)
