"""What staff tune in the admin (providers, prompt templates) and what every AI call left behind."""

from __future__ import annotations

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Capability(models.TextChoices):
    TEXT = "text", "Text (stories)"
    IMAGE = "image", "Image (pictures)"


class ProviderSetting(models.Model):
    """Admin override of one provider for one capability: on/off, order, model, timeout, key.

    With no rows for a capability the order comes from ``AI_TEXT_PROVIDERS`` /
    ``AI_IMAGE_PROVIDERS``. An API key in the environment wins over one entered here.
    """

    provider = models.CharField(max_length=30)
    capability = models.CharField(max_length=5, choices=Capability.choices)
    enabled = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(default=10, help_text="Lower runs first.")
    model = models.CharField(max_length=100, blank=True, help_text="Empty: the provider's default model.")
    timeout_seconds = models.FloatField(default=60.0)
    max_concurrent = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=(
            "Calls to this provider in flight at once, across every worker; shared by its text and "
            "image calls (if both rows set it, the smaller wins). Empty: AI_CONCURRENCY_LIMITS, "
            "else AI_CONCURRENCY_DEFAULT_LIMIT."
        ),
    )
    api_key_encrypted = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["capability", "priority", "provider"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "capability"], name="ai_provider_capability_unique"),
            models.CheckConstraint(
                condition=models.Q(timeout_seconds__gt=0), name="ai_provider_timeout_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_concurrent__isnull=True) | models.Q(max_concurrent__gte=1),
                name="ai_provider_max_concurrent_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} ({self.capability})"

    @property
    def has_api_key(self) -> bool:
        return bool(self.api_key_encrypted)

    def set_api_key(self, key: str) -> None:
        from ai.secrets import encrypt

        self.api_key_encrypted = encrypt(key) if key else ""

    def api_key(self) -> str:
        from ai.secrets import decrypt

        return decrypt(self.api_key_encrypted) if self.api_key_encrypted else ""


class PromptTemplate(models.Model):
    """One version of a prompt template; the newest active version of a name is used."""

    class Name(models.TextChoices):
        STORY_SYSTEM = "story_system", "Story: instructions"
        STORY_USER = "story_user", "Story: the request"
        IMAGE_PAGE = "image_page", "Picture: a page"
        IMAGE_COVER = "image_cover", "Picture: the cover"

    name = models.CharField(max_length=30, choices=Name.choices)
    version = models.PositiveIntegerField(editable=False)
    body = models.TextField()
    is_active = models.BooleanField(default=True)
    notes = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="ai_prompt_version_unique")]

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.version is None:
            latest = PromptTemplate.objects.filter(name=self.name).aggregate(models.Max("version"))
            self.version = (latest["version__max"] or 0) + 1
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from ai.prompts import PLACEHOLDERS

        try:
            fields = {field for _, field, _, _ in string.Formatter().parse(self.body) if field}
        except ValueError as error:
            raise ValidationError(
                {"body": f"The template does not parse ({error}). Write a literal brace as {{{{ or }}}}."}
            ) from error
        unknown = fields - PLACEHOLDERS.get(self.name, frozenset())
        if unknown:
            allowed = ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS.get(self.name, ())))
            raise ValidationError(
                {"body": f"Unknown placeholders: {', '.join(sorted(unknown))}. Available: {allowed}."}
            )


class AICall(models.Model):
    """One call to one provider: the raw material of cost, latency and error-rate figures."""

    class Outcome(models.TextChoices):
        OK = "ok", "Succeeded"
        ERROR = "error", "Failed"
        TIMEOUT = "timeout", "Timed out"
        RATE_LIMITED = "rate_limited", "Rate limited"
        BLOCKED = "blocked", "Safety block"
        INVALID = "invalid", "Invalid answer"
        QC_FAILED = "qc_failed", "Failed quality check"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    provider = models.CharField(max_length=30)
    model = models.CharField(max_length=100, blank=True)
    capability = models.CharField(max_length=5, choices=Capability.choices)
    book = models.ForeignKey(
        "books.Book", null=True, blank=True, on_delete=models.SET_NULL, related_name="ai_calls"
    )
    page = models.ForeignKey(
        "books.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="ai_calls"
    )
    attempt = models.PositiveSmallIntegerField(default=1)
    latency_ms = models.PositiveIntegerField(default=0)
    tokens_in = models.PositiveIntegerField(default=0)
    tokens_out = models.PositiveIntegerField(default=0)
    images = models.PositiveSmallIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=10, decimal_places=6, default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, db_index=True)
    error_class = models.CharField(max_length=60, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    prompt_versions = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["provider", "capability", "created_at"], name="ai_call_provider_time")
        ]

    def __str__(self) -> str:
        return f"{self.provider}/{self.capability} {self.outcome} {self.latency_ms} ms"
