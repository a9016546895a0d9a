"""Story and picture generation through the configured providers: the router.

For each capability the providers are tried in order (the admin's ``ProviderSetting``
rows when there are any, else ``AI_TEXT_PROVIDERS`` / ``AI_IMAGE_PROVIDERS``). Per
provider: a circuit breaker may skip it; transient errors are retried with capped
exponential backoff and jitter; an invalid story gets one repair attempt and a picture
that fails the pixel QC one corrective retry, then the next provider takes over. Every
call is recorded as an ``AICall``. When all providers fail the caller gets one
``AllProvidersFailed`` with a message a parent can read.
"""

from __future__ import annotations

import io
import logging
import random
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext
from PIL import Image, UnidentifiedImageError

from ai.capacity import provider_cooldown_start, provider_slot
from ai.circuit import circuit_allows, circuit_record_failure, circuit_record_success, circuit_state
from ai.errors import AllProvidersFailed, ProviderBusy, ProviderError, StoryInvalid
from ai.lineart import normalize_line_art
from ai.models import AICall, ProviderSetting
from ai.pricing import CostPreview, call_cost, cost_preview
from ai.prompts import image_prompt, labels, story_prompts
from ai.providers import get_image_provider, get_text_provider
from ai.providers.base import ProviderConfig
from ai.schemas import GeneratedImage, ImageRequest, Story, StoryRequest, StoryResult
from ai.secrets import SecretUnreadable
from ai.usage import measure
from fabrica import metrics
from fabrica.tracing import span

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

MAX_TITLE = 200
MAX_SHEET = 2000
MAX_PAGE_TEXT = 1200
MAX_PROMPT = 1200
# A faithful retelling may fix spelling: most, not all, of a sentence's words must survive.
FAITHFUL_MIN_WORDS_KEPT = 0.8
OUTCOMES = {
    "timeout": AICall.Outcome.TIMEOUT,
    "rate_limited": AICall.Outcome.RATE_LIMITED,
    "safety_blocked": AICall.Outcome.BLOCKED,
    "no_image": AICall.Outcome.BLOCKED,
    "story_invalid": AICall.Outcome.INVALID,
    "qc_failed": AICall.Outcome.QC_FAILED,
}
# Provider health problems open the circuit; a refused or badly drawn picture does not.
CIRCUIT_CODES = {"auth_error"}


class PictureRejected(ProviderError):
    """The picture came back but fails the pixel QC; ``page`` is its normalized version."""

    code = "qc_failed"

    def __init__(self, message: str, *, page: bytes, provider: str, model: str, details: dict[str, Any]):
        super().__init__(message, details=details)
        self.page = page
        self.provider = provider
        self.model = model


@dataclass(frozen=True)
class CallTarget:
    """What a call is for, stored on its ``AICall`` record."""

    book_id: Any = None
    page_id: int | None = None


# --- public API -------------------------------------------------------------------------


def story_generate(*, request: StoryRequest, book_id: Any = None) -> StoryResult:
    target = CallTarget(book_id=book_id)
    failures: list[dict[str, Any]] = []
    for config in provider_chain("text"):
        if not circuit_allows(config.name, "text"):
            failures.append(_skipped(config))
            continue
        provider = get_text_provider(config.name, config)
        config = replace(config, model=config.model or provider.model)  # the call records name the model

        def write(req: StoryRequest, provider=provider) -> Story:
            return provider.generate_story(req)

        def check(story: Story, req: StoryRequest) -> Story:
            story_validate(story=story, num_pages=req.num_pages, request=req)
            return story

        try:
            story, versions = _story_with_repair(write, check, request, config, target)
        except ProviderError as error:
            failures.append(_failure(config.name, error))
            continue
        return StoryResult(
            story=story, provider=provider.name, model=provider.model, prompt_versions=versions
        )
    raise _all_failed(failures, AllProvidersFailed.story_message)


