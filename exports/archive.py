"""The ZIP download: every picture at print resolution as a PNG, and the story as text."""

from __future__ import annotations

import io
import zipfile

from exports.pdf import PdfBook, Progress


def render_zip(book: PdfBook, *, progress: Progress | None = None) -> bytes:
    buffer = io.BytesIO()
    pictures = [("cover.png", book.cover_png)] + [
        (f"page-{page.number:02d}.png", page.image_png) for page in book.pages
    ]
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_entry("story.txt"), story_text(book), compress_type=zipfile.ZIP_DEFLATED)
        for done, (name, png) in enumerate(pictures, start=1):
            if png:
                # PNGs are compressed already: storing them is as small and much faster.
                archive.writestr(_entry(name), png, compress_type=zipfile.ZIP_STORED)
            if progress:
                progress(done, len(pictures))
    return buffer.getvalue()


def story_text(book: PdfBook) -> str:
    lines = [book.title, book.author, ""]
    if book.subject:
        lines[2:2] = [book.subject]
    for page in book.pages:
        lines += ["", f"{page.number}.", page.text.strip()]
    return "\n".join(lines).strip() + "\n"


def _entry(name: str) -> zipfile.ZipInfo:
    # A fixed date keeps the archive identical for identical content.
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    return info
