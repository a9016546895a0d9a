"""Pictures, books and PDF readers shared by the export tests."""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from exports.pdf import PdfBook, PdfPage

STORY = (
    "Ação! A Júlia correu pelo jardim.",
    "Com o coração feliz, ela regou as flores.",
    "El niño saludó: ¡hola, señora!",
)
PICTURE_SIZE = (2400, 3000)  # 4:5, 300 DPI at 8 x 10 in


@functools.cache
def line_art_png(width: int = PICTURE_SIZE[0], height: int = PICTURE_SIZE[1], seed: int = 0) -> bytes:
    """What the pipeline stores: 8-bit greyscale, only black and white pixels, no frame."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    line = max(2, width // 200)
    inset = width // 5 + seed * 7
    draw.ellipse((inset, height // 4, width - inset, height * 3 // 4), outline=0, width=line)
    draw.line((0, height * 4 // 5, width, height * 4 // 5 - seed), fill=0, width=line)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=3)
    return buffer.getvalue()


def make_book(
    *, pages: tuple[PdfPage, ...] | None = None, language: str = "pt-BR", count: int | None = None
) -> PdfBook:
    if pages is None:
        texts = STORY if count is None else tuple(f"{STORY[i % 3]} ({i + 1})" for i in range(count))
        pages = tuple(
            PdfPage(number=i + 1, text=text, image_png=line_art_png(seed=i % 5))
            for i, text in enumerate(texts)
        )
    return PdfBook(
        title="Júlia e o Jardim Mágico",
        author="Mariana Conceição",
        language=language,
        style_name="Cartoon",
        cover_png=line_art_png(seed=9),
        pages=pages,
        subject="Amizade e natureza",
    )


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def page_images(page) -> list:
    resources = page["/Resources"]
    if "/XObject" not in resources:
        return []
    xobjects = resources["/XObject"].values()
    return [xobject.get_object() for xobject in xobjects if xobject.get_object()["/Subtype"] == "/Image"]


def is_blank(page) -> bool:
    """Nothing drawn at all: no text, no picture, no line (the content stream only sets the origin)."""
    contents = page.get_contents()
    data = contents.get_data() if contents is not None else b""
    return not page_images(page) and data.replace(b"1 0 0 1 0 0 cm", b"").strip() == b""


def poppler(tool: str) -> str:
    """Path of a poppler-utils tool; skip without it, unless CI=true demands it (``.ci/run`` installs it)."""
    path = shutil.which(tool)
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {tool} (poppler-utils) is not installed", pytrace=False)
    pytest.skip(f"{tool} not installed (apt-get install poppler-utils; CI=true requires it)")


def run(tool: str, *args: str | Path) -> str:
    result = subprocess.run([poppler(tool), *map(str, args)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{tool} failed: {result.stderr}"
    return result.stdout
