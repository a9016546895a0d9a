from django.contrib import admin

from exports.models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = [
        "book", "format", "paper", "single_sided", "status", "size_bytes", "download_count",
        "generated_at", "expires_at",
    ]  # fmt: skip
    list_filter = ["format", "status", "paper", "single_sided"]
    raw_id_fields = ["book"]
    readonly_fields = ["content_hash", "size_bytes", "download_count", "last_downloaded_at", "generated_at"]
    search_fields = ["book__title", "book__owner__email", "content_hash"]
