"""The two interfaces every AI adapter implements."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ai.schemas import ImageRequest, Story, StoryRequest


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
