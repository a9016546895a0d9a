"""Small covers for grids: made from the full cover the first time they are asked for.

The cover's file name carries a hash of its picture, so a thumbnail named after it can
never show an older cover; it lives in the book's folder and goes when the book goes.
"""

from __future__ import annotations

import io
import posixpath

from django.core.files.base import ContentFile, File
from PIL import Image

from books.models import Book

COVER_THUMBNAIL_SIZE = 480  # a grid card is ~240 CSS pixels wide; twice that for sharp screens


def cover_thumbnail_name(book: Book) -> str:
    stem, _ext = posixpath.splitext(book.cover_image.name)
    return f"{stem}-thumb.png"


def cover_thumbnail(book: Book) -> File | None:
    """The cover's thumbnail, opened for reading; None when the book has no cover yet."""
    if not book.cover_image:
        return None
    storage = book.cover_image.storage
    name = cover_thumbnail_name(book)
    if not storage.exists(name):
        with book.cover_image.open("rb") as cover:
            storage.save(name, ContentFile(_thumbnail(cover.read())))
    return storage.open(name, "rb")


def _thumbnail(png: bytes) -> bytes:
    image = Image.open(io.BytesIO(png))
    image.thumbnail((COVER_THUMBNAIL_SIZE, COVER_THUMBNAIL_SIZE))
    out = io.BytesIO()
    image.convert("L").save(out, format="PNG", optimize=True)
    return out.getvalue()
