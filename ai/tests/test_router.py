"""The router: retries, fallback, call records, story repair, the picture check and the provider chain."""

from __future__ import annotations

import io
import random
import time
from dataclasses import replace
from decimal import Decimal

import pytest
from PIL import Image

from ai.errors import AllProvidersFailed, ProviderError, StoryInvalid
from ai.models import AICall, ProviderSetting
from ai.providers.offline import OfflineImageProvider, OfflineTextProvider
from ai.schemas import ImageRequest, StoryRequest
from ai.services import (
    _backoff,
    faithful_missing_sentences,
    generation_cost_preview,
    image_generate,
    story_generate,
    story_validate,
)
from ai.tests.helpers import Scripted, permanent, transient
from ai.usage import report_usage
from books.tests.factories import book_factory

REQUEST = StoryRequest(theme="dinosaurs", num_pages=5, language="en", style="cartoon", seed="router")
PICTURE = ImageRequest(prompt="a cat under a tree", style="cartoon", seed="router:1", width=480, height=600)
SAFETY_MESSAGE = "We can't draw that one. Please change the theme and try again."


def safety_block():
    return permanent(SAFETY_MESSAGE, code="safety_blocked")


@pytest.fixture(autouse=True)
def _fast(router_settings):
    router_settings.AI_CIRCUIT_FAILURE_THRESHOLD = 100


def _story(request: StoryRequest = REQUEST):
    return OfflineTextProvider().generate_story(request)


def _line_art(request: ImageRequest = PICTURE) -> bytes:
    return OfflineImageProvider().generate_image(request)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _black_picture() -> bytes:
    """A night photo more than a coloring page: black all over, with a little sensor noise."""
    noise = random.Random(3)
    image = Image.new("L", (480, 600))
    image.putdata([8 + noise.randint(0, 6) for _ in range(480 * 600)])
    return _png(image)


def _washed_out_photo() -> bytes:
    """A soft grey photo: a smooth gradient with no outline in it."""
    return _png(Image.linear_gradient("L").resize((480, 600)))


def _calls(**filters) -> list[tuple]:
    rows = AICall.objects.filter(**filters).order_by("id")
    return list(rows.values_list("provider", "attempt", "outcome"))


# --- retries and fallback ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_provider_that_keeps_failing_is_retried_then_the_next_one_draws(settings, fakes, owner):
    settings.AI_IMAGE_PROVIDERS = ["down", "offline"]
    down = fakes("image", Scripted("down", transient("the illustrator is overloaded"), delay=0.02))
    book = book_factory(owner=owner)
    page = book.pages.get(number=1)

    result = image_generate(request=PICTURE, book_id=book.id, page_id=page.id)

    assert result.provider == "offline"
    assert down.calls == 3
    assert _calls() == [
        ("down", 1, AICall.Outcome.ERROR),
        ("down", 2, AICall.Outcome.ERROR),
        ("down", 3, AICall.Outcome.ERROR),
        ("offline", 1, AICall.Outcome.OK),
    ]
    rows = AICall.objects.order_by("id")
    assert {(row.capability, row.book_id, row.page_id) for row in rows} == {("image", book.id, page.id)}
    assert all(row.latency_ms >= 20 for row in rows if row.provider == "down")
    assert rows[0].error_message == "the illustrator is overloaded"
    assert rows[3].model == "offline-lineart-v1"


@pytest.mark.django_db
def test_the_number_of_attempts_per_provider_is_a_setting(settings, fakes):
    settings.AI_ATTEMPTS_PER_PROVIDER = 2
    settings.AI_TEXT_PROVIDERS = ["down", "offline"]
    down = fakes("text", Scripted("down", transient()))
    assert story_generate(request=REQUEST).provider == "offline"
    assert down.calls == 2


