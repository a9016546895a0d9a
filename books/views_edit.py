"""Reading a book page by page, and changing it: title, a page's text, its order, one picture again.

Every change works without JavaScript (a plain form, then a redirect) and inline with HTMX
(the edit form swapped in, the saved fragment swapped back). Errors keep their status code
(400 bad input, 409 not now, 429 quota); static/js/inline-edit.js lets HTMX show them in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from books.editing import (
    book_rename,
    page_move,
    page_regenerate,
    page_text_clean,
    page_text_error,
    page_update_text,
    pages_reorder,
)
from books.errors import BookInvalid, InvalidTransition, QuotaExceeded
from books.forms import BookForm, PageTextForm, RedrawForm, TitleForm
from books.models import Book, Page
from books.uploads import (
    UploadLimitHandler,
    book_form_errors,
    request_too_large,
    upload_limit,
    upload_limit_install,
    upload_too_large_message,
)
from books.views import _get_book_for_user, _render_detail

EDIT_ERRORS = (BookInvalid, InvalidTransition)


def _get_page(request: HttpRequest, book_id, number: int) -> tuple[Book, Page]:
    book = _get_book_for_user(request, book_id)
    return book, get_object_or_404(Page, book=book, number=number)


def _next_url(request: HttpRequest, default: str) -> str:
    """Where a plain (no-JS) form goes back to: the reader or the book page it was opened from."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False)
    return url if safe else default


def _int_or_zero(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _detail_url(book: Book, anchor: str = "") -> str:
    return reverse("books:detail", args=[book.id]) + (f"#{anchor}" if anchor else "")


# --- the reader --------------------------------------------------------------------------------


@login_required
@require_GET
def book_read(request: HttpRequest, book_id, number: int = 0) -> HttpResponse:
    """The cover (0), then each page's picture with its text; previous and next are plain links."""
    book = _get_book_for_user(request, book_id)
    pages = list(book.pages.order_by("number"))
    if not 0 <= number <= len(pages):
        raise Http404
    context = {
        "book": book,
        "page": pages[number - 1] if number else None,
        "number": number,
        "total": len(pages),
        "prev_url": _read_url(book, number - 1) if number > 0 else None,
        "next_url": _read_url(book, number + 1) if number < len(pages) else None,
        "next": request.get_full_path(),
    }
    return render(request, "books/reader.html", context)


def _read_url(book: Book, number: int) -> str:
    if number == 0:
        return reverse("books:read", args=[book.id])
    return reverse("books:read_page", args=[book.id, number])


# --- inline edits: the title and a page's text ---------------------------------------------------


@login_required
@require_GET
def book_title(request: HttpRequest, book_id) -> HttpResponse:
    """The title as shown (what Cancel swaps back in)."""
    book = _get_book_for_user(request, book_id)
    if not request.htmx:
        return redirect(_next_url(request, _detail_url(book)))
    return render(request, "books/_book_title.html", {"book": book, "next": _next_url(request, "")})


@login_required
def book_title_edit(request: HttpRequest, book_id) -> HttpResponse:
    book = _get_book_for_user(request, book_id)
    form = TitleForm(request.POST or None, initial={"title": book.title or book.display_title})
    return _edit(
        request,
        form=form,
        save=lambda data: {"book": book_rename(book=book, user=request.user, title=data["title"])},
        field="title",
        templates=("books/_book_title.html", "books/_book_title_form.html"),
        context={"book": book, "heading": _("Change the title")},
        back=_detail_url(book),
    )


@login_required
@require_GET
def page_text(request: HttpRequest, book_id, number: int) -> HttpResponse:
    book, page = _get_page(request, book_id, number)
    if not request.htmx:
        return redirect(_next_url(request, _detail_url(book, f"page-{page.number}")))
    return render(
        request, "books/_page_text.html", {"book": book, "page": page, "next": _next_url(request, "")}
    )


@login_required
def page_text_edit(request: HttpRequest, book_id, number: int) -> HttpResponse:
    book, page = _get_page(request, book_id, number)
    form = PageTextForm(request.POST or None, initial={"text": page.text})
    return _edit(
        request,
        form=form,
        save=lambda data: {"page": page_update_text(page=page, user=request.user, text=data["text"])},
        field="text",
        templates=("books/_page_text.html", "books/_page_text_form.html"),
        context={"book": book, "page": page, "heading": _("Change the text of page %(n)s") % {"n": number}},
        back=_detail_url(book, f"page-{page.number}"),
    )


def _edit(request: HttpRequest, *, form, save, field: str, templates, context: dict, back: str):
    """GET: the form (inline, or a page of its own without JS). POST: save, then the fragment or a redirect.

    ``save`` takes the cleaned data and returns what changed, to render the fragment with.
    """
    shown, editing = templates
    next_url = _next_url(request, back)
    context = {**context, "form": form, "next": next_url}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = save(form.cleaned_data)
            except EDIT_ERRORS as exc:
                form.add_error(field, exc.message)
                status = exc.status_code
            else:
                if request.htmx:
                    return render(request, shown, {**context, **saved})
                messages.success(request, _("Saved."))
                return redirect(next_url)
        else:
            status = 400
    template = editing if request.htmx else "books/edit.html"
    return render(request, template, {**context, "form_template": editing}, status=status)


# --- one page drawn again ------------------------------------------------------------------------


@login_required
@require_POST
def page_regenerate_view(request: HttpRequest, book_id, number: int) -> HttpResponse:
    book, page = _get_page(request, book_id, number)
    form = RedrawForm(request.POST)
    instructions = form.cleaned_data["instructions"] if form.is_valid() else ""
    try:
        page_regenerate(page=page, user=request.user, instructions=instructions)
    except (*EDIT_ERRORS, QuotaExceeded) as exc:
        if request.htmx:
            context = {"book": book, "page": page, "instructions": instructions, "redraw_error": exc.message}
            return render(request, "books/_page_redraw.html", context, status=exc.status_code)
        messages.error(request, exc.message)
        return _render_detail(request, book, status=exc.status_code)
    if request.htmx:  # the whole book page follows the drawing live
        return HttpResponseClientRedirect(_detail_url(book, "progress"))
    messages.success(request, _("Page %(n)s is being drawn again. You can watch it below.") % {"n": number})
    return redirect(_detail_url(book, "progress"))


# --- the order of the pages ----------------------------------------------------------------------


@login_required
@require_GET
def page_list(request: HttpRequest, book_id) -> HttpResponse:
    book = _get_book_for_user(request, book_id)
    if not request.htmx:
        return redirect(_detail_url(book, "pages"))
    return _render_pages(request, book)


@login_required
@require_POST
def pages_reorder_view(request: HttpRequest, book_id) -> HttpResponse:
    """The new order from drag and drop: ``order`` repeated, or one comma-separated value."""
    book = _get_book_for_user(request, book_id)
    order = request.POST.getlist("order")
    if len(order) == 1:
        order = [number.strip() for number in order[0].split(",")]
    return _reordered(request, book, lambda: pages_reorder(book=book, user=request.user, order=order))


@login_required
@require_POST
def page_move_view(request: HttpRequest, book_id, number: int) -> HttpResponse:
    """The up and down buttons."""
    book = _get_book_for_user(request, book_id)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""), 0)
    return _reordered(
        request, book, lambda: page_move(book=book, user=request.user, number=number, offset=offset)
    )


