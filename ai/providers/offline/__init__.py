"""The offline AI provider: deterministic stories and line-art pictures, no network, no keys.

It is the default so a fresh checkout makes real books, and it is what tests run against.
"""

from __future__ import annotations

import io

from ai.providers.offline.knobs import simulate
from ai.schemas import ImageRequest, Story, StoryRequest


class OfflineTextProvider:
    name = "offline"
    model = "offline-story-v1"

    def generate_story(self, request: StoryRequest) -> Story:
        from ai.providers.offline.stories import write_story

        simulate("text", request.seed or request.theme)
        return write_story(request)


class OfflineImageProvider:
    name = "offline"
    model = "offline-lineart-v1"

    def generate_image(self, request: ImageRequest) -> bytes:
        from ai.providers.offline.drawing import draw_picture

        simulate("image", request.seed or request.prompt)
        buffer = io.BytesIO()
        draw_picture(request).save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()