def image_generate(
    *, request: ImageRequest, book_id: Any = None, page_id: int | None = None
) -> GeneratedImage:
    target = CallTarget(book_id=book_id, page_id=page_id)
    failures: list[dict[str, Any]] = []
    rejected: PictureRejected | None = None
    for config in provider_chain("image"):
        if not circuit_allows(config.name, "image"):
            failures.append(_skipped(config))
            continue
        provider = get_image_provider(config.name, config)
        config = replace(config, model=config.model or provider.model)  # the call records name the model

        def draw(req: ImageRequest, provider=provider) -> bytes:
            return provider.generate_image(req)

        def check(raw: bytes, req: ImageRequest, provider=provider) -> tuple[bytes, int, int]:
            return _clean_image(raw, request=req, provider=provider)

        try:
            (png, width, height), versions = _picture_with_correction(draw, check, request, config, target)
        except PictureRejected as error:
            failures.append(_failure(config.name, error))
            rejected = rejected or error
            continue
        except ProviderError as error:
            failures.append(_failure(config.name, error))
            continue
        return GeneratedImage(
            png=png,
            provider=provider.name,
            model=provider.model,
            width=width,
            height=height,
            prompt_versions=versions,
        )
    if rejected is not None:
        # Every provider was tried; a page that missed a QC limit still beats no page at all.
        logger.warning("using a picture that failed QC after every provider: %s", rejected.details)
        with Image.open(io.BytesIO(rejected.page)) as image:
            width, height = image.size
        return GeneratedImage(
            png=rejected.page, provider=rejected.provider, model=rejected.model, width=width, height=height
        )
    raise _all_failed(failures, AllProvidersFailed.default_message)


def provider_chain(capability: str) -> list[ProviderConfig]:
    """The providers to try for ``capability``, in order, each with its model, timeout and key."""
    rows = list(ProviderSetting.objects.filter(capability=capability))
    if rows:
        return [_config(row.provider, capability, row) for row in rows if row.enabled]
    names = getattr(settings, f"AI_{capability.upper()}_PROVIDERS", None) or ["offline"]
    return [_config(name, capability, None) for name in names]


def generation_cost_preview() -> CostPreview:
    """The cost of a book with the providers that would be asked first."""
    text = next(iter(provider_chain("text")), ProviderConfig(name="offline", capability="text"))
    image = next(iter(provider_chain("image")), ProviderConfig(name="offline", capability="image"))
    return cost_preview(
        text_provider=text.name, text_model=text.model, image_provider=image.name, image_model=image.model
    )


def story_validate(*, story: Story, num_pages: int, request: StoryRequest | None = None) -> None:
    """The contract every provider's story must meet before a book is built from it."""
    problems = []
    if request and request.user_story.strip() and request.liberty == "faithful":
        missing = faithful_missing_sentences(request.user_story, " ".join(page.text for page in story.pages))
        if missing:
            problems.append(
                f"{len(missing)} sentence(s) of the parent's story are missing, e.g. “{missing[0]}”"
            )
    if not story.title.strip():
        problems.append("the title is empty")
    elif len(story.title) > MAX_TITLE:
        problems.append(f"the title is longer than {MAX_TITLE} characters")
    if len(story.character_sheet) > MAX_SHEET:
        problems.append(f"the character sheet is longer than {MAX_SHEET} characters")
    if len(story.pages) != num_pages:
        problems.append(f"expected exactly {num_pages} pages, got {len(story.pages)}")
    if [page.number for page in story.pages] != list(range(1, len(story.pages) + 1)):
        problems.append("pages are not numbered 1..N")
    if any(not page.text.strip() or not page.illustration_prompt.strip() for page in story.pages):
        problems.append("a page has no text or no illustration prompt")
    if any(
        len(page.text) > MAX_PAGE_TEXT or len(page.illustration_prompt) > MAX_PROMPT for page in story.pages
    ):
        problems.append(f"a page's text or illustration prompt is longer than {MAX_PAGE_TEXT} characters")
    if problems:
        raise StoryInvalid("The story did not come out right: " + "; ".join(problems) + ".")


def faithful_missing_sentences(original: str, written: str) -> list[str]:
    """Sentences of ``original`` not kept in ``written`` (spelling and punctuation fixes allowed)."""
    available = Counter(_words(written))
    missing = []
    for sentence in re.split(r"(?<=[.!?…])\s+|\n+", original):
        words = _words(sentence)
        if not words:
            continue
        kept = sum(1 for word in words if available[word] > 0)
        if kept / len(words) < FAITHFUL_MIN_WORDS_KEPT:
            missing.append(sentence.strip())
        for word in words:
            available[word] -= 1
    return missing


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    return re.findall(r"\w+", "".join(char for char in folded if not unicodedata.combining(char)))


# --- one provider -----------------------------------------------------------------------


def _story_with_repair(
    write: Callable[[StoryRequest], Story],
    check: Callable[[Story, StoryRequest], Story],
    request: StoryRequest,
    config: ProviderConfig,
    target: CallTarget,
) -> tuple[Story, str]:
    """The story and the prompt versions that wrote it; an invalid answer gets one repair."""
    versions = labels(*story_prompts(request))
    try:
        return _call(write, check, request, config, target, versions), versions
    except StoryInvalid as invalid:
        logger.info("AI provider %s wrote an invalid story, repairing: %s", config.name, invalid.message)
        repair = replace(request, repair_hint=invalid.message)
        versions = labels(*story_prompts(repair))
        return _call(write, check, repair, config, target, versions, attempts=1), versions


def _picture_with_correction(
    draw: Callable[[ImageRequest], bytes],
    check: Callable[[bytes, ImageRequest], tuple[bytes, int, int]],
    request: ImageRequest,
    config: ProviderConfig,
    target: CallTarget,
) -> tuple[tuple[bytes, int, int], str]:
    """The clean picture and the prompt version that drew it; a QC failure gets one corrected retry."""
    versions = labels(image_prompt(request))
    try:
        return _call(draw, check, request, config, target, versions), versions
    except PictureRejected as rejected:
        corrective = " ".join(filter(None, [request.corrective, rejected.details.get("corrective", "")]))
        logger.info("AI provider %s drew a picture that failed QC, retrying: %s", config.name, corrective)
        corrected = replace(request, corrective=corrective)
        versions = labels(image_prompt(corrected))
        return _call(draw, check, corrected, config, target, versions, attempts=1), versions


def _call(
    invoke: Callable[[R], Any],
    check: Callable[[Any, R], T],
    request: R,
    config: ProviderConfig,
    target: CallTarget,
    prompt_versions: str,
    *,
    attempts: int | None = None,
) -> T:
    """Call one provider within its capacity, retrying transient errors; record every attempt.

    The one retry layer for provider errors (the tasks never call again for one), so its worst
    case is known: ``ai.budget.call_budget_seconds``. A repair or corrective call is made once.
    A 429 pauses the provider for every worker (its cool-down) and is never slept on here:
    the next attempt's slot waits for the pause only if it ends within
    ``AI_CONCURRENCY_WAIT_SECONDS``; otherwise, like a provider with no free slot, it goes up
    as ``ProviderBusy`` with a ``retry_after`` for the task to re-queue.
    """
    attempts = max(1, attempts or int(settings.AI_ATTEMPTS_PER_PROVIDER))
    for attempt in range(1, attempts + 1):
        started = time.monotonic()
        with measure() as usage:
            try:
                with provider_slot(provider=config.name, hold_seconds=config.timeout):
                    started = time.monotonic()  # the call's latency, not the wait for its slot
                    _database_connection_release()
                    with span("ai.provider.call", ai_provider=config.name, ai_capability=config.capability):
                        answer = invoke(request)
                result = check(answer, request)
            except ProviderBusy:
                raise
            except ProviderError as error:
                _record(config, target, attempt, started, usage, prompt_versions, error)
                if error.code == "rate_limited":
                    _cool_down(config, error)
                    if attempt == attempts:
                        raise
                    continue  # the next slot waits out a short pause; a longer one is ProviderBusy
                _circuit_feed(config, error)
                if not error.transient or attempt == attempts or _circuit_open(config):
                    raise
                delay = _backoff(attempt, error)
                logger.info(
                    "AI provider %s failed (attempt %s), retrying in %.1f s: %s",
                    config.name,
                    attempt,
                    delay,
                    error.message,
                )
                time.sleep(delay)
                continue
        _record(config, target, attempt, started, usage, prompt_versions, None)
        circuit_record_success(config.name, config.capability)
        return result
    raise AssertionError("unreachable")  # pragma: no cover


