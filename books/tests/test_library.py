from datetime import datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from books.models import Book, Style
from books.selectors import book_list_for, library_query
from books.tests.factories import book_factory
from exports.tests.helpers import line_art_png

pytestmark = pytest.mark.django_db

LIST = reverse("books:list")
HTMX = {"HTTP_HX_REQUEST": "true"}


def _local(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day).replace(hour=12))


def _book(owner, title: str, *, status=Book.Status.GENERATED, created: str = "2026-03-10", **fields) -> Book:
    return book_factory(owner=owner, status=status, title=title, created_at=_local(created), **fields)


def _titles(response) -> list[str]:
    return [book.display_title for book in response.context["page_obj"].object_list]


def test_the_grid_shows_cover_title_style_status_and_date(owner_client, owner):
    book = _book(owner, "Dino and the Moon", style="manga", created="2026-03-10")
    book.cover_image.save(f"books/{book.id}/cover-abc.png", ContentFile(line_art_png(seed=1)))
    html = owner_client.get(LIST).content.decode()
    assert "Dino and the Moon" in html
    assert "Mangá" in html
    assert 'class="badge badge-generated">Ready<' in html
    assert 'datetime="2026-03-10T12:00:00' in html
    assert reverse("books:cover_thumbnail", args=[book.id]) in html


def test_the_cover_thumbnail_is_small_and_only_for_the_owner(owner_client, owner, other_user, client):
    book = _book(owner, "Dino")
    book.cover_image.save(f"books/{book.id}/cover-abc.png", ContentFile(line_art_png(seed=1)))
    url = reverse("books:cover_thumbnail", args=[book.id])
    response = owner_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert len(b"".join(response.streaming_content)) < len(line_art_png(seed=1))
    client.force_login(other_user)
    assert client.get(url).status_code == 404


def test_a_book_without_a_cover_has_no_thumbnail(owner_client, owner):
    book = _book(owner, "Dino", status=Book.Status.GENERATING)
    assert owner_client.get(reverse("books:cover_thumbnail", args=[book.id])).status_code == 404


def test_only_my_books_outside_the_trash_are_listed(owner_client, owner, other_user):
    _book(owner, "Mine")
    _book(owner, "Deleted", deleted_at=timezone.now())
    _book(other_user, "Theirs")
    assert _titles(owner_client.get(LIST)) == ["Mine"]


def test_search_matches_title_or_theme_in_any_case_and_every_word(owner_client, owner):
    _book(owner, "Dino Day", theme="friendship")
    _book(owner, "Sea Songs", theme="a DINOSAUR at the beach")
    _book(owner, "Moon", theme="space")
    assert sorted(_titles(owner_client.get(LIST, {"q": "dino"}))) == ["Dino Day", "Sea Songs"]
    assert _titles(owner_client.get(LIST, {"q": "dino  beach"})) == ["Sea Songs"]
    assert _titles(owner_client.get(LIST, {"q": "100%_"})) == []


def test_filters_by_style_status_and_dates(owner_client, owner):
    _book(owner, "Cartoon March", created="2026-03-05")
    _book(owner, "Manga March", style="manga", created="2026-03-20")
    _book(owner, "Failed April", status=Book.Status.FAILED, created="2026-04-02")
    assert _titles(owner_client.get(LIST, {"style": "manga"})) == ["Manga March"]
    assert _titles(owner_client.get(LIST, {"status": "failed"})) == ["Failed April"]
    march = {"date_from": "2026-03-05", "date_to": "2026-03-20"}
    assert _titles(owner_client.get(LIST, march)) == ["Manga March", "Cartoon March"]
    assert _titles(owner_client.get(LIST, {"date_from": "2026-03-21"})) == ["Failed April"]


def test_sorting_newest_oldest_and_by_title(owner_client, owner):
    _book(owner, "banana", created="2026-01-02")
    _book(owner, "", theme="apple", created="2026-01-03")
    _book(owner, "Cherry", created="2026-01-01")
    assert _titles(owner_client.get(LIST)) == ["apple", "banana", "Cherry"]
    assert _titles(owner_client.get(LIST, {"sort": "oldest"})) == ["Cherry", "banana", "apple"]
    assert _titles(owner_client.get(LIST, {"sort": "title"})) == ["apple", "banana", "Cherry"]


def test_pagination_keeps_the_filters_in_the_links(owner_client, owner):
    for n in range(30):
        _book(owner, f"Dino {n:02d}", style="manga")
    _book(owner, "Dino cartoon")
    response = owner_client.get(LIST, {"q": "dino", "style": "manga", "sort": "title"})
    assert len(_titles(response)) == 24
    html = response.content.decode()
    assert 'href="?q=dino&amp;style=manga&amp;sort=title&amp;page=2"' in html
    page_two = owner_client.get(LIST, {"q": "dino", "style": "manga", "sort": "title", "page": "2"})
    assert _titles(page_two) == [f"Dino {n:02d}" for n in range(24, 30)]


