from django.contrib import admin

from exports.models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["book", "format", "paper", "size_bytes", "download_count", "created_at"]
    list_filter = ["format", "paper"]
    raw_id_fields = ["book"]
