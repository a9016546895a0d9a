"""A book's files and share links."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.downloads import download_export, download_url
from api.schema import error_responses
from api.serializers import (
    ExportRequestSerializer,
    ExportSerializer,
    ShareCreateSerializer,
    ShareLinkSerializer,
)
from api.views_books import PassthroughRenderer, book_for
from audit.services import AuditAction, audit_record
from books.sharing import share_link_create, share_link_of_book, share_link_revoke, share_links_for
from exports.models import Export
from exports.services import export_request
from exports.views import export_download_response


def _export_data(request, export: Export) -> dict:
    context = {"request": request, "download_url": download_url(request, export)}
    return ExportSerializer(export, context=context).data


class BookExports(APIView):
    @extend_schema(
        summary="Ask for a file of the book",
        description=(
            "The same book, format and options give the same file. 200 with a `download_url` when it is "
            "already made; 202 while it is being made: poll `Location` until `status` is `ready`."
        ),
        request=ExportRequestSerializer,
        responses={
            200: OpenApiResponse(ExportSerializer, description="Ready to download."),
            202: OpenApiResponse(ExportSerializer, description="Being made."),
            **error_responses(400, 404, 409),
        },
    )
    def post(self, request, book_id):
        book = book_for(request, book_id)
        data = ExportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        export = export_request(book=book, **data.validated_data)
        audit_record(AuditAction.EXPORT_REQUESTED, request=request, target=export)
        location = request.build_absolute_uri(reverse("api:export-detail", args=[export.id]))
        code = status.HTTP_200_OK if export.is_ready else status.HTTP_202_ACCEPTED
        return Response(_export_data(request, export), status=code, headers={"Location": location})


class ExportDetail(APIView):
    @extend_schema(
        summary="A file's state, with a short-lived download URL once it is ready",
        responses={200: ExportSerializer, **error_responses(404)},
    )
    def get(self, request, export_id):
        exports = Export.objects.filter(book__owner=request.user, book__deleted_at__isnull=True)
        export = get_object_or_404(exports.select_related("book"), id=export_id)
        return Response(_export_data(request, export))


class ExportDownload(APIView):
    """The signed link is the credential (like an S3 presigned URL): tools without the token can fetch it."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, PassthroughRenderer]

    @extend_schema(
        summary="Download a file (signed, short-lived link from the export)",
        auth=[],
        responses={
            # The file's own type (exports.options.FILE_TYPES), not a generic octet-stream.
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="A PDF."),
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The pages' PNGs."),
            302: OpenApiResponse(description="Redirect to the file in object storage."),
            404: error_responses(404)[404],
            429: error_responses()[429],
        },
    )
    def get(self, request, export_id, signature):
        export = download_export(export_id=export_id, signature=signature)
        if export is None:
            raise Http404
        audit_record(AuditAction.EXPORT_DOWNLOADED, request=request, target=export, details={"signed": True})
        return export_download_response(export)


class BookShares(generics.ListAPIView):
    serializer_class = ShareLinkSerializer

    @extend_schema(
        summary="The book's share links",
        responses={200: ShareLinkSerializer(many=True), **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return share_links_for(book=book_for(self.request, self.kwargs["book_id"]))

    @extend_schema(
        summary="Share the book with a public read-only link",
        request=ShareCreateSerializer,
        responses={201: ShareLinkSerializer, **error_responses(400, 404, 409)},
    )
    def post(self, request, book_id):
        book = book_for(request, book_id)
        data = ShareCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link = share_link_create(book=book, expiry=data.validated_data["expiry"])
        audit_record(AuditAction.SHARE_CREATED, request=request, target=link, details={"book": str(book.id)})
        body = ShareLinkSerializer(link, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


class BookShareRevoke(APIView):
    @extend_schema(
        summary="Stop a share link (by its id or its token)",
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request, book_id, key):
        link = share_link_of_book(book=book_for(request, book_id), key=key)
        if link is None:
            raise Http404
        share_link_revoke(link=link)
        audit_record(AuditAction.SHARE_REVOKED, request=request, target=link, details={"book": str(book_id)})
        return Response(status=status.HTTP_204_NO_CONTENT)