def test_htmx_gets_only_the_results_partial(owner_client, owner):
    _book(owner, "Dino Day")
    response = owner_client.get(LIST, {"q": "dino", "style": "", "sort": "newest", "date_to": "x"}, **HTMX)
    html = response.content.decode()
    assert response["HX-Push-Url"] == "/books/?q=dino"
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html and "library-filters" not in html
    assert "Dino Day" in html
    assert "HX-Request" in response["Vary"]


def test_without_htmx_and_on_history_restore_the_whole_page_comes_back(owner_client, owner):
    _book(owner, "Dino Day")
    for headers in ({}, {**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}):
        html = owner_client.get(LIST, {"q": "dino"}, **headers).content.decode()
        assert "<html" in html and 'id="results"' in html
        assert 'value="dino"' in html


def test_the_search_form_works_with_and_without_javascript(owner_client, owner):
    _book(owner, "Dino Day")
    html = owner_client.get(LIST).content.decode()
    assert 'method="get" action="/books/"' in html
    assert 'hx-get="/books/"' in html
    assert "keyup changed delay:300ms" in html
    assert 'type="submit"' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "yesterday"}, "“yesterday” is not a date we can read"),
        ({"date_to": "2026-02-31"}, "“2026-02-31” is not a date we can read"),
        ({"sort": "price"}, "We can&#x27;t sort by “price”"),
        ({"status": "lost"}, "We don&#x27;t know the status “lost”"),
        ({"style": "cubism"}, "We don&#x27;t know the style “cubism”"),
    ],
)
def test_bad_filters_are_ignored_with_a_message(owner_client, owner, params, message):
    _book(owner, "Dino Day")
    for headers in ({}, HTMX):
        response = owner_client.get(LIST, params, **headers)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert _titles(response) == ["Dino Day"]


def test_dates_the_wrong_way_round_are_swapped(owner_client, owner):
    _book(owner, "March", created="2026-03-10")
    response = owner_client.get(LIST, {"date_from": "2026-03-31", "date_to": "2026-03-01"})
    assert _titles(response) == ["March"]
    assert "we swapped them" in response.content.decode()


def test_a_new_parent_is_invited_to_make_the_first_book(owner_client):
    html = owner_client.get(LIST).content.decode()
    assert "Make your first book" in html
    assert reverse("books:new") in html
    assert "library-filters" not in html


def test_no_results_explains_how_to_clear_the_filters(owner_client, owner):
    _book(owner, "Dino Day")
    for headers in ({}, HTMX):
        html = owner_client.get(LIST, {"q": "unicorn"}, **headers).content.decode()
        assert "No books match" in html
        assert "Clear filters and show every book" in html
        assert "Make your first book" not in html


def test_titles_are_escaped_in_the_library(owner_client, owner):
    _book(owner, "<script>alert(1)</script>")
    for headers in ({}, HTMX):
        html = owner_client.get(LIST, {"q": "<script>"}, **headers).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("count", [10, 200])
def test_the_number_of_queries_does_not_grow_with_the_books(
    owner_client, owner, count, django_assert_max_num_queries
):
    style = Style.objects.get(slug="cartoon")
    Book.objects.bulk_create(
        Book(owner=owner, style=style, num_pages=5, title=f"Dino {n}", status=Book.Status.GENERATED,
             cover_image=f"books/{n}/cover.png")
        for n in range(count)
    )  # fmt: skip
    with django_assert_max_num_queries(10):  # session, user, styles, count, page, trash, quota (4)
        response = owner_client.get(LIST, {"q": "dino", "sort": "title", "page": "1"})
    assert len(_titles(response)) == min(count, 24)
    with django_assert_max_num_queries(6):
        owner_client.get(LIST, {"q": "dino", "status": "generated"}, **HTMX)


def test_the_selector_ignores_what_it_cannot_use(owner, catalog):
    _book(owner, "Dino", created="2026-03-10")
    books = book_list_for(owner, q="", status="lost", sort="price", date_from=None, date_to=None)
    assert [book.title for book in books] == ["Dino"]
    query = library_query({"date_from": "2026-03-01", "sort": "oldest", "q": "  big   dino "})
    assert (query.q, query.sort, query.problems) == ("big dino", "oldest", [])
    assert query.as_query_dict().urlencode() == "q=big+dino&date_from=2026-03-01&sort=oldest"


def test_the_date_filter_uses_the_parents_local_days(owner, catalog, settings):
    settings.TIME_ZONE = "America/Sao_Paulo"
    late_evening = timezone.make_aware(datetime(2026, 3, 10, 23, 30))  # 02:30 UTC on the 11th
    book_factory(owner=owner, status=Book.Status.GENERATED, title="Late", created_at=late_evening)
    day = late_evening.date()
    assert [b.title for b in book_list_for(owner, date_from=day, date_to=day)] == ["Late"]
    assert not book_list_for(owner, date_from=day + timedelta(days=1))