def _database_connection_release() -> None:
    """Give this thread's database connection back to the pool for the seconds the provider takes.

    A worker_io thread spends its task waiting on the network; holding a connection meanwhile
    would make PostgreSQL's connections, not the provider, the limit (fabrica/db_pool.py). The
    next query takes one from the pool again. Inside a transaction the connection must stay.
    """
    connection = connections["default"]
    if connection.settings_dict.get("OPTIONS", {}).get("pool") and not connection.in_atomic_block:
        connection.close()


def _cool_down(config: ProviderConfig, error: ProviderError) -> None:
    """A 429 is the provider's flow control, not ill health: pause it for every worker, circuit untouched."""
    retry_after = (error.details or {}).get("retry_after")
    asked = float(retry_after) if retry_after is not None else settings.AI_RATE_LIMIT_COOLDOWN_SECONDS
    seconds = provider_cooldown_start(provider=config.name, seconds=asked)
    error.details = {**(error.details or {}), "retry_after": seconds}
    logger.info("AI provider %s answered 429: no new calls for %.1f s", config.name, seconds)


def _clean_image(raw: bytes, *, request: ImageRequest, provider) -> tuple[bytes, int, int]:
    from ai.qc import page_qc

    try:
        if getattr(provider, "draws_finished_pages", False) and _is_finished_page(raw, request):
            png, source = raw, None  # already what the normalizer would make: only the QC remains
        else:
            with span("image.normalize"):
                png, source = normalize_line_art(raw, width=request.width, height=request.height), raw
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ProviderError(
            gettext("The illustrator sent a picture we could not open."), details={"error": str(error)}
        ) from error
    with span("image.qc"):
        report = page_qc(png, source=source)
    if not report.passed:
        raise PictureRejected(
            "The picture did not pass our coloring-page check.",
            page=png,
            provider=provider.name,
            model=provider.model,
            details={
                "problems": [problem.code for problem in report.problems],
                "corrective": report.corrective,
            },
        )
    with Image.open(io.BytesIO(png)) as image:
        return png, image.width, image.height


def _is_finished_page(png: bytes, request: ImageRequest) -> bool:
    """Exactly the page size, greyscale, nothing but pure black and pure white."""
    with Image.open(io.BytesIO(png)) as image:
        if image.format != "PNG" or image.mode != "L" or image.size != (request.width, request.height):
            return False
        histogram = image.histogram()
    return histogram[0] + histogram[255] == sum(histogram)


# --- helpers ----------------------------------------------------------------------------


def _config(name: str, capability: str, row: ProviderSetting | None) -> ProviderConfig:
    prefix = name.upper()
    env_model = getattr(settings, f"{prefix}_{capability.upper()}_MODEL", "")
    env_key = getattr(settings, f"{prefix}_API_KEY", "")
    return ProviderConfig(
        name=name,
        capability=capability,
        model=(row.model if row and row.model else env_model) or "",
        timeout=row.timeout_seconds if row else settings.AI_TIMEOUT_SECONDS,
        api_key=env_key or _stored_key(row),
        base_url=getattr(settings, f"{prefix}_BASE_URL", "") or "",
    )


