from django.contrib import admin

from webhooks.models import Webhook, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Operators may turn a webhook off (with a reason) or back on; nothing else."""

    list_display = ["url", "owner", "is_active", "consecutive_failures", "last_success_at", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "owner__email"]
    # The URL is the owner's to change, through the checks that keep it off private addresses.
    readonly_fields = [
        "owner", "url", "events", "consecutive_failures", "disabled_at", "last_success_at", "created_at",
    ]  # fmt: skip
    exclude = ["secret_encrypted"]  # the signing secret is the owner's, not the operators'

    def has_add_permission(self, request):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log, read only."""

    list_display = [
        "event_type",
        "event_id",
        "attempt",
        "outcome",
        "status_code",
        "duration_ms",
        "created_at",
    ]
    list_filter = ["outcome", "event_type"]
    search_fields = ["event_id", "webhook__url", "webhook__owner__email"]
    list_select_related = ["webhook"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
