"""The create form: what a parent may type, how closely their own story is kept, and what a book costs."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ai.models import ProviderSetting
from ai.safety import text_blocked_word
from ai.services import faithful_missing_sentences
from books.models import Book, Page
from books.services import book_create

NEW = reverse("books:new")


def _form(**changes) -> dict:
    data = {
        "style": "cartoon",
        "num_pages": "6",
        "language": "pt-BR",
        "age_range": "4-6",
        "narrative_source": "generated",
        "theme": "dinossauros e amizade",
        "educational_goal": "",
        "title": "",
        "story": "",
        "liberty": "faithful",
    }
    return {**data, **changes}


def _field_error(page: str, field: str) -> str:
    """The error shown right under ``field`` (the shared field template gives it an id)."""
    match = re.search(rf'<p class="error" id="id_{field}_error" role="alert">(.*?)</p>', page)
    return match.group(1) if match else ""


# --- the blocklist ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text", "word"),
    [
        ("theme", "a story about a gun", "gun"),
        ("theme", "Um dinossauro com ARMAS", "ARMAS"),
        ("educational_goal", "não usar drogas", "drogas"),
        ("title", "El cazador asesino", "asesino"),
    ],
)
def test_a_blocked_word_is_refused_next_to_its_field_and_no_book_is_made(owner_client, field, text, word):
    response = owner_client.post(NEW, _form(**{field: text}))

    assert response.status_code == 400
    error = _field_error(response.content.decode(), field)
    assert error == f"Let&#x27;s keep the book child-friendly: please remove “{word}”."
    assert not Book.objects.exists()


def test_a_blocked_word_in_the_parents_own_story_is_refused_next_to_the_story(owner_client):
    story = "O Leo era um menino feliz.\n\nUm dia ele encontrou um revólver no parque."
    response = owner_client.post(NEW, _form(narrative_source="uploaded", theme="", story=story))
    assert response.status_code == 400
    assert "revólver" in _field_error(response.content.decode(), "story")
    assert not Book.objects.exists()


@pytest.mark.parametrize(
    ("theme", "goal"),
    [
        ("uma aventura na mata atlântica", "natureza"),
        ("como o sangue circula no corpo", "o corpo humano"),
        ("matemática com frutas", "números"),
        ("Skillful kittens", ""),
    ],
)
def test_words_that_only_look_risky_are_accepted(owner_client, theme, goal):
    response = owner_client.post(NEW, _form(theme=theme, educational_goal=goal))
    book = Book.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("books:detail", args=[book.id])
    assert book.theme == theme


def test_the_blocklist_matches_whole_words_ignoring_accents_and_case():
    assert text_blocked_word("Uma COCAÍNA escondida") == "COCAÍNA"
    assert text_blocked_word("Um assassinato na floresta") == "assassinato"
    assert text_blocked_word("the skill of sharing") is None
    assert text_blocked_word("a mata e o rio") is None
    assert text_blocked_word("") is None


# --- how closely a parent's story is followed ----------------------------------------------


def _own_story_book(client, **fields):
    """“Use my story” takes two steps: the story cut into pages, then the pages as the parent left them."""
    data = _form(narrative_source="uploaded", theme="", **fields)
    preview = client.post(NEW, data)
    assert preview.status_code == 200
    pages = [box["text"] for box in preview.context["pages"]]
    return client.post(NEW, {**data, "step": "pages", "page": pages})


@pytest.mark.parametrize("liberty", ["faithful", "light", "free"])
def test_the_chosen_liberty_is_saved_on_the_book(owner_client, liberty):
    story = "A Bia plantou uma semente. Todo dia ela regava. Um dia nasceu uma flor."
    response = _own_story_book(owner_client, story=story, liberty=liberty)
    assert response.status_code == 302
    assert Book.objects.get().liberty == liberty


def test_without_a_liberty_choice_the_parents_words_are_kept(owner_client):
    story = "A Bia plantou uma semente. Todo dia ela regava a semente. Um dia nasceu uma flor."
    _own_story_book(owner_client, story=story, liberty="")
    assert Book.objects.get().liberty == Book.Liberty.FAITHFUL


def test_an_unknown_liberty_is_refused_next_to_its_choices(owner_client):
    response = owner_client.post(NEW, _form(liberty="anything-goes"))
    assert response.status_code == 400
    page = response.content.decode()
    fieldset = re.search(
        r'<fieldset class="field field-error">\s*<legend>How closely.*?</fieldset>', page, re.S
    )
    assert fieldset
    assert '<p class="error" role="alert">Choose how closely we should follow your story.</p>' in fieldset[0]
    assert not Book.objects.exists()


def test_the_service_refuses_an_unknown_liberty_too(owner):
    from books.errors import BookInvalid

    with pytest.raises(BookInvalid) as error:
        book_create(owner=owner, style="cartoon", num_pages=5, theme="owls", liberty="wild")
    assert set(error.value.details) == {"liberty"}


USER_STORY = (
    "A Lua era uma gatinha curiosa que morava numa casa azul. Todas as noites ela olhava as estrelas "
    "pela janela. Ela queria saber se as estrelas eram feitas de leite.\n\n"
    "Um dia a Lua conheceu o Tico, um passarinho muito falante. O Tico contou que já tinha voado "
    "bem alto! Mas nem ele tinha chegado até as estrelas.\n\n"
    "Então os dois amigos subiram no telhado. Ficaram ali juntos até o sol nascer. A Lua descobriu "
    "que o melhor de olhar o céu era ter um amigo do lado.\n\n"
    "Fim."
)


@pytest.mark.django_db(transaction=True)
def test_a_faithful_book_keeps_every_sentence_of_the_parents_story(owner, celery_eager, settings):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    settings.AI_TEXT_PROVIDERS = settings.AI_IMAGE_PROVIDERS = ["offline"]
    settings.AI_OFFLINE_FAILURE_RATE = 0

    book = book_create(
        owner=owner,
        style="cartoon",
        num_pages=5,
        narrative_source="uploaded",
        story=USER_STORY,
        liberty="faithful",
    )

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    texts = list(book.pages.order_by("number").values_list("text", flat=True))
    assert len(texts) == 5 and all(texts)
    written = " ".join(texts)
    assert faithful_missing_sentences(USER_STORY, written) == []
    for sentence in re.split(r"(?<=[.!?])\s+", USER_STORY.replace("\n\n", " ")):
        assert sentence in written
    assert written.index("A Lua era uma gatinha") < written.index("Um dia a Lua") < written.index("Fim.")
    assert all(page.status == Page.Status.DONE for page in book.pages.all())


# --- what the book will cost --------------------------------------------------------------


def test_with_the_offline_providers_the_form_shows_the_quota_and_no_cost(owner_client, settings):
    settings.AI_TEXT_PROVIDERS = settings.AI_IMAGE_PROVIDERS = ["offline"]
    page = owner_client.get(NEW).content.decode()
    assert "This book uses 1 of your 50 generation requests left today." in page
    assert "US$" not in page
    assert "Estimated AI cost" not in page


def test_with_a_paid_illustrator_the_form_shows_an_estimated_cost_in_dollars(owner_client, settings):
    settings.AI_TEXT_PROVIDERS = ["offline"]
    ProviderSetting.objects.create(provider="gemini", capability="image", model="gemini-2.5-flash-image")

    page = owner_client.get(NEW).content.decode()

    assert "Estimated AI cost" in page
    assert "US$" in page
    assert 'data-picture="0.039120"' in page
    assert 'data-story="0.000000"' in page


def test_after_a_refused_form_the_cost_and_quota_are_still_shown(owner_client, settings):
    ProviderSetting.objects.create(provider="gemini", capability="image", model="gemini-2.5-flash-image")
    response = owner_client.post(NEW, _form(theme="a gun"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "US$" in page
    assert "generation requests left today" in page


def test_the_estimated_cost_shown_before_any_script_runs_is_for_the_whole_book(owner_client, settings):
    settings.AI_TEXT_PROVIDERS = ["offline"]
    ProviderSetting.objects.create(provider="gemini", capability="image", model="gemini-2.5-flash-image")
    page = owner_client.get(NEW).content.decode()
    assert "US$ <span data-cost>0.35</span>" in page  # 8 pages and the cover at 0.03912 each
