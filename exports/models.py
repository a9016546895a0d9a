from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exports.storage import select_exports_storage


class ExportQuerySet(models.QuerySet):
    def current(self, *, book, content_hash: str) -> ExportQuerySet:
        return self.filter(book=book, content_hash=content_hash)

    def expired(self, now=None) -> ExportQuerySet:
        return self.filter(expires_at__lt=now or timezone.now())


class Export(models.Model):
    """A built file for a book, keyed by the book's content hash, the format and its options."""

    class Format(models.TextChoices):
        PRINT = "print", _("Print PDF")
        DIGITAL = "digital", _("Screen PDF")
        ZIP = "zip", _("Pictures (ZIP)")
        KDP = "kdp", _("Print-on-demand interior")
        KDP_COVER = "kdp-cover", _("Print-on-demand cover")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        BUILDING = "building", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    book = models.ForeignKey("books.Book", on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=12, choices=Format.choices, default=Format.PRINT)
    paper = models.CharField(
        max_length=6, blank=True, default="a4", help_text="Empty for fixed-size formats."
    )
    single_sided = models.BooleanField(default=False)
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    error_message = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to="exports/", storage=select_exports_storage, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    download_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_downloaded_at = models.DateTimeField(null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "format", "paper", "single_sided", "content_hash"], name="export_cache_key"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} · {self.book}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.BUILDING)