@pytest.mark.django_db
def test_a_story_call_is_recorded_against_its_book(settings, fakes, owner):
    settings.AI_TEXT_PROVIDERS = ["flaky"]
    fakes("text", Scripted("flaky", transient(), _story()))
    book = book_factory(owner=owner)

    result = story_generate(request=REQUEST, book_id=book.id)

    assert result.provider == "flaky"
    assert _calls(book=book) == [("flaky", 1, AICall.Outcome.ERROR), ("flaky", 2, AICall.Outcome.OK)]
    assert set(AICall.objects.values_list("capability", "page_id")) == {("text", None)}
    assert AICall.objects.latest("id").prompt_versions == "story_system@0,story_user@0"


@pytest.mark.django_db
def test_a_permanent_error_is_not_retried_and_the_next_provider_answers(settings, fakes):
    settings.AI_TEXT_PROVIDERS = ["refusing", "offline"]
    refusing = fakes("text", Scripted("refusing", permanent()))
    assert story_generate(request=REQUEST).provider == "offline"
    assert refusing.calls == 1
    assert _calls(provider="refusing") == [("refusing", 1, AICall.Outcome.ERROR)]


@pytest.mark.django_db
def test_a_safety_block_everywhere_tells_the_parent_why_and_is_not_worth_retrying(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["strict-1", "strict-2"]
    first = fakes("image", Scripted("strict-1", safety_block()))
    second = fakes("image", Scripted("strict-2", safety_block()))

    with pytest.raises(AllProvidersFailed) as failure:
        image_generate(request=PICTURE)

    assert failure.value.message == SAFETY_MESSAGE
    assert failure.value.transient is False
    assert (first.calls, second.calls) == (1, 1)
    assert set(AICall.objects.values_list("outcome", flat=True)) == {AICall.Outcome.BLOCKED}


@pytest.mark.django_db
def test_when_only_one_provider_refuses_on_safety_the_parent_hears_try_again(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["strict", "down"]
    fakes("image", Scripted("strict", safety_block()))
    fakes("image", Scripted("down", transient()))
    with pytest.raises(AllProvidersFailed) as failure:
        image_generate(request=PICTURE)
    assert failure.value.message == AllProvidersFailed.default_message
    assert failure.value.transient is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        ("timeout", AICall.Outcome.TIMEOUT),
        ("rate_limited", AICall.Outcome.RATE_LIMITED),
        ("no_image", AICall.Outcome.BLOCKED),
        ("server_error", AICall.Outcome.ERROR),
    ],
)
def test_each_failure_is_recorded_with_what_went_wrong(settings, fakes, code, outcome):
    settings.AI_IMAGE_PROVIDERS = ["odd", "offline"]
    settings.AI_CONCURRENCY_WAIT_SECONDS = 0  # a 429's pause is handed back, not waited out
    fakes("image", Scripted("odd", lambda: ProviderError("no", code=code)))
    image_generate(request=PICTURE)
    row = AICall.objects.get(provider="odd")
    assert (row.outcome, row.error_class) == (outcome, code)


@pytest.mark.django_db
def test_what_a_provider_reports_using_is_recorded_and_priced(settings, fakes):
    def drawn_and_counted():
        report_usage(tokens_in=400, images=1, model="gemini-2.5-flash-image")
        return _line_art()

    settings.AI_IMAGE_PROVIDERS = ["metered"]
    fakes("image", Scripted("metered", drawn_and_counted))
    image_generate(request=PICTURE)
    row = AICall.objects.get()
    assert (row.model, row.tokens_in, row.images) == ("gemini-2.5-flash-image", 400, 1)
    assert row.cost_usd == Decimal("0.039120")


# --- backoff ----------------------------------------------------------------------------


def test_backoff_doubles_per_attempt_with_a_little_jitter(settings):
    settings.AI_RETRY_BACKOFF_SECONDS = 1
    settings.AI_RETRY_BACKOFF_MAX_SECONDS = 100
    for attempt, base in ((1, 1), (2, 2), (3, 4)):
        delays = [_backoff(attempt) for _ in range(50)]
        assert all(base <= delay <= base + 0.5 for delay in delays)
        assert len(set(delays)) > 1  # parallel pages do not retry in lockstep


def test_backoff_waits_as_long_as_the_provider_asks(settings):
    settings.AI_RETRY_BACKOFF_SECONDS = 0.1
    settings.AI_RETRY_BACKOFF_MAX_SECONDS = 30
    error = ProviderError("slow down", transient=True, code="rate_limited", details={"retry_after": 7})
    assert _backoff(1, error) == 7


def test_backoff_never_waits_longer_than_the_cap(settings):
    settings.AI_RETRY_BACKOFF_SECONDS = 1
    settings.AI_RETRY_BACKOFF_MAX_SECONDS = 8
    error = ProviderError("slow down", transient=True, details={"retry_after": 600})
    assert _backoff(1, error) == 8
    assert _backoff(10) == 8


@pytest.mark.django_db
def test_a_rate_limited_call_waits_for_the_retry_after_before_trying_again(settings, fakes):
    settings.AI_RETRY_BACKOFF_MAX_SECONDS = 0.2
    settings.AI_TEXT_PROVIDERS = ["limited"]
    limited = fakes("text", Scripted("limited", transient("quota", retry_after=0.15), _story()))
    started = time.monotonic()
    assert story_generate(request=REQUEST).provider == "limited"
    assert time.monotonic() - started >= 0.15
    assert limited.calls == 2


# --- story repair and the parent's own words --------------------------------------------


@pytest.mark.django_db
def test_an_invalid_story_gets_one_repair_call_saying_what_was_wrong(settings, fakes):
    story = _story()
    settings.AI_TEXT_PROVIDERS = ["sloppy", "offline"]
    sloppy = fakes("text", Scripted("sloppy", replace(story, pages=story.pages[:-1]), story))

    result = story_generate(request=REQUEST)

    assert result.provider == "sloppy"
    assert sloppy.calls == 2
    assert sloppy.requests[0].repair_hint == ""
    assert "expected exactly 5 pages, got 4" in sloppy.requests[1].repair_hint
    assert _calls() == [("sloppy", 1, AICall.Outcome.INVALID), ("sloppy", 1, AICall.Outcome.OK)]


@pytest.mark.django_db
def test_a_story_invalid_twice_goes_to_the_next_provider(settings, fakes):
    story = _story()
    settings.AI_TEXT_PROVIDERS = ["sloppy", "offline"]
    sloppy = fakes("text", Scripted("sloppy", replace(story, title="  ")))
    assert story_generate(request=REQUEST).provider == "offline"
    assert sloppy.calls == 2
    assert "the title is empty" in sloppy.requests[1].repair_hint


def test_a_sentence_left_out_of_a_faithful_retelling_is_found():
    original = "A Ana tem um gato. O gato se chama Bolinha!\n\nEles brincam no jardim todos os dias."
    written = "A Ana tem um gato. Eles brincam no jardim todos os dias."
    assert faithful_missing_sentences(original, written) == ["O gato se chama Bolinha!"]


def test_spelling_and_accent_fixes_count_as_faithful():
    original = "A Ana tem um gatto. O gato e azul e gosta de peixe."
    written = "A Ana tem um gato. O gato é azul e gosta de peixe."
    assert faithful_missing_sentences(original, written) == []


def test_a_reworded_sentence_is_not_a_faithful_one():
    original = "A Ana tem um gato. Eles brincam no jardim todos os dias."
    written = "A Ana tem um gato. Eles correm no quintal todos os dias."
    assert faithful_missing_sentences(original, written) == ["Eles brincam no jardim todos os dias."]


def test_a_sentence_told_twice_in_the_original_must_appear_twice():
    original = "O sol brilhou. A Bia correu. O sol brilhou."
    assert faithful_missing_sentences(original, "O sol brilhou. A Bia correu.") == ["O sol brilhou."]


