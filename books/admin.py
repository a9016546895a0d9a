"""Styles, and the generation monitor: books and generation jobs with their state, and the
actions staff take on them (retry, cancel, give the request back) through the same services
the site uses."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ai.models import AICall
from books.backoffice import generation_jobs_give_back
from books.generation import book_fail
from books.models import Book, GenerationJob, Page, Style
from books.services import book_retry
from fabrica.errors import ApplicationError

CANCEL_MESSAGE = gettext_lazy(
    "Our team stopped this book. It did not count against your quota; please try again."
)


@admin.register(Style)
class StyleAdmin(admin.ModelAdmin):
    list_display = ["preview", "name", "slug", "short_prompt", "sort_order", "is_active"]
    list_display_links = ["name"]
    list_editable = ["sort_order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        "description",
        "prompt_fragment",
        "sample_image",
        "large_preview",
        "sort_order",
        "is_active",
    ]
    readonly_fields = ["large_preview"]

    @admin.display(description=gettext_lazy("Sample"))
    def preview(self, obj: Style) -> str:
        return _sample_img(obj, height=60)

    @admin.display(description=gettext_lazy("Sample picture as shown"))
    def large_preview(self, obj: Style) -> str:
        return _sample_img(obj, height=240) or _(
            "None yet: upload one, or run manage.py seed_catalog to draw one."
        )

    @admin.display(description=gettext_lazy("Prompt fragment"))
    def short_prompt(self, obj: Style) -> str:
        return obj.prompt_fragment[:80]


def _sample_img(style: Style, *, height: int) -> str:
    if not style.sample_image:
        return ""
    return format_html('<img src="{}" alt="" style="height:{}px;width:auto">', style.sample_image.url, height)


class PageInline(admin.TabularInline):
    model = Page
    extra = 0
    fields = ["number", "status", "text", "provider", "generation_ms", "attempts", "error_message"]
    readonly_fields = ["provider", "generation_ms", "attempts"]


def _last_image_provider(book_field: str) -> Subquery:
    """The provider of the book's latest picture: the one that drew it, or the last one tried."""
    calls = AICall.objects.filter(book=OuterRef(book_field), capability="image").order_by("-id")
    return Subquery(calls.values("provider")[:1])


def _duration(start, end) -> str:
    if not (start and end):
        return "—"
    seconds = int((end - start).total_seconds())
    return f"{seconds // 60}:{seconds % 60:02d}"


def _retry(modeladmin, request, books) -> None:
    retried = 0
    for book in books:
        try:
            book_retry(book=book, user=book.owner, capped=False)  # staff weigh the cost themselves
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{book.display_title}: {exc.message}", messages.WARNING)
        else:
            retried += 1
    if not retried and not books:
        modeladmin.message_user(
            request, _("None of the selected books has failed; nothing to retry."), messages.WARNING
        )
        return
    modeladmin.message_user(
        request,
        ngettext(
            "Queued %(count)s book again; pages already drawn are kept.",
            "Queued %(count)s books again; pages already drawn are kept.",
            retried,
        )
        % {"count": retried},
    )


def _cancel(modeladmin, request, books) -> None:
    stopped = sum(book_fail(book_id=book.id, message=str(CANCEL_MESSAGE)) for book in books)
    if not stopped:
        modeladmin.message_user(
            request, _("None of the selected books was being made; nothing to stop."), messages.WARNING
        )
        return
    modeladmin.message_user(
        request,
        ngettext(
            "Stopped %(count)s book; its request was given back.",
            "Stopped %(count)s books; their requests were given back.",
            stopped,
        )
        % {"count": stopped},
    )