def _reordered(request: HttpRequest, book: Book, reorder) -> HttpResponse:
    try:
        reorder()
    except EDIT_ERRORS as exc:
        if request.htmx:
            return _render_pages(request, book, error=exc.message, status=exc.status_code)
        messages.error(request, exc.message)
        return _render_detail(request, book, status=exc.status_code)
    if request.htmx:
        return _render_pages(request, book)
    messages.success(request, _("The pages are in their new order."))
    return redirect(_detail_url(book, "pages"))


def _render_pages(request: HttpRequest, book: Book, *, error: str = "", status: int = 200) -> HttpResponse:
    context = {"book": book, "pages": book.pages.order_by("number"), "pages_error": error}
    return render(request, "books/_page_list.html", context, status=status)


# --- the create form, checked field by field -----------------------------------------------------


@csrf_exempt  # the upload limit must be in place before the CSRF check reads the body
@login_required
@require_POST
def book_new_validate(request: HttpRequest) -> HttpResponse:
    """One field of the create form (or one page box of its second step), checked as the server will."""
    size = request_too_large(request)
    if size:
        message = upload_too_large_message(size)
        context = {"form": BookForm(), "upload_error": message, "max_upload_bytes": upload_limit()}
        return render(request, "books/_new_story_file.html", context)
    return _book_new_validate(request, upload_limit_install(request))


@csrf_protect
def _book_new_validate(request: HttpRequest, limiter: UploadLimitHandler) -> HttpResponse:
    name = request.POST.get("_field", "")
    if name == "page":  # the whole form comes along: this box is the number-th "page"
        number = _int_or_zero(request.POST.get("number"))
        pages = request.POST.getlist("page")
        if not 1 <= number <= len(pages):
            return HttpResponse(status=400)
        text = page_text_clean(pages[number - 1])
        box = {"number": number, "text": text, "error": page_text_error(text)}
        return render(request, "books/_page_box.html", {"page": box})
    form = BookForm(request.POST, request.FILES)
    if name not in form.fields:
        return HttpResponse(status=400)
    form.is_valid()
    if name == "story_file":
        context = {
            "form": form,
            "upload_error": upload_too_large_message() if limiter.refused else "",
            "story_chars": len(form.story_from_file),
            "max_upload_bytes": upload_limit(),
        }
        return render(request, "books/_new_story_file.html", context)
    if not form.has_error(name):
        data = {**request.POST.dict(), **getattr(form, "cleaned_data", {})}
        message = book_form_errors(data=data).get(name)
        if message:
            form.add_error(name, message)
    return render(request, "books/_new_field.html", {"field": form[name]})
