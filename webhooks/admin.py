from django.contrib import admin

from webhooks.models import Webhook, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "is_active", "consecutive_failures", "last_success_at", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "owner__email"]
    raw_id_fields = ["owner"]
    readonly_fields = ["consecutive_failures", "disabled_at", "last_success_at", "created_at"]
    exclude = ["secret_encrypted"]  # the signing secret is the owner's, not the operators'


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