def _give_back(modeladmin, request, jobs) -> None:
    given = generation_jobs_give_back(jobs=jobs)
    if not given:
        modeladmin.message_user(
            request, _("Those requests were already given back; nothing changed."), messages.WARNING
        )
        return
    modeladmin.message_user(
        request,
        ngettext(
            "Gave back %(count)s request; it no longer counts against the daily quota.",
            "Gave back %(count)s requests; they no longer count against the daily quota.",
            given,
        )
        % {"count": given},
    )


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = [
        "display_title",
        "owner",
        "style",
        "num_pages",
        "status",
        "progress",
        "duration",
        "provider",
        "short_error",
        "created_at",
    ]
    list_filter = ["status", "style", "language", "created_at"]
    list_select_related = ["owner", "style"]
    search_fields = ["title", "theme", "owner__email"]
    raw_id_fields = ["owner"]
    readonly_fields = ["id", "created_at", "updated_at", "generation_started_at", "generated_at"]
    inlines = [PageInline]
    actions = ["retry_failed_pages", "cancel", "give_back_quota"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(last_provider=_last_image_provider("pk"))

    @admin.display(description=gettext_lazy("Duration"))
    def duration(self, obj: Book) -> str:
        return _duration(obj.generation_started_at, obj.generated_at)

    @admin.display(description=gettext_lazy("Provider"), ordering="last_provider")
    def provider(self, obj: Book) -> str:
        return obj.last_provider or "—"

    @admin.display(description=gettext_lazy("Error"))
    def short_error(self, obj: Book) -> str:
        return obj.error_message[:80]

    @admin.action(
        description=gettext_lazy("Retry the failed pages (keeps those already drawn)"), permissions=["change"]
    )
    def retry_failed_pages(self, request, queryset) -> None:
        _retry(self, request, queryset.filter(status=Book.Status.FAILED).select_related("owner"))

    @admin.action(
        description=gettext_lazy("Cancel: stop the book and give the request back"), permissions=["change"]
    )
    def cancel(self, request, queryset) -> None:
        _cancel(self, request, queryset.filter(status__in=[Book.Status.QUEUED, Book.Status.GENERATING]))

    @admin.action(
        description=gettext_lazy("Give the quota back (the requests stop counting)"), permissions=["change"]
    )
    def give_back_quota(self, request, queryset) -> None:
        _give_back(self, request, GenerationJob.objects.filter(book__in=queryset))


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "book",
        "user",
        "status",
        "step",
        "retries",
        "duration",
        "provider",
        "quota_refunded",
        "error",
        "created_at",
    ]
    list_filter = ["kind", "status", "step", "quota_refunded", "created_at"]
    list_select_related = ["book", "user"]
    search_fields = ["book__title", "user__email", "celery_task_id"]
    raw_id_fields = ["book", "page", "user"]
    actions = ["retry_failed_pages", "cancel", "give_back_quota"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(last_provider=_last_image_provider("book"))

    @admin.display(description=gettext_lazy("Duration"))
    def duration(self, obj: GenerationJob) -> str:
        return _duration(obj.started_at, obj.finished_at)

    @admin.display(description=gettext_lazy("Provider"), ordering="last_provider")
    def provider(self, obj: GenerationJob) -> str:
        return obj.last_provider or "—"

    @admin.display(description=gettext_lazy("Error"))
    def error(self, obj: GenerationJob) -> str:
        return str(obj.error_details.get("message", ""))[:80] if obj.error_details else ""

    def _books(self, queryset, **filters):
        return Book.objects.filter(jobs__in=queryset, **filters).distinct().select_related("owner")

    @admin.action(description=gettext_lazy("Retry the books' failed pages"), permissions=["change"])
    def retry_failed_pages(self, request, queryset) -> None:
        _retry(self, request, self._books(queryset, status=Book.Status.FAILED))

    @admin.action(
        description=gettext_lazy("Cancel the books and give their requests back"), permissions=["change"]
    )
    def cancel(self, request, queryset) -> None:
        _cancel(self, request, self._books(queryset, status__in=[Book.Status.QUEUED, Book.Status.GENERATING]))

    @admin.action(
        description=gettext_lazy("Give the quota back (the requests stop counting)"), permissions=["change"]
    )
    def give_back_quota(self, request, queryset) -> None:
        _give_back(self, request, queryset)
