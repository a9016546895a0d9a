"""Finished books with real pictures, and an illustrator that can be told to refuse pages.

Shared by the reader, editing, regeneration and reorder tests.
"""

from __future__ import annotations

import io

from django.utils import timezone
from pypdf import PdfReader

from ai.errors import ProviderError
from ai.providers.offline import OfflineImageProvider
from books.models import Book
from exports.tests.factories import generated_book


def drawn_book(*, owner, status: str = Book.Status.GENERATED, **fields) -> Book:
    """A book as the pipeline leaves it: every page and the cover drawn (then given ``status``)."""
    fields.setdefault("generated_at", timezone.now())
    fields.setdefault("character_sheet", "Rex, a small purple dinosaur with a yellow hat.")
    book = generated_book(owner=owner, **fields)
    if status != book.status:
        Book.objects.filter(id=book.id).update(status=status)
        book.status = status
    return book


def pdf_text(export) -> str:
    with export.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


class Picky(OfflineImageProvider):
    """Draws like the offline illustrator, but refuses the pages whose seed names one in ``broken``."""

    name = "picky"

    def __init__(self):
        self.broken: set[int] = set()
        self.requests = []

    def generate_image(self, request):
        self.requests.append(request)
        number = request.seed.split(":")[1]
        if number.isdigit() and int(number) in self.broken:
            raise ProviderError("The illustrator refused this scene.", transient=False)
        return super().generate_image(request)
