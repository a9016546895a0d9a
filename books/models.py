from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Style(models.Model):
    """An art style; staff can add more in the admin."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=240, blank=True)
    prompt_fragment = models.TextField(blank=True, help_text="Added to every image prompt of this style.")
    sample_image = models.ImageField(upload_to="styles/", blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class BookQuerySet(models.QuerySet):
    def visible_to(self, user) -> BookQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user, deleted_at__isnull=True)

    def in_progress(self) -> BookQuerySet:
        return self.filter(status__in=[Book.Status.QUEUED, Book.Status.GENERATING])


class Book(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        QUEUED = "queued", _("Queued")
        GENERATING = "generating", _("Generating")
        GENERATED = "generated", _("Ready")
        FAILED = "failed", _("Failed")
        ARCHIVED = "archived", _("Archived")

    class Narrative(models.TextChoices):
        GENERATED = "generated", _("Write the story for me")
        UPLOADED = "uploaded", _("Use my story")

    class Liberty(models.TextChoices):
        FAITHFUL = "faithful", _("Faithful: keep my words, just fix spelling and split into pages")
        LIGHT = "light", _("Light: my sentences, with small connecting sentences added")
        FREE = "free", _("Free: use my story as the idea and retell it")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="books")
    title = models.CharField(_("title"), max_length=200, blank=True)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    educational_goal = models.CharField(_("educational goal"), max_length=120, blank=True)
    age_range = models.CharField(_("child's age"), max_length=5, default="4-6")
    style = models.ForeignKey(Style, on_delete=models.PROTECT, related_name="books")
    num_pages = models.PositiveSmallIntegerField(_("pages"))
    language = models.CharField(_("language"), max_length=5, default="pt-BR")
    narrative_source = models.CharField(max_length=10, choices=Narrative.choices, default=Narrative.GENERATED)
    story = models.TextField(_("story"), blank=True)
    liberty = models.CharField(
        _("how closely to follow my story"), max_length=10, choices=Liberty.choices, default=Liberty.FAITHFUL
    )
    character_sheet = models.TextField(
        _("characters"),
        blank=True,
        help_text=_("Who is in the book and how they look; every picture follows it."),
    )
    cover_prompt = models.TextField(blank=True)
    cover_image = models.FileField(upload_to="books/", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    status_message = models.CharField(max_length=200, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    generation_started_at = models.DateTimeField(null=True, blank=True)
    # When the first page was claimed: the deadline counts from here, so waiting in line never fails a book.
    drawing_started_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # When the admission queue let the book start (books/admission.py); empty while it waits in line.
    admitted_at = models.DateTimeField(null=True, blank=True)

    objects = BookQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="book_owner_created"),
            # The trash: a handful of rows per user, found by owner and by age for the purge.
            models.Index(
                fields=["owner", "-deleted_at"], condition=Q(deleted_at__isnull=False), name="book_trash"
            ),
            models.Index(fields=["deleted_at"], condition=Q(deleted_at__isnull=False), name="book_deleted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(num_pages__gte=5) & Q(num_pages__lte=20), name="book_num_pages_5_to_20"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("story"), 10_000), name="book_story_max_10000_chars"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="book_progress_max_100"),
        ]

    def __str__(self) -> str:
        return self.title or self.theme or str(self.id)

    @property
    def display_title(self) -> str:
        return self.title or self.theme or _("Untitled book")

    @property
    def is_in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.GENERATING)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.GENERATED, self.Status.FAILED)


class Page(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Drawing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    illustration_prompt = models.TextField(blank=True)
    image = models.FileField(upload_to="books/", blank=True)
    thumbnail = models.FileField(upload_to="books/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    provider = models.CharField(max_length=40, blank=True)
    model = models.CharField(max_length=100, blank=True)
    generation_ms = models.PositiveIntegerField(null=True, blank=True)
    prompt_versions = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error_message = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["book", "number"]
        constraints = [models.UniqueConstraint(fields=["book", "number"], name="page_number_unique_per_book")]

    def __str__(self) -> str:
        return f"{self.book} p.{self.number}"


class GenerationJob(models.Model):
    """One generation request: a whole book or one page regeneration (each costs 1 request of quota)."""

    class Kind(models.TextChoices):
        BOOK = "book", _("Whole book")
        PAGE = "page", _("Page regeneration")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Step(models.TextChoices):
        STORY = "story", _("Writing the story")
        PAGES = "pages", _("Drawing the pages")
        ASSEMBLING = "assembling", _("Assembling the PDF")
        DONE = "done", _("Done")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BOOK)
    # Kept when a book is deleted forever: today's requests still count against the quota.
    book = models.ForeignKey(Book, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generation_jobs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    step = models.CharField(max_length=12, choices=Step.choices, default=Step.STORY)
    celery_task_id = models.CharField(max_length=255, blank=True)
    retries = models.PositiveSmallIntegerField(default=0)
    error_details = models.JSONField(default=dict, blank=True)
    quota_refunded = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "created_at"], name="job_user_created"),
            models.Index(fields=["status", "created_at"], name="job_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.book}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


def _share_token() -> str:
    return secrets.token_urlsafe(24)


class ShareLinkQuerySet(models.QuerySet):
    def active(self, now=None) -> ShareLinkQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ShareLink(models.Model):
    """A public, read-only link to one book; anyone holding the token can read it until it ends."""

    class Expiry(models.TextChoices):
        DAY = "1d", _("1 day")
        WEEK = "7d", _("7 days")
        MONTH = "30d", _("30 days")
        NEVER = "never", _("Never")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, default=_share_token, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.book} · {self.get_state_display()}"

    @property
    def state(self) -> str:
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at and self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.ACTIVE

    def get_state_display(self) -> str:
        return self.State(self.state).label

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE
