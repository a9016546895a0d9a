"""A page's picture in two halves, so each runs on the worker made for it.

``picture_call`` is the I/O half (the ``pictures`` queue, a thread pool): the providers in
order, transient errors retried by the router, nothing checked yet. ``picture_finish`` is the
CPU half (the ``cpu`` queue, prefork): the provider's picture normalized to line art and put
through the QC. ``image_generate`` still does both in one call, for the cover.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

from PIL import Image

from ai.circuit import circuit_allows
from ai.errors import AllProvidersFailed, ProviderError
from ai.prompts import image_prompt, labels
from ai.providers import get_image_provider
from ai.schemas import GeneratedImage, ImageRequest
from ai.services import (
    CallTarget,
    PictureRejected,
    _all_failed,
    _call,
    _clean_image,
    _failure,
    _skipped,
    provider_chain,
)


@dataclass(frozen=True)
class RawPicture:
    """What a provider sent back, before any check; ``finished`` when it draws finished pages."""

    raw: bytes
    provider: str
    model: str
    prompt_versions: str = ""
    finished: bool = False

    @classmethod
    def from_meta(cls, raw: bytes, meta: dict[str, Any]) -> RawPicture:
        return cls(
            raw, meta["provider"], meta["model"], meta.get("prompt_versions", ""), meta.get("finished", False)
        )

    def meta(self) -> dict[str, Any]:
        """Everything but the bytes, for the task that finishes it."""
        return {
            "provider": self.provider,
            "model": self.model,
            "prompt_versions": self.prompt_versions,
            "finished": self.finished,
        }


def picture_call(*, request: ImageRequest, book_id: Any = None, page_id: int | None = None) -> RawPicture:
    """Ask the image providers in order for a picture; ``AllProvidersFailed`` when none answers."""
    target = CallTarget(book_id=book_id, page_id=page_id)
    failures: list[dict[str, Any]] = []
    for config in provider_chain("image"):
        if not circuit_allows(config.name, "image"):
            failures.append(_skipped(config))
            continue
        provider = get_image_provider(config.name, config)
        config = replace(config, model=config.model or provider.model)
        versions = labels(image_prompt(request))
        try:
            raw = _call(provider.generate_image, _unchecked, request, config, target, versions)
        except ProviderError as error:
            failures.append(_failure(config.name, error))
            continue
        finished = bool(getattr(provider, "draws_finished_pages", False))
        return RawPicture(raw, provider.name, provider.model, versions, finished)
    raise _all_failed(failures, AllProvidersFailed.default_message)


def _unchecked(raw: bytes, request: ImageRequest) -> bytes:
    return raw  # checked later, on the CPU worker


def picture_finish(*, picture: RawPicture, request: ImageRequest) -> GeneratedImage:
    """Normalize to line art and check it; ``PictureRejected`` (with the normalized page) on a QC failure."""
    drawer = SimpleNamespace(
        name=picture.provider, model=picture.model, draws_finished_pages=picture.finished
    )
    png, width, height = _clean_image(picture.raw, request=request, provider=drawer)
    return GeneratedImage(png, picture.provider, picture.model, width, height, picture.prompt_versions)


def picture_accept_rejected(rejected: PictureRejected, *, prompt_versions: str) -> GeneratedImage:
    """After the corrective call failed the QC too: a page that missed a QC limit beats no page."""
    with Image.open(io.BytesIO(rejected.page)) as image:
        width, height = image.size
    return GeneratedImage(rejected.page, rejected.provider, rejected.model, width, height, prompt_versions)