def _faithful_request(liberty="faithful") -> StoryRequest:
    user_story = "Bia found a blue shell. She showed it to her dad. Dad smiled. They went home happy."
    return replace(REQUEST, num_pages=2, user_story=user_story, liberty=liberty)


def _two_pages(first: str, second: str):
    from ai.schemas import Story, StoryPage

    return Story(
        title="Bia",
        character_sheet="Bia, a girl with curly hair.",
        cover_prompt="Bia on the beach",
        pages=(StoryPage(1, first, "a girl on a beach"), StoryPage(2, second, "a girl and her dad")),
    )


def test_a_faithful_story_missing_a_sentence_fails_validation():
    story = _two_pages("Bia found a blue shell. She showed it to her dad.", "They went home happy.")
    with pytest.raises(StoryInvalid, match="sentence.*missing.*Dad smiled"):
        story_validate(story=story, num_pages=2, request=_faithful_request())


def test_a_faithful_story_with_every_sentence_passes_and_free_liberty_may_retell():
    complete = _two_pages(
        "Bia found a blue shell. She showed it to her dad.", "Dad smiled. They went home happy."
    )
    story_validate(story=complete, num_pages=2, request=_faithful_request())
    retold = _two_pages("A shell! Bia ran to show Dad.", "Home they went, smiling.")
    story_validate(story=retold, num_pages=2, request=_faithful_request(liberty="free"))


@pytest.mark.django_db
def test_a_provider_that_keeps_dropping_the_parents_sentences_is_replaced(settings, fakes):
    request = _faithful_request()
    shortened = _two_pages("Bia found a blue shell.", "They went home happy.")
    settings.AI_TEXT_PROVIDERS = ["loose", "offline"]
    loose = fakes("text", Scripted("loose", shortened))

    result = story_generate(request=request)

    assert loose.calls == 2
    assert "missing" in loose.requests[1].repair_hint
    assert result.provider == "offline"
    assert faithful_missing_sentences(request.user_story, " ".join(p.text for p in result.story.pages)) == []


# --- the picture check --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("picture", [_black_picture, _washed_out_photo], ids=["black", "grey-photo"])
def test_a_picture_failing_the_check_gets_one_corrected_retry_then_the_next_provider(
    settings, fakes, picture
):
    settings.AI_IMAGE_PROVIDERS = ["murky", "offline"]
    murky = fakes("image", Scripted("murky", picture()))

    result = image_generate(request=PICTURE)

    assert result.provider == "offline"
    assert murky.calls == 2
    assert murky.requests[0].corrective == ""
    assert murky.requests[1].corrective.strip()
    assert _calls(provider="murky") == [
        ("murky", 1, AICall.Outcome.QC_FAILED),
        ("murky", 1, AICall.Outcome.QC_FAILED),
    ]


