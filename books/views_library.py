"""The library (search, filters, sort, pages of covers) and the trash."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from audit.services import AuditAction, audit_record
from books.covers import cover_thumbnail
from books.errors import InvalidTransition
from books.models import Book, Style
from books.quotas import quota_usage
from books.selectors import SORTS, book_list_for, library_query, trash_for
from books.trash import TRASH_RETENTION, book_delete_forever, book_restore, book_trash, trash_purge_date
from books.views import _get_book_for_user

PAGE_SIZE = 24


@login_required
def book_list(request: HttpRequest) -> HttpResponse:
    styles = list(Style.objects.all())
    query = library_query(request.GET, style_slugs=[style.slug for style in styles])
    books = book_list_for(request.user, **query.as_kwargs())
    page = Paginator(books, PAGE_SIZE).get_page(request.GET.get("page"))
    has_books = bool(page.paginator.count) or Book.objects.visible_to(request.user).exists()
    context = {
        "page_obj": page,
        "query": query,
        "query_params": query.as_query_dict(),
        "has_books": has_books,
        "trash_count": trash_for(request.user).count(),
        "styles": styles,
        "statuses": Book.Status.choices,
        "sorts": SORTS.items(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "books/list.html#results", context)
        push_url(response, _canonical_url(request, context["query_params"], page.number))
    else:
        response = render(request, "books/list.html", {**context, "usage": quota_usage(user=request.user)})
    # The same URL answers with the whole page or with the results only.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _canonical_url(request: HttpRequest, params: QueryDict, page_number: int) -> str:
    """The address bar after a live search: only what was used, and no empty fields."""
    params = params.copy()
    if page_number > 1:
        params["page"] = page_number
    return f"{request.path}?{params.urlencode()}" if params else request.path


@login_required
def book_cover_thumbnail(request: HttpRequest, book_id) -> FileResponse:
    thumbnail = cover_thumbnail(_get_book_for_user(request, book_id))
    if thumbnail is None:
        raise Http404
    return FileResponse(thumbnail, content_type="image/png")


@login_required
def book_delete(request: HttpRequest, book_id) -> HttpResponse:
    """GET asks "are you sure?" (no script needed); POST moves the book to the trash."""
    book = _get_book_for_user(request, book_id)
    if request.method != "POST":
        return render(request, "books/confirm_delete.html", {"book": book, "retention": TRASH_RETENTION.days})
    try:
        book_trash(book=book)
    except InvalidTransition as exc:
        messages.error(request, exc.message)
        return redirect("books:detail", book.id)
    audit_record(AuditAction.BOOK_DELETED, request=request, target=book)
    messages.success(
        request,
        _("“%(title)s” is in the trash. You can bring it back from there for %(days)s days.")
        % {"title": book.display_title, "days": TRASH_RETENTION.days},
    )
    return redirect("books:list")


def _get_trashed_book_for_user(request: HttpRequest, book_id) -> Book:
    return get_object_or_404(trash_for(request.user), id=book_id)


@login_required
def trash(request: HttpRequest) -> HttpResponse:
    page = Paginator(trash_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    for book in page.object_list:
        book.purge_on = trash_purge_date(book)
    return render(request, "books/trash.html", {"page_obj": page, "retention": TRASH_RETENTION.days})


@login_required
@require_POST
def trash_restore(request: HttpRequest, book_id) -> HttpResponse:
    book = book_restore(book=_get_trashed_book_for_user(request, book_id))
    audit_record(AuditAction.BOOK_RESTORED, request=request, target=book)
    messages.success(request, _("“%(title)s” is back in your library.") % {"title": book.display_title})
    return redirect("books:trash")


@login_required
def trash_delete(request: HttpRequest, book_id) -> HttpResponse:
    """GET asks "are you sure?"; POST deletes the book and its files for good."""
    book = _get_trashed_book_for_user(request, book_id)
    if request.method != "POST":
        return render(request, "books/confirm_delete.html", {"book": book, "forever": True})
    book_delete_forever(book=book)
    audit_record(AuditAction.BOOK_PURGED, request=request, target=book)
    messages.success(request, _("“%(title)s” was deleted for good.") % {"title": book.display_title})
    return redirect("books:trash")
