"""The offline AI provider: deterministic stories and line-art pictures, no network, no keys.

It is the default so a fresh checkout makes real books, and it is what tests run against.
"""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image

from ai.lineart import SAFE_MARGIN
from ai.providers.offline.knobs import simulate
from ai.providers.offline.quota import offline_quota
from ai.schemas import ImageRequest, Story, StoryRequest


class OfflineTextProvider:
    name = "offline"
    model = "offline-story-v1"

    def generate_story(self, request: StoryRequest) -> Story:
        from ai.providers.offline.stories import write_story

        with offline_quota("text"):
            simulate("text", request.seed or request.theme)
            return write_story(request)


class OfflineImageProvider:
    name = "offline"
    model = "offline-lineart-v1"
    # It draws pure black-on-white pages at the requested size, with thick lines, no frame
    # and a clear margin: the router checks that and skips the normalizer (QC still runs).
    draws_finished_pages = True

    def generate_image(self, request: ImageRequest) -> bytes:
        with offline_quota("image"):
            simulate("image", request.seed or request.prompt)
            return self._draw(request)

    def _draw(self, request: ImageRequest) -> bytes:
        from ai.providers.offline.drawing import draw_picture

        # The scene is drawn inside the print-safe margin, on a page of the requested size.
        margin = round(SAFE_MARGIN * min(request.width, request.height)) + 2
        scene = draw_picture(
            replace(request, width=request.width - 2 * margin, height=request.height - 2 * margin)
        )
        page = Image.new("L", (request.width, request.height), 255)
        page.paste(scene, (margin, margin))
        buffer = io.BytesIO()
        page.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()
