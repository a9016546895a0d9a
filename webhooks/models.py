"""A user's webhook endpoints and the log of every attempt to deliver an event to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ai.secrets import SecretUnreadable, decrypt


class Event(models.TextChoices):
    BOOK_GENERATED = "book.generated", _("A book is ready")
    BOOK_FAILED = "book.failed", _("A book could not be made")
    EXPORT_READY = "export.ready", _("A file (PDF, ZIP) is ready")


# Sent by the "send a test event" button to one webhook; nobody subscribes to it.
TEST_EVENT = "webhook.test"


class Webhook(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=2000)
    events = models.JSONField(_("events"), default=list, help_text=_("Event types sent to this URL."))
    # Fernet-encrypted (ai.secrets): it must be readable to sign, so it cannot be hashed.
    secret_encrypted = models.TextField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it was turned off"), max_length=500, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text=_("Events in a row that could not be delivered.")
    )
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url

    @property
    def secret(self) -> str:
        """The signing secret; ``SecretUnreadable`` when no current key can read it."""
        return decrypt(self.secret_encrypted)

    @property
    def secret_if_readable(self) -> str | None:
        """For showing the owner: None when the secret was lost to a SECRET_KEY change."""
        try:
            return self.secret
        except SecretUnreadable:
            return None

    def get_events_display(self) -> list[str]:
        labels = dict(Event.choices)
        return [str(labels.get(event, event)) for event in self.events]


class WebhookDelivery(models.Model):
    """One attempt to deliver one event; a retry is a new row with the same ``event_id``."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SUCCEEDED = "succeeded", _("Delivered")
        RETRYING = "retrying", _("Failed, will retry")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(db_index=True)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    attempt = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True, help_text="When this attempt is due.")
    delivered_at = models.DateTimeField(null=True, blank=True, help_text="When this attempt was sent.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event_id", "attempt"], name="webhook_delivery_attempt"
            )
        ]
        indexes = [models.Index(fields=["outcome", "next_retry_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} #{self.attempt}"
