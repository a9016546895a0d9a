"""Books and their pages: parse, find the user's object (404 for anyone else's), call the service, render."""

from __future__ import annotations

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import error_responses
from api.serializers import (
    BookCreateSerializer,
    BookDetailSerializer,
    BookSerializer,
    BookUpdateSerializer,
    ErrorSerializer,
    RegenerateSerializer,
    StyleSerializer,
)
from api.throttles import BookCreateThrottle
from audit.services import AuditAction, audit_record
from books.editing import book_rename, page_regenerate, page_update_text, pages_reorder
from books.errors import BookInvalid
from books.models import Book, Page, Style
from books.selectors import DEFAULT_SORT, SORTS, book_list_for, trash_for
from books.services import book_create, book_retry, book_update_characters
from books.submissions import (
    submission_claim,
    submission_complete,
    submission_fingerprint,
    submission_key_check,
    submission_release,
)
from books.trash import book_restore, book_trash

MAX_PAGE_NUMBER = 1000


def book_for(request, book_id) -> Book:
    """The user's book (not in the trash); a 404 for anyone else's."""
    book = get_object_or_404(Book.objects.visible_to(request.user).select_related("style"), id=book_id)
    book.owner = request.user  # the owner is who asked (visible_to): no second query for the user
    return book


def page_for(book: Book, number: int) -> Page:
    # Django's int converter takes any number of digits; the database's integers do not.
    if number > MAX_PAGE_NUMBER:
        raise Http404
    return get_object_or_404(Page, book=book, number=number)


def _detail(request, book: Book, *, reload: bool = True) -> dict:
    """After a write the book is read again; a book just loaded for a GET only needs its pages."""
    if reload:
        book = Book.objects.select_related("style").prefetch_related("pages").get(pk=book.pk)
    else:
        prefetch_related_objects([book], "pages")
    return BookDetailSerializer(book, context={"request": request}).data


