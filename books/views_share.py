"""Sharing a book: the owner's links panel, and the public read-only reader at /s/<token>/."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import AuditAction, audit_record
from books.errors import BookInvalid, InvalidTransition
from books.models import Book, Page, ShareLink
from books.sharing import (
    ShareGone,
    share_link_count_view,
    share_link_create,
    share_link_open,
    share_link_revoke,
    share_links_for,
)
from books.views import _get_book_for_user
from exports.models import Export
from exports.selectors import book_for_download
from exports.services import export_request
from exports.views import export_download_response
from fabrica.errors import ApplicationError

# --- The owner's side: make, list and stop links (a panel on the book page) -----------------


def share_panel_context(request: HttpRequest, book: Book, **extra) -> dict:
    links = share_links_for(book=book)
    for link in links:
        link.url = request.build_absolute_uri(reverse("share:book", args=[link.token]))
    return {
        "book": book,
        "links": links,
        "expiry_choices": ShareLink.Expiry.choices,
        "default_expiry": ShareLink.Expiry.WEEK,
        **extra,
    }


def _panel_or_redirect(request: HttpRequest, book: Book, *, error: str = "", created=None) -> HttpResponse:
    if request.htmx:
        context = share_panel_context(request, book, error=error, created=created)
        return render(request, "share/_panel.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    elif created:
        messages.success(request, _("Your link is ready. Copy it from the list below."))
    return redirect(reverse("books:detail", args=[book.id]) + "#share")


@login_required
def book_share(request: HttpRequest, book_id) -> HttpResponse:
    """GET: the panel (for HTMX). POST: make a new link."""
    book = _get_book_for_user(request, book_id)
    if request.method != "POST":
        return render(request, "share/_panel.html", share_panel_context(request, book))
    try:
        link = share_link_create(book=book, expiry=request.POST.get("expiry", ""))
    except (BookInvalid, InvalidTransition) as exc:
        return _panel_or_redirect(request, book, error=exc.message)
    audit_record(AuditAction.SHARE_CREATED, request=request, target=link, details={"book": str(book.id)})
    return _panel_or_redirect(request, book, created=link)


@login_required
@require_POST
def book_share_revoke(request: HttpRequest, book_id, link_id: int) -> HttpResponse:
    book = _get_book_for_user(request, book_id)
    link = share_link_revoke(link=get_object_or_404(ShareLink, id=link_id, book=book))
    audit_record(AuditAction.SHARE_REVOKED, request=request, target=link, details={"book": str(book.id)})
    if not request.htmx:
        messages.success(request, _("That link no longer works."))
    return _panel_or_redirect(request, book)


# --- The public side: anyone holding a working token -----------------------------------------


def _shared(view):
    """Open the link named in the URL: 404 if it never existed, a friendly 410 if it ended."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        try:
            link = share_link_open(token=token)
        except ShareLink.DoesNotExist:
            raise Http404 from None
        except ShareGone as exc:
            return render(request, "share/gone.html", {"message": exc.message}, status=410)
        response = view(request, link, *args, **kwargs)
        # Shared pages are for the people who were given the link, not for search engines.
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _open_graph(request: HttpRequest, link: ShareLink, pages: list[Page]) -> dict:
    book = link.book
    first_text = next((page.text for page in pages if page.text), "")
    return {
        "title": book.display_title,
        "description": first_text or book.theme,
        "url": request.build_absolute_uri(reverse("share:book", args=[link.token])),
        "image": request.build_absolute_uri(reverse("share:cover", args=[link.token]))
        if book.cover_image
        else "",
    }


def _pages(book: Book) -> list[Page]:
    # "book" too: the related manager reads each row's book_id, a query per page when deferred.
    return list(book.pages.order_by("number").only("book", "number", "text", "status", "image", "thumbnail"))


@_shared
def share_book(request: HttpRequest, link: ShareLink) -> HttpResponse:
    """The shared book's front page: cover, title, every page; one view per load."""
    share_link_count_view(link=link)
    pages = _pages(link.book)
    context = {"link": link, "book": link.book, "pages": pages, "og": _open_graph(request, link, pages)}
    return render(request, "share/book.html", context)


@_shared
def share_page(request: HttpRequest, link: ShareLink, number: int) -> HttpResponse:
    """One page at a time; HTMX swaps just the spread when the reader turns the page."""
    pages = _pages(link.book)
    page = next((page for page in pages if page.number == number), None)
    if page is None:
        raise Http404
    context = {
        "link": link,
        "book": link.book,
        "page": page,
        "previous": number - 1 if number > pages[0].number else None,
        "next": number + 1 if number < pages[-1].number else None,
        "total": len(pages),
        "og": _open_graph(request, link, pages),
    }
    template = "share/page.html#spread" if request.htmx and not request.htmx.history_restore_request else None
    response = render(request, template or "share/page.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _file(field) -> FileResponse:
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), content_type="image/png")


@_shared
def share_cover(request: HttpRequest, link: ShareLink) -> FileResponse:
    return _file(link.book.cover_image)


@_shared
def share_page_image(request: HttpRequest, link: ShareLink, number: int) -> FileResponse:
    return _file(get_object_or_404(Page, book=link.book, number=number).image)


@_shared
def share_page_thumbnail(request: HttpRequest, link: ShareLink, number: int) -> FileResponse:
    return _file(get_object_or_404(Page, book=link.book, number=number).thumbnail)


@_shared
def share_download(request: HttpRequest, link: ShareLink) -> HttpResponse:
    """The print PDF, through the exports' owner-or-share check like every other download."""
    book = book_for_download(
        user=request.user, book_id=link.book_id, share_token=link.token, format=Export.Format.PRINT
    )
    if book is None:
        raise Http404
    try:
        export = export_request(book=book, format=Export.Format.PRINT)
    except ApplicationError as exc:
        return render(request, "share/preparing.html", {"link": link, "book": book, "message": exc.message})
    if export.is_ready:
        audit_record(AuditAction.EXPORT_DOWNLOADED, request=request, target=export, details={"via": "share"})
        return export_download_response(export)
    return render(request, "share/preparing.html", {"link": link, "book": book, "building": True}, status=202)