@pytest.mark.django_db
def test_a_picture_that_passes_after_the_correction_is_kept(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["learner", "offline"]
    learner = fakes("image", Scripted("learner", _black_picture(), _line_art()))
    result = image_generate(request=PICTURE)
    assert result.provider == "learner"
    assert learner.calls == 2
    assert learner.requests[1].corrective.strip()


@pytest.mark.django_db
def test_good_line_art_passes_the_check_the_first_time(settings, fakes):
    from ai.qc import page_qc

    settings.AI_IMAGE_PROVIDERS = ["neat"]
    neat = fakes("image", Scripted("neat", _line_art()))
    result = image_generate(request=PICTURE)
    assert (result.provider, result.width, result.height) == ("neat", 480, 600)
    assert neat.calls == 1
    assert page_qc(result.png).passed
    assert _calls() == [("neat", 1, AICall.Outcome.OK)]


@pytest.mark.parametrize("picture", [_black_picture, _washed_out_photo], ids=["black", "grey-photo"])
def test_the_picture_check_fails_a_picture_with_no_outlines_and_says_how_to_fix_it(picture):
    from ai.lineart import normalize_line_art
    from ai.qc import page_qc

    report = page_qc(normalize_line_art(picture(), width=480, height=600))
    assert not report.passed
    assert report.problems
    assert report.corrective.strip()


@pytest.mark.django_db
def test_the_corrected_request_carries_what_the_check_said(settings, fakes):
    from ai.lineart import normalize_line_art
    from ai.qc import page_qc

    settings.AI_IMAGE_PROVIDERS = ["murky", "offline"]
    murky = fakes("image", Scripted("murky", _black_picture()))
    image_generate(request=replace(PICTURE, corrective="Keep the cat small."))
    raw = _black_picture()
    expected = page_qc(normalize_line_art(raw, width=480, height=600), source=raw).corrective
    assert murky.requests[1].corrective == f"Keep the cat small. {expected}"
    row = AICall.objects.filter(provider="murky").first()
    assert row.error_class == "qc_failed"


# --- the admin's provider rows ---------------------------------------------------------


@pytest.mark.django_db
def test_admin_rows_drive_which_provider_actually_draws(settings, fakes):
    settings.AI_IMAGE_PROVIDERS = ["first"]
    first = fakes("image", Scripted("first", _line_art()))
    second = fakes("image", Scripted("second", _line_art()))
    ProviderSetting.objects.create(provider="first", capability="image", enabled=False)
    ProviderSetting.objects.create(provider="second", capability="image")
    assert image_generate(request=PICTURE).provider == "second"
    assert (first.calls, second.calls) == (0, 1)


# --- cost -------------------------------------------------------------------------------


def test_the_cost_of_a_call_follows_the_price_list():
    from ai.pricing import call_cost

    assert call_cost(model="gemini-2.5-flash", tokens_in=1_000_000, tokens_out=1_000_000) == Decimal("2.80")
    assert call_cost(model="gemini-2.5-flash", tokens_in=1_500, tokens_out=3_500) == Decimal("0.009200")
    assert call_cost(model="gemini-2.5-flash-image", tokens_in=400, images=2) == Decimal("0.078120")
    assert call_cost(model="offline-lineart-v1", tokens_in=10_000, images=3) == Decimal("0")


def test_staff_can_price_a_model_in_settings(settings):
    from ai.pricing import call_cost

    settings.AI_PRICES = {"house-model": ["1", "2", "0.5"], "gemini-2.5-flash": [0, 0, 0]}
    assert call_cost(model="house-model", tokens_in=500_000, tokens_out=250_000, images=1) == Decimal("1.5")
    assert call_cost(model="gemini-2.5-flash", tokens_in=1_000_000) == Decimal("0")


@pytest.mark.django_db
def test_the_cost_preview_is_zero_with_the_offline_providers(settings):
    settings.AI_TEXT_PROVIDERS = ["offline"]
    settings.AI_IMAGE_PROVIDERS = ["offline"]
    preview = generation_cost_preview()
    assert not preview.paid
    assert preview.for_pages(8) == Decimal("0.00")


@pytest.mark.django_db
def test_the_cost_preview_prices_the_first_provider_of_each_kind(settings):
    settings.AI_TEXT_PROVIDERS = ["offline"]
    ProviderSetting.objects.create(provider="gemini", capability="image", model="gemini-2.5-flash-image")
    ProviderSetting.objects.create(provider="gemini", capability="text", model="gemini-2.5-flash")
    preview = generation_cost_preview()
    assert (preview.text_provider, preview.image_provider) == ("gemini", "gemini")
    assert preview.story_usd == Decimal("0.009200")
    assert preview.picture_usd == Decimal("0.039120")
    assert preview.for_pages(8) == Decimal("0.36")  # 0.0092 + 9 × 0.03912
