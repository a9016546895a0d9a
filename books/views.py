from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from ai.services import generation_cost_preview
from books.editing import page_text_clean, page_text_error
from books.errors import BookInvalid, InvalidTransition, QuotaExceeded
from books.forms import BookForm, CharactersForm
from books.models import Book, Page, Style
from books.progress import progress_snapshot
from books.quotas import quota_check, quota_usage
from books.services import book_create, book_retry, book_update_characters
from books.submissions import (
    SubmissionInProgress,
    submission_claim,
    submission_complete,
    submission_fingerprint,
    submission_release,
)
from books.uploads import (
    UploadLimitHandler,
    book_form_errors,
    request_too_large,
    story_join,
    story_pages,
    upload_limit,
    upload_limit_install,
    upload_too_large_message,
)
from exports.models import Export
from exports.services import export_request
from exports.views import export_download_response


def _int_or(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _get_book_for_user(request: HttpRequest, book_id) -> Book:
    book = get_object_or_404(Book.objects.visible_to(request.user).select_related("style"), id=book_id)
    book.owner = request.user  # the owner is who asked (visible_to): no second query for the user
    return book


def _file_response(field, filename: str | None = None, *, as_attachment: bool = False) -> FileResponse:
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=as_attachment, filename=filename)


def _new_form(request: HttpRequest, data=None, files=None) -> BookForm:
    user = request.user
    initial = {
        "language": user.language,
        "age_range": user.age_range,
        "style": getattr(user.default_style, "slug", "cartoon"),
    }
    if data is None:
        initial["submit_token"] = uuid.uuid4().hex
    return BookForm(data, files, initial=initial)


def _book_create_once(request: HttpRequest, form: BookForm, fields: dict) -> Book:
    """``book_create``, once per form and content: the same form sent again gets the first book.

    A double click sends the form twice with the same token; both answers lead to one book.
    A form changed and sent again (after “Back”) is a new request and makes a new book.
    """
    token = form.cleaned_data.get("submit_token", "")
    if not token:
        return book_create(owner=request.user, **fields)
    fingerprint = submission_fingerprint(fields)
    key = f"{token}:{fingerprint}"
    first = submission_claim(user=request.user, scope="web", key=key, fingerprint=fingerprint)
    if first is not None:
        book = Book.objects.visible_to(request.user).filter(id=first.book_id).first()
        if book is not None:
            return book
        submission_release(user=request.user, scope="web", key=key)  # trashed since: make it again
        return _book_create_once(request, form, fields)
    try:
        book = book_create(owner=request.user, **fields)
    except BaseException:
        submission_release(user=request.user, scope="web", key=key)
        raise
    submission_complete(user=request.user, scope="web", key=key, fingerprint=fingerprint, book_id=book.id)
    return book


@csrf_exempt  # the upload limit must be in place before the CSRF check reads the body: see _book_new
@login_required
def book_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _book_new(request)
    size = request_too_large(request)
    if size:
        message = upload_too_large_message(size)
        return _render_new(request, _new_form(request), status=413, upload_error=message)
    return _book_new(request, upload_limit_install(request))


@csrf_protect
def _book_new(request: HttpRequest, limiter: UploadLimitHandler | None = None) -> HttpResponse:
    form = _new_form(request, request.POST or None, request.FILES or None)
    if request.method == "POST" and limiter and limiter.refused:
        form.is_valid()
        return _render_new(request, form, status=413, upload_error=upload_too_large_message())
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["narrative_source"] == Book.Narrative.UPLOADED:
            return _book_new_own_story(request, form)
        try:
            book = _book_create_once(request, form, form.book_fields())
        except BookInvalid as exc:
            for field, message in exc.details.items():
                form.add_error(field if field in form.fields else None, message)
        except (QuotaExceeded, SubmissionInProgress) as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("books:detail", book.id)
    return _render_new(request, form, status=400 if form.errors else 200)


def _render_new(request: HttpRequest, form: BookForm, *, status: int = 200, upload_error: str = ""):
    cost = generation_cost_preview()
    context = {
        "form": form,
        "styles": Style.objects.filter(is_active=True),
        "usage": quota_usage(user=request.user),
        "cost": cost,
        "cost_total": cost.for_pages(_int_or(form["num_pages"].value(), 8)),
        "upload_error": upload_error,
        "max_upload_bytes": upload_limit(),
    }
    return render(request, "books/new.html", context, status=status)


