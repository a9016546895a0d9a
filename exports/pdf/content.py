"""What goes into a book's files: plain data, no Django, so the renderers stay pure functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Called with (pages drawn, pages in the document) as a renderer goes.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PdfPage:
    number: int
    text: str
    image_png: bytes | None  # None = missing picture, a placeholder frame is drawn


@dataclass(frozen=True)
class PdfBook:
    title: str
    author: str
    language: str  # "pt-BR" | "en" | "es"
    style_name: str
    cover_png: bytes | None
    pages: tuple[PdfPage, ...]
    subject: str = ""
