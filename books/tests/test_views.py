import pytest
from django.urls import reverse

from books.models import Book
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db

VALID = {
    "style": "cartoon",
    "num_pages": "8",
    "language": "pt-BR",
    "age_range": "4-6",
    "narrative_source": "generated",
    "theme": "dinossauros e amizade",
    "educational_goal": "amizade",
    "title": "",
    "story": "",
}


def test_a_visitor_is_sent_to_login(client, catalog):
    for url in (reverse("books:list"), reverse("books:new")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_a_visitor_cannot_create_a_book(client, catalog):
    response = client.post(reverse("books:new"), VALID)
    assert response.status_code == 302
    assert not Book.objects.exists()


def test_creating_a_book_queues_it_and_shows_its_page(owner_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        response = owner_client.post(reverse("books:new"), VALID)
    book = Book.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("books:detail", args=[book.id])
    assert (book.num_pages, book.language, book.status) == (8, "pt-BR", Book.Status.QUEUED)
    page = owner_client.get(response["Location"])
    assert f"/ws/books/{book.id}/progress/" in page.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("num_pages", "4", "between 5 and 20 pages"),
        ("num_pages", "21", "between 5 and 20 pages"),
        ("num_pages", "abc", "Enter the number of pages"),
        ("style", "cubism", "Choose one of the available styles"),
        ("theme", "", "Tell us what the story is about"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_creates_nothing(owner_client, field, value, message):
    response = owner_client.post(reverse("books:new"), {**VALID, field: value})
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()
    assert not Book.objects.exists()


def test_a_too_long_story_is_refused_next_to_the_story_field(owner_client):
    data = {**VALID, "narrative_source": "uploaded", "story": "x" * 10_001}
    response = owner_client.post(reverse("books:new"), data)
    assert response.status_code == 400
    assert "10,001" in response.context["form"].errors["story"][0]
    assert not Book.objects.exists()


def test_the_quota_message_is_shown_on_the_form(owner_client, owner):
    for _ in range(3):
        book_factory(owner=owner)
    response = owner_client.post(reverse("books:new"), VALID)
    assert response.status_code == 400
    assert "3 books being drawn at once" in response.content.decode()
    assert Book.objects.count() == 3


def test_the_library_lists_only_my_books(owner_client, owner, other_user):
    mine = book_factory(owner=owner, title="Meu livro")
    book_factory(owner=other_user, title="Livro de outra pessoa")
    response = owner_client.get(reverse("books:list"))
    assert "Meu livro" in response.content.decode()
    assert "Livro de outra pessoa" not in response.content.decode()
    assert mine in response.context["page_obj"].object_list


@pytest.mark.parametrize("name", ["detail", "cover", "download"])
def test_another_users_book_answers_404(owner_client, other_user, name):
    book = book_factory(owner=other_user, status=Book.Status.GENERATED)
    assert owner_client.get(reverse(f"books:{name}", args=[book.id])).status_code == 404


@pytest.mark.parametrize("name", ["page_image", "page_thumbnail"])
def test_another_users_pages_answer_404(owner_client, other_user, name):
    book = book_factory(owner=other_user, status=Book.Status.GENERATED)
    assert owner_client.get(reverse(f"books:{name}", args=[book.id, 1])).status_code == 404


def test_a_deleted_book_answers_404(owner_client, owner):
    from django.utils import timezone

    book = book_factory(owner=owner, deleted_at=timezone.now())
    assert owner_client.get(reverse("books:detail", args=[book.id])).status_code == 404


def test_htmx_polling_gets_only_the_progress_fragment(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING, progress=42)
    response = owner_client.get(reverse("books:detail", args=[book.id]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="progress"' in body
    assert "<html" not in body
    assert 'aria-valuenow="42"' in body


def test_htmx_polling_that_sees_the_book_finished_gets_the_whole_page_body(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATED, progress=100)
    response = owner_client.get(reverse("books:detail", args=[book.id]), HTTP_HX_REQUEST="true")
    assert (response["HX-Retarget"], response["HX-Reselect"], response["HX-Reswap"]) == (
        "#main",
        "#main",
        "outerHTML",
    )
    assert 'id="main"' in response.content.decode()


def test_the_full_page_includes_the_progress_fragment(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING, progress=42)
    body = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert "<html" in body and 'id="progress"' in body


def test_download_before_the_book_is_ready_explains_and_redirects(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    response = owner_client.get(reverse("books:download", args=[book.id]))
    assert response.status_code == 302