def _book_new_own_story(request: HttpRequest, form: BookForm) -> HttpResponse:
    """“Use my story”: shown cut into pages first; the book is made from the pages the parent leaves."""
    data = form.book_fields()
    if request.POST.get("step") != "pages":
        errors = book_form_errors(data=data)
        try:
            quota_check(user=request.user, new_book=True)
        except QuotaExceeded as exc:
            errors[None] = exc.message
        for field, message in errors.items():
            form.add_error(field if field in form.fields else None, message)
        if errors:
            return _render_new(request, form, status=400)
        return _render_split(request, form, story_pages(story=data["story"], num_pages=data["num_pages"]))
    pages = [page_text_clean(text) for text in request.POST.getlist("page")]
    if request.POST.get("action") == "back":
        return _render_new(request, _new_form(request, {**request.POST.dict(), "story": "\n\n".join(pages)}))
    page_errors = [page_text_error(text) for text in pages]
    if len(pages) != data["num_pages"]:
        return _render_split(request, form, pages, page_errors, _("Send one box per page."), status=400)
    if any(page_errors):
        return _render_split(request, form, pages, page_errors, status=400)
    try:
        book = _book_create_once(request, form, {**data, "story": story_join(pages)})
    except (BookInvalid, QuotaExceeded, SubmissionInProgress) as exc:
        return _render_split(request, form, pages, page_errors, exc.message, status=400)
    return redirect("books:detail", book.id)


def _render_split(request, form, pages, page_errors=(), error: str = "", *, status: int = 200):
    boxes = [
        {"number": number, "text": text, "error": page_errors[number - 1] if page_errors else None}
        for number, text in enumerate(pages, start=1)
    ]
    context = {
        "form": form,
        "pages": boxes,
        "error": error,
        "story_chars": len(story_join(pages)),
        "usage": quota_usage(user=request.user),
    }
    return render(request, "books/split.html", context, status=status)


@login_required
def book_detail(request: HttpRequest, book_id) -> HttpResponse:
    book = _get_book_for_user(request, book_id)
    if request.htmx and book.is_finished:
        # The live panel saw the end: swap in the whole page body, whose reader, editing,
        # sharing and download controls only exist for a finished book.
        response = _render_detail(request, book, partial=False)
        response["HX-Retarget"] = "#main"
        response["HX-Reselect"] = "#main"
        response["HX-Reswap"] = "outerHTML"
        return response
    return _render_detail(request, book)


def _render_detail(
    request: HttpRequest, book: Book, *, characters_form=None, status: int = 200, partial: bool | None = None
) -> HttpResponse:
    pages = list(book.pages.order_by("number"))  # one query for the progress panel and the page list
    context = {
        "book": book,
        "pages": pages,
        "snapshot": progress_snapshot(book, pages=pages),
        "characters_form": characters_form
        or CharactersForm(initial={"character_sheet": book.character_sheet}),
    }
    partial = bool(request.htmx) if partial is None else partial
    template = "books/detail.html#progress" if partial else "books/detail.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def book_retry_view(request: HttpRequest, book_id) -> HttpResponse:
    book = _get_book_for_user(request, book_id)
    try:
        book_retry(book=book, user=request.user)
    except (QuotaExceeded, InvalidTransition) as exc:
        messages.error(request, exc.message)
    return redirect("books:detail", book.id)


@login_required
@require_POST
def book_characters(request: HttpRequest, book_id) -> HttpResponse:
    book = _get_book_for_user(request, book_id)
    form = CharactersForm(request.POST)
    if form.is_valid():
        try:
            book_update_characters(book=book, user=request.user, **form.cleaned_data)
        except BookInvalid as exc:
            form.add_error("character_sheet", exc.details.get("character_sheet", exc.message))
        except InvalidTransition as exc:
            form.add_error("character_sheet", exc.message)
    if form.errors:
        return _render_detail(request, book, characters_form=form, status=400)
    messages.success(request, _("Saved. Every new picture follows these characters."))
    return redirect("books:detail", book.id)


@login_required
def page_image(request: HttpRequest, book_id, number: int) -> FileResponse:
    page = get_object_or_404(Page, book=_get_book_for_user(request, book_id), number=number)
    return _file_response(page.image)


@login_required
def page_thumbnail(request: HttpRequest, book_id, number: int) -> FileResponse:
    page = get_object_or_404(Page, book=_get_book_for_user(request, book_id), number=number)
    return _file_response(page.thumbnail)


@login_required
def book_cover(request: HttpRequest, book_id) -> FileResponse:
    return _file_response(_get_book_for_user(request, book_id).cover_image)


@login_required
def book_download(request: HttpRequest, book_id) -> HttpResponse:
    """The print PDF on the owner's paper, from the export cache (built again if the book changed)."""
    book = _get_book_for_user(request, book_id)
    if book.status != Book.Status.GENERATED:
        messages.info(request, _("The PDF will be ready as soon as every page is drawn."))
        return redirect("books:detail", book.id)
    export = export_request(book=book, format=Export.Format.PRINT)
    if not export.is_ready:
        messages.info(request, _("We are making your PDF. It will be ready to download here in a moment."))
        return redirect("books:detail", book.id)
    return export_download_response(export)
