"""What the API reads and writes. Input serializers only check types; the services hold the rules."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from books.admission import Admission, book_admission
from books.models import Book, Page, ShareLink, Style
from books.progress import admission_message
from exports.models import Export
from exports.options import PAPERS


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField(help_text="For 400s: field name → list of messages.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# --- Books ------------------------------------------------------------------------------------


class StyleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Style
        fields = ["slug", "name", "description"]


class BookCreateSerializer(serializers.Serializer):
    style = serializers.CharField(max_length=50)
    num_pages = serializers.IntegerField()
    theme = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    educational_goal = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    language = serializers.CharField(required=False, default="pt-BR", max_length=5)
    age_range = serializers.CharField(required=False, default="4-6", max_length=5)
    narrative_source = serializers.ChoiceField(Book.Narrative.choices, required=False, default="generated")
    story = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    liberty = serializers.ChoiceField(Book.Liberty.choices, required=False, default="faithful")


class PageTextSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=1000)
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class BookUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    character_sheet = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    pages = PageTextSerializer(many=True, required=False)
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=1000),
        required=False,
        max_length=100,
        help_text="The page numbers as they are now, in their new order (applied after the page texts).",
    )


class RegenerateSerializer(serializers.Serializer):
    instructions = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class PageSerializer(serializers.ModelSerializer):
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    error = serializers.CharField(source="error_message")

    class Meta:
        model = Page
        fields = ["number", "text", "status", "error", "image_url", "thumbnail_url"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_image_url(self, page: Page) -> str | None:
        return self._url(page, "api:page-image") if page.image else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_thumbnail_url(self, page: Page) -> str | None:
        return self._url(page, "api:page-thumbnail") if page.thumbnail else None

    def _url(self, page: Page, name: str) -> str:
        url = reverse(name, args=[page.book_id, page.number])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class BookSerializer(serializers.ModelSerializer):
    style = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    display_title = serializers.CharField()
    message = serializers.SerializerMethodField()
    error = serializers.CharField(source="error_message")
    url = serializers.SerializerMethodField()
    queue_position = serializers.SerializerMethodField(
        help_text="Place in the admission queue (1 = next to start); 0 once the book is drawing or done."
    )
    estimated_start = serializers.SerializerMethodField(help_text="When a waiting book should start.")
    estimated_ready = serializers.SerializerMethodField(help_text="When a book in progress should be ready.")

    class Meta:
        model = Book
        fields = [
            "id", "url", "title", "display_title", "theme", "educational_goal", "style", "num_pages",
            "language", "age_range", "narrative_source", "status", "progress", "message", "error",
            "queue_position", "estimated_start", "estimated_ready", "created_at", "generated_at",
        ]  # fmt: skip

    def _admission(self, book: Book) -> Admission:
        if not hasattr(book, "_admission"):
            book._admission = book_admission(book)
        return book._admission

    @extend_schema_field(serializers.CharField())
    def get_message(self, book: Book) -> str:
        admission = self._admission(book)
        return admission_message(admission) if admission.waiting else book.status_message

    @extend_schema_field(serializers.IntegerField())
    def get_queue_position(self, book: Book) -> int:
        admission = self._admission(book)
        return admission.ahead + 1 if admission.waiting else 0

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_estimated_start(self, book: Book) -> str | None:
        return _moment(self._admission(book).estimated_start)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_estimated_ready(self, book: Book) -> str | None:
        return _moment(self._admission(book).estimated_ready)

    @extend_schema_field(serializers.URLField())
    def get_url(self, book: Book) -> str:
        url = reverse("api:book-detail", args=[book.id])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


def _moment(value) -> str | None:
    return serializers.DateTimeField().to_representation(value) if value else None


class BookDetailSerializer(BookSerializer):
    pages = PageSerializer(many=True, read_only=True)

    class Meta(BookSerializer.Meta):
        fields = [*BookSerializer.Meta.fields, "character_sheet", "pages"]


# --- Exports and share links --------------------------------------------------------------------


class ExportRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(Export.Format.choices)
    paper = serializers.ChoiceField(PAPERS, required=False, allow_null=True, default=None)
    single_sided = serializers.BooleanField(required=False, allow_null=True, default=None)


class ExportSerializer(serializers.ModelSerializer):
    book = serializers.UUIDField(source="book_id")
    error = serializers.CharField(source="error_message")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = [
            "id", "book", "format", "paper", "single_sided", "status", "progress", "error", "size_bytes",
            "created_at", "generated_at", "expires_at", "download_url",
        ]  # fmt: skip

    @extend_schema_field(
        serializers.URLField(allow_null=True, help_text="Short-lived; ask again when it ends.")
    )
    def get_download_url(self, export: Export) -> str | None:
        return self.context.get("download_url")


class ShareCreateSerializer(serializers.Serializer):
    expiry = serializers.ChoiceField(ShareLink.Expiry.choices, default=ShareLink.Expiry.WEEK)


class ShareLinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    state = serializers.CharField()

    class Meta:
        model = ShareLink
        fields = ["id", "token", "url", "state", "expires_at", "view_count", "created_at"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, link: ShareLink) -> str:
        url = reverse("share:book", args=[link.token])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


# --- Me, badges, missions, leaderboard -----------------------------------------------------------


class QuotaSerializer(serializers.Serializer):
    concurrent = serializers.IntegerField()
    concurrent_limit = serializers.IntegerField()
    requests_today = serializers.IntegerField()
    requests_limit = serializers.IntegerField()
    requests_left = serializers.IntegerField()
    resets_at = serializers.DateTimeField()


class LevelSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    level_name = serializers.CharField()
    xp = serializers.IntegerField()
    level_xp = serializers.IntegerField()
    next_level_xp = serializers.IntegerField()
    xp_to_next = serializers.IntegerField()
    progress = serializers.IntegerField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    language = serializers.CharField()
    paper_size = serializers.CharField()
    age_range = serializers.CharField()
    default_style = serializers.CharField(allow_null=True)
    marketing_consent = serializers.BooleanField(help_text="May we send news and tips by email?")
    analytics_consent = serializers.BooleanField(help_text="May we count page and feature use (anonymously)?")
    quota = QuotaSerializer()
    level = LevelSerializer()
    streak = serializers.IntegerField()


class MeUpdateSerializer(serializers.Serializer):
    """The consents are the part of the profile the API can change; a missing one is left as it is."""

    marketing_consent = serializers.BooleanField(required=False)
    analytics_consent = serializers.BooleanField(required=False)


class BadgeSerializer(serializers.Serializer):
    slug = serializers.CharField(source="badge.slug")
    name = serializers.CharField(source="badge.name")
    description = serializers.CharField(source="badge.description")
    icon = serializers.CharField(source="badge.icon")
    value = serializers.IntegerField()
    target = serializers.IntegerField()
    percent = serializers.IntegerField()
    earned_at = serializers.DateTimeField(allow_null=True)


class MissionSerializer(serializers.Serializer):
    slug = serializers.CharField(source="template.slug")
    title = serializers.CharField(source="template.title")
    period = serializers.CharField(source="template.period")
    target = serializers.IntegerField(source="template.target")
    xp_reward = serializers.IntegerField(source="template.xp_reward")
    progress = serializers.IntegerField()
    percent = serializers.IntegerField()
    completed_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField()


class LeaderboardQuerySerializer(serializers.Serializer):
    scope = serializers.ChoiceField(["global", "friends"], default="global")
    period = serializers.ChoiceField(["week", "all"], default="all")


class LeaderboardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.IntegerField()
    level = serializers.IntegerField()
    is_me = serializers.BooleanField()


class LeaderboardSerializer(serializers.Serializer):
    scope = serializers.CharField(source="board")
    period = serializers.CharField()
    rows = LeaderboardRowSerializer(many=True)
    my_rank = serializers.IntegerField(allow_null=True)
    my_score = serializers.IntegerField()
    hidden = serializers.BooleanField()
