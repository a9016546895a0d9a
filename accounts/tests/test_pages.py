"""The landing page, the home page, the friendly error pages and the stylesheet's colours."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from PIL import Image

from books.catalog import catalog_seed
from books.models import Book, Style
from books.quotas import quota_usage
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "static/css/site.css"

# CONTRAST PAIRS: every text colour / background pair the stylesheet uses, by custom property.
# WCAG AA: 4.5:1 for text, 3:1 for the borders of form controls and for focus rings.
TEXT_PAIRS = [
    ("ink", "paper"),
    ("ink", "card"),
    ("ink", "sky"),
    ("ink", "sun-soft"),
    ("ink", "leaf-soft"),
    ("ink", "rose-soft"),
    ("ink", "grape-soft"),
    ("muted", "paper"),
    ("muted", "card"),
    ("muted", "sky"),
    ("muted", "sun-soft"),
    ("accent-dark", "card"),
    ("accent-dark", "paper"),
    ("accent-dark", "accent-soft"),
    ("grape", "card"),
    ("grape", "grape-soft"),
    ("leaf", "card"),
    ("error", "card"),
    ("error", "error-soft"),
    ("#ffffff", "accent"),
    ("#ffffff", "accent-dark"),
    ("#ffffff", "grape"),
    ("#ffffff", "ink"),
    ("#ffffff", "error"),
]
UI_PAIRS = [("field-border", "card"), ("field-border", "paper"), ("grape", "paper"), ("grape", "card")]


def _colours() -> dict[str, str]:
    root = re.search(r":root\s*{(.*?)}", CSS.read_text(), re.S).group(1)
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    colours = _colours()
    lighter, darker = sorted((_luminance(colours.get(name, name)) for name in (first, second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS)
def test_text_colours_meet_wcag_aa(text, background):
    assert _contrast(text, background) >= 4.5


@pytest.mark.parametrize(("part", "background"), UI_PAIRS)
def test_form_borders_and_focus_rings_stand_out(part, background):
    assert _contrast(part, background) >= 3


# --- the landing page ----------------------------------------------------------------------------


def test_seeding_draws_a_small_sample_picture_per_style_once(catalog):
    styles = list(Style.objects.all())
    assert len(styles) == 4
    names = {style.slug: style.sample_image.name for style in styles}
    for style in styles:
        with style.sample_image.open("rb") as png:
            data = png.read()
        assert Image.open(io.BytesIO(data)).size == (480, 600)
        assert len(data) < 60_000
    report = catalog_seed()
    assert not [line for line in report if "sample" in line]
    assert {style.slug: style.sample_image.name for style in Style.objects.all()} == names


def test_seeding_keeps_a_sample_picture_staff_uploaded(catalog):
    manga = Style.objects.get(slug="manga")
    manga.sample_image.save("staff-choice.png", ContentFile(b"\x89PNG staff"), save=True)
    catalog_seed()
    manga.refresh_from_db()
    assert manga.sample_image.name.endswith("staff-choice.png")


def test_a_lost_sample_file_is_drawn_again(catalog):
    cartoon = Style.objects.get(slug="cartoon")
    cartoon.sample_image.storage.delete(cartoon.sample_image.name)
    assert any("Cartoon" in line for line in catalog_seed())
    cartoon.refresh_from_db()
    assert cartoon.sample_image.storage.exists(cartoon.sample_image.name)


def test_the_landing_page_shows_a_sample_page_for_every_style(client, catalog):
    page = client.get("/").content.decode()
    for slug in ("cartoon", "manga", "realistic", "classic"):
        assert reverse("style_sample", args=[slug]) in page
    assert "A sample coloring page in the Mangá style" in page
    assert "Big expressive eyes and dynamic lines." in page
    assert reverse("account_signup") in page


def test_a_sample_picture_is_public_for_active_styles_only(client, catalog):
    response = client.get(reverse("style_sample", args=["cartoon"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=3600" in response["Cache-Control"]
    Style.objects.filter(slug="cartoon").update(is_active=False)
    assert client.get(reverse("style_sample", args=["cartoon"])).status_code == 404
    assert client.get(reverse("style_sample", args=["watercolour"])).status_code == 404


def test_the_google_button_on_the_landing_page_only_when_configured(client, catalog, settings):
    assert "Continue with Google" not in client.get("/").content.decode()
    settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET = "id.apps.googleusercontent.com", "secret"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APPS": [{"client_id": "id.apps.googleusercontent.com", "secret": "secret", "key": ""}]}
    }
    page = client.get("/").content.decode()
    assert "Continue with Google" in page
    assert re.search(r'<form method="post" action="/accounts/google/login/\?process=login"', page)


# --- home ------------------------------------------------------------------------------------------


def test_home_shows_books_being_drawn_with_their_progress(owner_client, owner):
    book_factory(owner=owner, status=Book.Status.GENERATING, title="O leão que conta", progress=40)
    page = owner_client.get("/").content.decode()
    assert "Being drawn now" in page
    assert "O leão que conta" in page
    assert re.search(
        r'role="progressbar" aria-label="Progress of O leão que conta"[^>]*aria-valuenow="40"', page
    )
    # It refreshes itself while something is being drawn.
    assert 'hx-select="#home-books"' in page


def test_home_continues_with_the_latest_book_and_lists_the_others(owner_client, owner):
    book_factory(owner=owner, status=Book.Status.GENERATED, title="Primeiro livro")
    latest = book_factory(owner=owner, status=Book.Status.GENERATED, title="Segundo livro")
    page = owner_client.get("/").content.decode()
    continue_section = page[page.index("Continue where you left off") : page.index("Recent books")]
    assert "Segundo livro" in continue_section
    assert reverse("books:detail", args=[latest.id]) in continue_section
    assert "Primeiro livro" in page[page.index("Recent books") :]
    assert "Being drawn now" not in page
    assert "hx-trigger" not in page[page.index('id="home-books"') : page.index('id="home-books"') + 200]


def test_home_says_how_many_generations_are_left_today(owner_client, owner):
    owner.daily_requests_override = 7
    owner.save()
    page = owner_client.get("/").content.decode()
    assert re.search(r"<strong>7</strong> <span>of 7 generations</span>", page)
    assert "0 of 3 books drawing at once" in page


def test_a_new_user_is_invited_to_make_the_first_book(owner_client):
    page = owner_client.get("/").content.decode()
    assert "Your books will live here." in page
    assert reverse("books:new") in page


def _home(owner, **extra) -> str:
    request = RequestFactory().get("/")
    request.user = owner
    context = {"in_progress": [], "recent": [], "usage": quota_usage(user=owner), **extra}
    return render_to_string("home.html", context, request=request)


def test_home_shows_the_players_level(owner_client):
    page = owner_client.get("/").content.decode()
    assert "data-gamification" in page
    assert "Level 1" in page


def test_the_level_slot_appears_only_with_gamification_data(owner):
    assert "data-gamification" not in _home(owner)
    page = _home(owner, gamification={"level": 3, "level_name": "Sketcher", "xp": 320, "next_level_xp": 600})
    assert "data-gamification" in page
    assert "Level 3" in page
    assert "320 XP" in page
    assert "next level at 600 XP" in page


# --- forms -------------------------------------------------------------------------------------------


def test_a_field_error_is_announced_and_linked_to_its_input(client, catalog):
    page = client.post(
        reverse("account_signup"),
        {"email": "p@example.com", "password1": "lapis-de-cor-42", "password2": "lapis-de-cor-43"},
    ).content.decode()
    field = re.search(r'<input type="password" name="password2"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    assert "id_password2_error" in described_by
    assert re.search(r'<p class="error" id="id_password2_error" role="alert">[^<]+</p>', page)
    assert '<label for="id_password2">' in page


# --- error pages ---------------------------------------------------------------------------------------


@pytest.fixture
def error_urls(settings):
    settings.ROOT_URLCONF = "accounts.tests.error_urls"
    settings.DEBUG = False


def test_another_users_book_gets_the_friendly_404_page(owner_client, other_user):
    book = book_factory(owner=other_user, status=Book.Status.GENERATED)
    response = owner_client.get(reverse("books:detail", args=[book.id]))
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    page = response.content.decode()
    assert "We could not find this page" in page
    assert 'class="site-header"' in page
    assert reverse("books:list") in page


def test_an_unknown_address_gets_the_friendly_404_page_in_portuguese(catalog, settings):
    settings.LANGUAGE_CODE = "pt-br"
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "Não encontramos esta página" in response.content.decode()


def test_a_forbidden_page_offers_to_sign_in(client, error_urls):
    response = client.get("/boom/403/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page is not yours to open" in page
    assert f"{reverse('account_login')}?next=/boom/403/" in page


def test_an_expired_link_gets_the_410_page(client, error_urls):
    response = client.get("/boom/410/")
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_too_many_requests_gets_429_with_retry_after(client, error_urls):
    response = client.get("/boom/429/")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Slow down a little" in response.content.decode()


def test_a_server_error_renders_the_500_page_without_context_processors(error_urls, settings, catalog):
    # Whatever broke the view (the database, the cache) may break the context processors too.
    engine = settings.TEMPLATES[0]
    processors = [
        *engine["OPTIONS"]["context_processors"],
        "accounts.tests.error_urls.broken_context_processor",
    ]
    settings.TEMPLATES = [{**engine, "OPTIONS": {**engine["OPTIONS"], "context_processors": processors}}]
    response = Client(raise_request_exception=False).get("/boom/500/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "your books are safe" in page
    assert 'class="lang-switch"' not in page  # no CSRF token without a request context: no forms


def test_the_500_page_renders_even_for_a_bare_request():
    from fabrica.views import server_error

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = server_error(request)
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