class StyleList(generics.ListAPIView):
    serializer_class = StyleSerializer

    @extend_schema(
        summary="Art styles a book can be drawn in",
        responses={200: StyleSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Style.objects.filter(is_active=True)


class BookListQuery(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    style = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    status = serializers.ChoiceField(Book.Status.choices, required=False, allow_blank=True, default="")
    ordering = serializers.ChoiceField(list(SORTS), required=False, default=DEFAULT_SORT)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string up to 255 characters (a UUID is fine), kept 24 hours per user. "
        "A retry with the same key and body returns the first book; with another body, 422."
    ),
)


class BookList(generics.ListAPIView):
    serializer_class = BookSerializer

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, BookCreateThrottle()] if self.request.method == "POST" else throttles

    @extend_schema(
        summary="My books (not in the trash)",
        parameters=[BookListQuery],
        responses={200: BookSerializer(many=True), **error_responses(400)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = BookListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        return book_list_for(
            self.request.user,
            q=params["search"],
            style=params["style"],
            status=params["status"],
            sort=params["ordering"],
        )

    @extend_schema(
        summary="Make a book",
        description=(
            "The book is drawn in the background: follow `Location` (or the WebSocket) for progress. "
            "Send an `Idempotency-Key` to retry safely: the same key with the same body answers with "
            "the book the first request made (header `Idempotent-Replayed: true`) instead of a new one."
        ),
        request=BookCreateSerializer,
        examples=[
            OpenApiExample(
                "Five pages in the cartoon style",
                value={"style": "cartoon", "num_pages": 5, "theme": "a turtle learning to swim"},
                request_only=True,
            )
        ],
        parameters=[IDEMPOTENCY_KEY],
        responses={
            202: BookDetailSerializer,
            **error_responses(400, 409, 413),
            422: OpenApiResponse(
                ErrorSerializer, description="This `Idempotency-Key` was already used with another body."
            ),
        },
    )
    def post(self, request):
        data = BookCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return _created(request, book_create(owner=request.user, **data.validated_data))
        key = submission_key_check(key)
        fingerprint = submission_fingerprint(data.validated_data)
        first = submission_claim(user=request.user, scope="api", key=key, fingerprint=fingerprint)
        if first is not None:
            book = get_object_or_404(Book.objects.visible_to(request.user), id=first.book_id)
            return _created(request, book, replayed=True)
        try:
            book = book_create(owner=request.user, **data.validated_data)
        except BaseException:
            submission_release(user=request.user, scope="api", key=key)
            raise
        submission_complete(user=request.user, scope="api", key=key, fingerprint=fingerprint, book_id=book.id)
        return _created(request, book)


def _created(request, book: Book, *, replayed: bool = False) -> Response:
    location = request.build_absolute_uri(reverse("api:book-detail", args=[book.id]))
    headers = {"Location": location}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
        return Response(_detail(request, book), status=status.HTTP_202_ACCEPTED, headers=headers)
    # The book as it was made (`queued`), not re-read: the worker may already have started on it.
    body = BookDetailSerializer(book, context={"request": request}).data
    return Response(body, status=status.HTTP_202_ACCEPTED, headers=headers)


class BookDetail(APIView):
    @extend_schema(
        summary="A book with its pages", responses={200: BookDetailSerializer, **error_responses(404)}
    )
    def get(self, request, book_id):
        return Response(_detail(request, book_for(request, book_id), reload=False))

    @extend_schema(
        summary="Rename the book, change its characters, pages' words and page order",
        description="All or nothing: if one change is refused, none is kept.",
        request=BookUpdateSerializer,
        responses={200: BookDetailSerializer, **error_responses(400, 404, 409)},
    )
    def patch(self, request, book_id):
        book = book_for(request, book_id)
        data = BookUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes, user = data.validated_data, request.user
        with transaction.atomic():
            if "title" in changes:
                book_rename(book=book, user=user, title=changes["title"])
            if "character_sheet" in changes:
                book_update_characters(book=book, user=user, character_sheet=changes["character_sheet"])
            for change in changes.get("pages", []):
                _page_text(book, user, change["number"], change["text"])
            if "order" in changes:
                pages_reorder(book=book, user=user, order=changes["order"])
        return Response(_detail(request, book))

    @extend_schema(
        summary="Move the book to the trash",
        description="It can be restored for 30 days, then it is deleted for good.",
        responses={204: None, **error_responses(404, 409)},
    )
    def delete(self, request, book_id):
        book = book_trash(book=book_for(request, book_id))
        audit_record(AuditAction.BOOK_DELETED, request=request, target=book)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _page_text(book: Book, user, number: int, text: str) -> None:
    page = book.pages.filter(number=number).first()
    field = f"pages.{number}.text"
    if page is None:
        message = _("This book has no page %(number)s.") % {"number": number}
        raise BookInvalid(message, details={field: message})
    try:
        page_update_text(page=page, user=user, text=text)
    except BookInvalid as exc:
        raise BookInvalid(exc.message, details={field: exc.message}) from exc


class BookRestore(APIView):
    @extend_schema(
        summary="Bring a book back from the trash",
        request=None,
        responses={200: BookDetailSerializer, **error_responses(404)},
    )
    def post(self, request, book_id):
        book = book_restore(book=get_object_or_404(trash_for(request.user), id=book_id))
        audit_record(AuditAction.BOOK_RESTORED, request=request, target=book)
        return Response(_detail(request, book))


class BookRetry(APIView):
    @extend_schema(
        summary="Try a failed book again",
        description=(
            "Draws what is missing; costs one generation request of the daily quota (given back if it "
            "fails again). At most `BOOK_RETRIES_PER_DAY` times a day for one book: then 429, "
            "`details.limit = book_retries`, with `resets_at` and `Retry-After`."
        ),
        request=None,
        responses={202: BookDetailSerializer, **error_responses(404, 409)},
    )
    def post(self, request, book_id):
        book = book_retry(book=book_for(request, book_id), user=request.user)
        location = request.build_absolute_uri(reverse("api:book-detail", args=[book.id]))
        return Response(
            _detail(request, book), status=status.HTTP_202_ACCEPTED, headers={"Location": location}
        )


class PageRegenerate(APIView):
    @extend_schema(
        summary="Draw one page again",
        description="Costs one generation request of the daily quota; the page is drawn in the background.",
        request=RegenerateSerializer,
        responses={202: BookDetailSerializer, **error_responses(400, 404, 409)},
    )
    def post(self, request, book_id, number):
        book = book_for(request, book_id)
        page = page_for(book, number)
        data = RegenerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        page_regenerate(page=page, user=request.user, instructions=data.validated_data["instructions"])
        location = request.build_absolute_uri(reverse("api:book-detail", args=[book.id]))
        return Response(
            _detail(request, book), status=status.HTTP_202_ACCEPTED, headers={"Location": location}
        )


class PassthroughRenderer(BaseRenderer):
    """Lets a client that asks for ``image/png`` reach a view that answers with a file."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PageImage(APIView):
    renderer_classes = [JSONRenderer, PassthroughRenderer]
    field = "image"

    @extend_schema(
        summary="A page's picture (PNG)",
        responses={
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="The picture."),
            **error_responses(404),
        },
    )
    def get(self, request, book_id, number):
        page = page_for(book_for(request, book_id), number)
        picture = getattr(page, self.field)
        if not picture:
            raise Http404
        return FileResponse(picture.open("rb"), content_type="image/png")


class PageThumbnail(PageImage):
    field = "thumbnail"
