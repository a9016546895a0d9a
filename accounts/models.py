from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exports.storage import select_exports_storage


class Tier(models.Model):
    """A plan with its quotas; staff edit these in the admin."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    max_concurrent_books = models.PositiveSmallIntegerField(default=3)
    daily_requests = models.PositiveIntegerField(default=50)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default(cls) -> Tier:
        tier = cls.objects.filter(is_default=True).first()
        if tier is None:
            tier, _ = cls.objects.get_or_create(
                slug="free", defaults={"name": "Free", "max_concurrent_books": 3, "daily_requests": 50}
            )
        return tier


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        PT_BR = "pt-BR", "Português (Brasil)"
        EN = "en", "English"
        ES = "es", "Español"

    class Paper(models.TextChoices):
        A4 = "a4", "A4"
        LETTER = "letter", "US Letter"

    class AgeRange(models.TextChoices):
        TODDLER = "2-3", _("2–3 years")
        PRESCHOOL = "4-6", _("4–6 years")
        EARLY = "7-9", _("7–9 years")
        PRETEEN = "10-12", _("10–12 years")

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    default_style = models.ForeignKey(
        "books.Style",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default style"),
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.PT_BR)
    paper_size = models.CharField(_("paper size"), max_length=6, choices=Paper.choices, default=Paper.A4)
    age_range = models.CharField(_("child's age"), max_length=5, choices=AgeRange.choices, default="4-6")
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="users")
    max_concurrent_books_override = models.PositiveSmallIntegerField(null=True, blank=True)
    daily_requests_override = models.PositiveIntegerField(null=True, blank=True)
    # Consent (LGPD/GDPR): both off until the user turns them on in their settings.
    marketing_consent = models.BooleanField(_("news and tips by email"), default=False)
    analytics_consent = models.BooleanField(_("anonymous usage statistics"), default=False)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.email

    @property
    def name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def effective_tier(self) -> Tier:
        return self.tier or Tier.default()

    @property
    def max_concurrent_books(self) -> int:
        if self.max_concurrent_books_override is not None:
            return self.max_concurrent_books_override
        return self.effective_tier.max_concurrent_books

    @property
    def daily_requests(self) -> int:
        if self.daily_requests_override is not None:
            return self.daily_requests_override
        return self.effective_tier.daily_requests


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal key for the REST API. Only its SHA-256 is kept; the key itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DataExportQuerySet(models.QuerySet):
    def running(self) -> DataExportQuerySet:
        return self.filter(status__in=[DataExport.Status.PENDING, DataExport.Status.BUILDING])

    def expired(self, now=None) -> DataExportQuerySet:
        return self.filter(expires_at__lt=now or timezone.now())


class DataExport(models.Model):
    """One "download my data" archive (LGPD/GDPR): a ZIP of everything the user has here, for a while."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        BUILDING = "building", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # The private storage of built files: never at a public URL, downloads go through the owner check.
    file = models.FileField(upload_to="data-exports/", storage=select_exports_storage, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("data export")
        indexes = [models.Index(fields=["user", "-created_at"], name="dataexport_user_created")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.get_status_display()} · {self.created_at:%Y-%m-%d}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.BUILDING)

    @property
    def is_downloadable(self) -> bool:
        return (
            self.status == self.Status.READY
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )
