from django.contrib import admin

from books.models import Book, GenerationJob, Page, Style


@admin.register(Style)
class StyleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


class PageInline(admin.TabularInline):
    model = Page
    extra = 0
    fields = ["number", "status", "text", "provider", "generation_ms", "attempts", "error_message"]
    readonly_fields = ["provider", "generation_ms", "attempts"]


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = [
        "display_title",
        "owner",
        "style",
        "num_pages",
        "language",
        "status",
        "progress",
        "created_at",
    ]
    list_filter = ["status", "style", "language", "created_at"]
    search_fields = ["title", "theme", "owner__email"]
    raw_id_fields = ["owner"]
    readonly_fields = ["id", "created_at", "updated_at", "generation_started_at", "generated_at"]
    inlines = [PageInline]


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "book", "user", "status", "step", "retries", "created_at", "finished_at"]
    list_filter = ["kind", "status", "step"]
    raw_id_fields = ["book", "page", "user"]
