from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class Export(models.Model):
    """A built file for a book, keyed by the book's content hash and the options used."""

    class Format(models.TextChoices):
        PRINT = "print", "Print PDF"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    book = models.ForeignKey("books.Book", on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=12, choices=Format.choices, default=Format.PRINT)
    paper = models.CharField(max_length=6, default="a4")
    content_hash = models.CharField(max_length=64)
    file = models.FileField(upload_to="exports/")
    size_bytes = models.PositiveBigIntegerField(default=0)
    download_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "format", "paper", "content_hash"], name="export_cache_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} · {self.book}"
