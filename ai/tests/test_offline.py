"""The offline provider: real stories and recognizable coloring pages, deterministic per seed."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from PIL import Image

from ai.errors import ProviderError
from ai.lineart import ink_share, is_line_art, normalize_line_art
from ai.providers import get_image_provider, get_text_provider
from ai.providers.offline.drawables import KEYWORDS, find_drawables
from ai.providers.offline.splitting import split_story
from ai.qc import page_qc
from ai.schemas import ImageRequest, StoryRequest

LANGUAGES = ("pt-BR", "en", "es")


def _story(**overrides):
    fields = {
        "theme": "dinossauros e amizade",
        "num_pages": 8,
        "language": "pt-BR",
        "style": "cartoon",
        "seed": "b1",
    }
    return get_text_provider("offline").generate_story(StoryRequest(**{**fields, **overrides}))


def _image(prompt="a dinosaur next to a tree and a house, the sun in the sky", **overrides) -> bytes:
    fields = {"prompt": prompt, "style": "cartoon", "seed": "b1:1", "width": 512, "height": 640}
    return get_image_provider("offline").generate_image(ImageRequest(**{**fields, **overrides}))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_writes_exactly_the_requested_number_of_pages_in_every_language(language):
    for num_pages in range(5, 21):
        story = _story(language=language, num_pages=num_pages, seed=f"n{num_pages}")
        assert [page.number for page in story.pages] == list(range(1, num_pages + 1))
        assert all(page.text.strip() and page.illustration_prompt.strip() for page in story.pages)
        assert story.title.strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_twenty_page_story_never_repeats_a_sentence(language):
    story = _story(language=language, num_pages=20, age_range="10-12")
    sentences = [s for page in story.pages for s in re.split(r"(?<=[.!?])\s+", page.text)]
    assert len(sentences) == len(set(sentences))


@pytest.mark.parametrize(
    ("language", "theme"),
    [
        ("pt-BR", "dinossauros e amizade"),
        ("en", "space rockets"),
        ("es", "el fondo del mar"),
        ("en", "pirates"),
    ],
)
def test_the_parents_theme_words_appear_in_the_story(language, theme):
    story = _story(language=language, theme=theme)
    text = " ".join(page.text for page in story.pages).lower()
    assert all(word in _words(text) for word in _words(theme))


def test_the_theme_animal_becomes_the_main_character_drawn_on_every_page():
    story = _story(theme="dinossauros e amizade")
    hero = story.character_sheet.split("Main character: ")[1].split(",")[0]
    assert "dinosaur" in story.character_sheet.split("Friend:")[0]
    assert all(hero in page.illustration_prompt for page in story.pages)
    assert hero in story.pages[0].text


def test_portuguese_and_spanish_stories_keep_their_accents():
    pt = " ".join(p.text for p in _story(language="pt-BR", num_pages=12, age_range="7-9").pages)
    es = " ".join(p.text for p in _story(language="es", num_pages=12, age_range="7-9").pages)
    assert re.search(r"[ãçéáõê]", pt)
    assert re.search(r"[ñáéíóú¡¿]", es)


def test_the_last_page_carries_the_lesson_of_the_educational_goal():
    story = _story(language="en", theme="the farm", educational_goal="hygiene", num_pages=6)
    assert "healthy" in story.pages[-1].text
    story = _story(language="pt-BR", theme="o mar", educational_goal="amizade", num_pages=6)
    assert "amigos de verdade" in story.pages[-1].text


def test_older_children_get_longer_pages():
    short = _story(age_range="2-3", num_pages=10)
    long = _story(age_range="10-12", num_pages=10)
    assert sum(len(p.text) for p in long.pages) > 2 * sum(len(p.text) for p in short.pages)


def test_the_same_seed_gives_the_same_story_and_another_seed_a_different_one():
    assert _story(seed="book-1") == _story(seed="book-1")
    others = {_story(seed=f"book-{i}").character_sheet for i in range(2, 6)}
    assert len(others | {_story(seed="book-1").character_sheet}) > 1


def test_a_given_title_is_kept_and_an_empty_one_is_proposed():
    assert _story(title="O Dino Feliz").title == "O Dino Feliz"
    assert _story(title="").title


@pytest.mark.parametrize("num_pages", [5, 9, 20])
def test_a_parents_story_is_split_into_exactly_n_pages_keeping_every_word_in_order(num_pages):
    text = (
        "Era uma vez uma tartaruga chamada Lili. Lili morava perto do mar, numa casinha de conchas.\n\n"
        "Um dia, Lili encontrou uma estrela-do-mar presa na areia. "
        "Ela ajudou a estrela a voltar para a água!\n\n"
        "As duas ficaram amigas. No fim, Lili aprendeu que ajudar é muito bom."
    )
    story = _story(user_story=text, num_pages=num_pages, title="")
    assert len(story.pages) == num_pages
    assert " ".join(p.text for p in story.pages).split() == text.split()
    assert all(p.text.strip() for p in story.pages)
    assert story.title.startswith("Era uma vez uma tartaruga")
    assert all("Lili" in p.illustration_prompt for p in story.pages)


def test_a_story_with_fewer_sentences_than_pages_is_split_at_commas():
    text = "Tom had a red kite, a blue ball, a yellow boat and a green frog, and they all went to the park."
    pages = split_story(text, 5)
    assert len(pages) == 5
    assert " ".join(pages).split() == text.split()
    assert pages[0].endswith(",")


def test_a_long_story_breaks_pages_at_paragraph_ends():
    paragraphs = [f"Paragraph {i} starts here. It has a second sentence." for i in range(10)]
    pages = split_story("\n\n".join(paragraphs), 5)
    assert pages == ["\n\n".join(paragraphs[i : i + 2]) for i in range(0, 10, 2)]


def test_a_picture_is_clean_black_and_white_line_art_of_the_page_shape():
    png = _image(width=1024, height=1280)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1024, 1280)
    assert is_line_art(png)
    assert 0.03 < ink_share(png) < 0.35


def test_a_picture_has_no_frame_the_pdf_draws_its_own():
    image = Image.open(io.BytesIO(_image(width=1024, height=1280))).convert("L")
    top, left = image.crop((0, 0, 1024, 40)), image.crop((0, 0, 40, 700))
    assert top.getextrema() == (255, 255)  # nothing drawn along the top edge
    assert left.getextrema() == (255, 255)  # nor down the side, above the ground


THEMES = [
    "a dinosaur next to a tree and a house, the sun in the sky",
    "a cat reading in the library at night",
    "a rabbit under a rainbow with butterflies",
    "a fish by the river with a bridge in the rain",
    "a rocket among the stars and the moon",
    "a turtle on the beach by the sea",
    "a bear and a fox in the forest with mushrooms",
    "a lion eating an apple in the kitchen",
    "a dog playing with a ball in the park",
    "an owl sleeping in the bedroom at night",
    "a pirate ship on the ocean",
    "a girl with a kite on a hill with flowers",
    "a unicorn in the mountains",
    "um dinossauro com uma maçã",
    "un cohete y las estrellas",
    "a cow and a pig on the farm",
    "an elephant taking a bath",
    "a penguin in the snow",
    "a dragon flying over a castle",
    "a bee and a butterfly in the garden",
]


def test_twenty_offline_pages_of_every_theme_and_style_pass_the_picture_check():
    styles = ("cartoon", "manga", "realistic", "classic")
    for i, prompt in enumerate(THEMES):
        kind = "cover" if i % 7 == 3 else "page"
        request = ImageRequest(
            prompt=prompt, style=styles[i % 4], seed=f"qc:{i}", kind=kind, width=1200, height=1500
        )
        raw = get_image_provider("offline").generate_image(request)
        png = normalize_line_art(raw, width=request.width, height=request.height)
        report = page_qc(png, source=raw)
        assert report.passed, (prompt, report.problems)


def test_pages_differ_and_the_same_page_is_drawn_the_same_way():
    first = _image(seed="b1:1")
    assert first == _image(seed="b1:1")
    assert first != _image(seed="b1:2")
    assert _image(prompt="a cat with a ball") != _image(prompt="a rabbit under a rainbow")


def test_a_cover_and_every_style_draw_line_art():
    for style in ("cartoon", "manga", "realistic", "classic", "watercolor"):
        assert is_line_art(_image(style=style, kind="cover"))
    assert ink_share(_image(style="classic")) > ink_share(_image(style="realistic"))


def test_prompt_words_in_three_languages_find_things_to_draw():
    assert len(KEYWORDS) >= 80
    assert find_drawables("a dinosaur and a tree") == ["dinosaur", "tree"]
    assert find_drawables("um dinossauro com uma maçã") == ["dinosaur", "apple"]
    assert find_drawables("un cohete y las estrellas") == ["rocket", "star"]
    assert find_drawables("apples, trees and butterflies") == ["apple", "tree", "butterfly"]


def test_the_failure_rate_knob_fails_some_calls_and_a_retry_can_succeed(settings):
    settings.AI_OFFLINE_FAILURE_RATE = 1.0
    with pytest.raises(ProviderError) as failure:
        _story(seed=str(uuid.uuid4()))
    assert failure.value.transient
    settings.AI_OFFLINE_FAILURE_RATE = 0.5
    recovered = 0
    for i in range(20):
        seed = f"{uuid.uuid4()}-{i}"
        try:
            _story(seed=seed)
        except ProviderError:
            recovered += _retry_succeeds(seed)
    assert recovered > 0


def _retry_succeeds(seed: str) -> int:
    try:
        _story(seed=seed)
    except ProviderError:
        return 0
    return 1


def test_the_knobs_fall_back_to_the_environment(settings, monkeypatch):
    del settings.AI_OFFLINE_FAILURE_RATE
    monkeypatch.setenv("AI_OFFLINE_FAILURE_RATE", "1")
    with pytest.raises(ProviderError):
        _image(seed=str(uuid.uuid4()))


def test_every_drawable_in_the_table_can_be_drawn():
    from ai.providers.offline.drawables import DRAWABLES
    from ai.providers.offline.drawing import Canvas

    canvas = Canvas(256, 320, 2)
    for did in DRAWABLES:
        if did != "rainbow":  # drawn as arcs across the sky, not as a thing
            canvas.thing(did, 0.3, 0.5, 0.9)
    assert is_line_art(_png_of(canvas.image))


def _png_of(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