def _stored_key(row: ProviderSetting | None) -> str:
    """The admin's key; none when it cannot be read (the ``ai.E001`` check names the row)."""
    if row is None:
        return ""
    try:
        return row.api_key()
    except SecretUnreadable:
        logger.error("the API key stored for %s cannot be decrypted: enter it again in the admin", row)
        return ""


def _record(
    config: ProviderConfig,
    target: CallTarget,
    attempt: int,
    started: float,
    usage,
    prompt_versions: str,
    error: ProviderError | None,
) -> None:
    model = usage.model or config.model or config.name
    outcome = OUTCOMES.get(error.code, AICall.Outcome.ERROR) if error else AICall.Outcome.OK
    metrics.ai_call(provider=config.name, capability=config.capability, outcome=outcome)
    try:
        AICall.objects.create(
            provider=config.name,
            model=model[:100],
            capability=config.capability,
            book_id=target.book_id,
            page_id=target.page_id,
            attempt=attempt,
            latency_ms=int((time.monotonic() - started) * 1000),
            tokens_in=usage.tokens_in,
            tokens_out=usage.tokens_out,
            images=usage.images,
            cost_usd=call_cost(
                model=model, tokens_in=usage.tokens_in, tokens_out=usage.tokens_out, images=usage.images
            ),
            outcome=outcome,
            error_class=(error.code if error else "")[:60],
            error_message=(error.message if error else "")[:500],
            prompt_versions=prompt_versions[:120],
        )
    except Exception:  # a lost record must never cost the family their book
        logger.exception("could not record an AI call to %s", config.name)


def _circuit_feed(config: ProviderConfig, error: ProviderError) -> None:
    if error.transient or error.code in CIRCUIT_CODES:
        circuit_record_failure(config.name, config.capability)


def _circuit_open(config: ProviderConfig) -> bool:
    return circuit_state(config.name, config.capability).state == "open"


def _backoff(attempt: int, error: ProviderError | None = None) -> float:
    """Exponential backoff with jitter, capped, so parallel page jobs do not retry in lockstep."""
    base = float(settings.AI_RETRY_BACKOFF_SECONDS)
    cap = float(settings.AI_RETRY_BACKOFF_MAX_SECONDS)
    delay = base * 2 ** (attempt - 1) + random.uniform(0, base / 2)
    retry_after = (error.details or {}).get("retry_after") if error else None
    if retry_after:
        delay = max(delay, float(retry_after))
    return min(delay, cap)


def _skipped(config: ProviderConfig) -> dict[str, Any]:
    logger.info("AI provider %s skipped: its %s circuit is open", config.name, config.capability)
    return {"provider": config.name, "code": "circuit_open", "message": "circuit open", "transient": True}


def _failure(name: str, error: ProviderError) -> dict[str, Any]:
    logger.warning("AI provider %s failed: %s", name, error.message)
    failure = {"provider": name, "code": error.code, "message": error.message, "transient": error.transient}
    if error.code in ("rate_limited", "provider_busy"):
        failure["retry_after"] = (error.details or {}).get("retry_after")
    return failure


def _all_failed(failures: list[dict[str, Any]], message: str) -> AllProvidersFailed:
    """One error for the parent: a safety refusal is named as such, anything else is 'try again'."""
    blocked = [failure for failure in failures if failure["code"] in ("safety_blocked", "no_image")]
    if blocked and len(blocked) == len([f for f in failures if f["code"] != "circuit_open"]):
        message = blocked[0]["message"]
    transient = any(failure["transient"] for failure in failures)
    # The soonest any provider said it could take a call again: the task re-queues with it.
    pauses = [failure["retry_after"] for failure in failures if failure.get("retry_after") is not None]
    return AllProvidersFailed(
        gettext(message),
        details={"failures": failures},
        transient=transient,
        retry_after=min(pauses) if pauses else None,
    )
