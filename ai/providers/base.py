"""The two interfaces every AI adapter implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ai.schemas import ImageRequest, Story, StoryRequest


@dataclass(frozen=True)
class ProviderConfig:
    """How the router builds one adapter: from settings/env, overridden by the admin's row."""

    name: str
    capability: str  # "text" | "image"
    model: str = ""  # empty: the adapter's default model
    timeout: float = 60.0  # seconds for one call, connect to last byte
    api_key: str = ""
    base_url: str = ""  # empty: the provider's public endpoint


@runtime_checkable
class TextProvider(Protocol):
    name: str
    model: str

    def generate_story(self, request: StoryRequest) -> Story:
        """Write the whole story; raise ``ProviderError`` (``transient=True`` if a retry may help)."""
        ...


@runtime_checkable
class ImageProvider(Protocol):
    name: str
    model: str

    def generate_image(self, request: ImageRequest) -> bytes:
        """Draw one picture and return it as PNG bytes; raise ``ProviderError`` on failure."""
        ...
