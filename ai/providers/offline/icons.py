"""Tabler outline icons (pytablericons' SVG files) rendered as coloring-book props.

pytablericons' own loader only sets the stroke colour; we also fill closed shapes with
white so an icon hides what is behind it, and thicken the stroke to match the figures.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image, ImageChops

SVG_NS = "http://www.w3.org/2000/svg"
VIEWBOX = 24
_pygame_lock = threading.Lock()  # SDL image loading is not documented as thread-safe


def icon_dir() -> Path:
    import pytablericons

    return Path(pytablericons.__file__).parent / "icons" / "outline"


def render_icon(name: str, size: int, stroke_px: float) -> tuple[Image.Image, Image.Image]:
    """(ink, mask) for a square icon of ``size`` pixels with lines ``stroke_px`` thick."""
    size = max(16, int(round(size / 16)) * 16)  # coarse sizes make the cache useful
    stroke = round(stroke_px * VIEWBOX / size, 2)
    return _render(name, size, stroke)


@lru_cache(maxsize=256)
def _render(name: str, size: int, stroke: float) -> tuple[Image.Image, Image.Image]:
    rgba = _rasterize(_svg(name, size, stroke), size)
    alpha = rgba.getchannel("A").point(lambda a: 255 if a >= 128 else 0)
    dark = rgba.convert("L").point(lambda v: 255 if v < 128 else 0)
    ink = ImageChops.invert(ImageChops.multiply(dark, alpha))
    return ink, alpha


def _svg(name: str, size: int, stroke: float) -> bytes:
    ElementTree.register_namespace("", SVG_NS)
    root = ElementTree.fromstring((icon_dir() / f"{name}.svg").read_text())
    root.set("width", str(size))
    root.set("height", str(size))
    root.set("stroke", "#000000")
    root.set("fill", "#FFFFFF")
    root.set("stroke-width", str(stroke))
    return ElementTree.tostring(root, encoding="unicode").encode()


def _rasterize(svg: bytes, size: int) -> Image.Image:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    with contextlib.redirect_stdout(None):
        import pygame

    with _pygame_lock:
        surface = pygame.image.load(io.BytesIO(svg))
        image = Image.frombytes("RGBA", surface.get_size(), pygame.image.tobytes(surface, "RGBA"))
    return image if image.size == (size, size) else image.resize((size, size))
