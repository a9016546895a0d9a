"""Asking for a book's files and downloading them.

POST /books/<id>/export/<format>/ asks for a file (built in Celery unless cached); GET
downloads it. Only the owner (or, later, a valid share token) gets anything: another user's
book is a 404, and files are never at a guessable public URL. Browsers get pages and
messages; clients sending ``Accept: application/json`` get JSON and the API's error shape.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from audit.services import AuditAction, audit_record
from books.models import Book
from exports.errors import ExportInvalid
from exports.models import Export
from exports.options import export_content_type, export_filename
from exports.selectors import book_for_download, export_download_url, export_snapshot, panel_context
from exports.services import export_register_download, export_request
from exports.storage import presigned_url
from fabrica.errors import ApplicationError

TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@login_required
@require_GET
def export_panel(request: HttpRequest, book_id) -> HttpResponse:
    book = book_for_download(user=request.user, book_id=book_id)
    if book is None:
        raise Http404
    return render(request, "exports/_panel.html", panel_context(book=book, user=request.user))


@require_http_methods(["GET", "POST"])
def export_file(request: HttpRequest, book_id, format: str) -> HttpResponse:
    share_token = request.GET.get("share") if request.method == "GET" else None
    if not request.user.is_authenticated and not share_token:
        return redirect_to_login(request.get_full_path())
    book = book_for_download(user=request.user, book_id=book_id, share_token=share_token, format=format)
    if book is None:
        return _not_found(request)
    params = request.POST if request.method == "POST" else request.GET
    try:
        export = export_request(
            book=book,
            format=format,
            paper=params.get("paper") or None,
            single_sided=_flag(params.get("single_sided")),
        )
    except ApplicationError as exc:
        return _error(request, book, exc)
    downloading = request.method == "GET" and export.is_ready
    action = AuditAction.EXPORT_DOWNLOADED if downloading else AuditAction.EXPORT_REQUESTED
    audit_record(action, request=request, target=export)
    if request.method == "POST":
        return _requested(request, book, export)
    if export.is_ready:
        return export_download_response(export)
    return _on_its_way(request, book, export)


def export_download_response(export: Export) -> HttpResponse:
    """The file itself: streamed from local storage, or a short-lived presigned S3 URL."""
    export_register_download(export=export)
    filename, content_type = export_filename(export), export_content_type(export)
    url = presigned_url(export.file.name, filename=filename, content_type=content_type)
    if url:
        return HttpResponseRedirect(url)
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )


def _requested(request: HttpRequest, book: Book, export: Export) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"export": export_snapshot(export)}, status=200 if export.is_ready else 202)
    if export.is_ready:
        url = export_download_url(export)
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if request.htmx:
        return render(request, "exports/_panel.html", panel_context(book=book, user=request.user))
    return _on_its_way(request, book, export)


def _on_its_way(request: HttpRequest, book: Book, export: Export) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"export": export_snapshot(export)}, status=202)
    messages.info(
        request, _("We are making this file. It will be ready to download on this page in a moment.")
    )
    return redirect(reverse("books:detail", args=[book.id]) + "#exports")


def _error(request: HttpRequest, book: Book, exc: ApplicationError) -> HttpResponse:
    if _wants_json(request):
        return _json_error(exc.code, exc.message, exc.details, status=exc.status_code)
    context = {"book": book, "message": exc.message}
    return render(request, "exports/error.html", context, status=exc.status_code)


def _not_found(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return _json_error("not_found", _("No such book."), {}, status=404)
    raise Http404


def _json_error(code: str, message: str, details: dict, *, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": str(message), "details": details}}, status=status)


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _flag(value: str | None) -> bool | None:
    """A yes/no option; missing or empty means "the format's default"."""
    if not value:
        return None
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ExportInvalid(
        _("single_sided must be 1 or 0, not “%(value)s”.") % {"value": value}, details={"single_sided": value}
    )
