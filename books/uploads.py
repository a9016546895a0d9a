"""“Use my story”: the story from a pasted text or an uploaded .txt, .md or .docx file, split into pages.

A file larger than the limit is refused while the request is read: by its Content-Length
before anything is parsed, and by an upload handler that stops as soon as the file passes
the limit. A file under the limit is read in chunks; only a story short enough is kept. A .docx
is a ZIP that can promise gigabytes: ``books.story_docx`` unpacks only its text, with caps.
"""

from __future__ import annotations

import codecs
import re

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ai.prompts import PAGE_BREAK
from ai.providers.offline.splitting import EMPTY_PAGE, split_story
from books.errors import UploadInvalid
from books.models import Book
from books.services import _validate_book
from books.story_docx import docx_story_text

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
DOCX_SUFFIX = ".docx"
# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MARKDOWN = (
    (re.compile(r"^ {0,3}#{1,6}[ \t]*", re.M), ""),  # headings
    (re.compile(r"^ {0,3}> ?", re.M), ""),  # quotes
    (re.compile(r"^ {0,3}(?:[-*_][ \t]*){3,}$", re.M), ""),  # rules
    (re.compile(r"^ {0,3}[-*+][ \t]+", re.M), ""),  # bullets
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their words
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<!\w)([*_])(\S(?:.*?\S)?)\1(?!\w)"), r"\2"),  # italics
    (re.compile(r"`([^`]*)`"), r"\1"),  # code
)


# --- limits while the request is read ---------------------------------------------------------


def upload_limit() -> int:
    return settings.STORY_UPLOAD_MAX_BYTES


def upload_too_large_message(size: int | None = None) -> str:
    if size:
        return _(
            "This file is %(size)s; the limit is %(max)s. Choose a smaller file or paste your story."
        ) % {
            "size": filesizeformat(size),
            "max": filesizeformat(upload_limit()),
        }
    return _("This file is larger than %(max)s. Choose a smaller file or paste your story.") % {
        "max": filesizeformat(upload_limit())
    }


def request_too_large(request: HttpRequest) -> int | None:
    """The size the request announces when it is more than a story file and its form can be."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return length if length > upload_limit() + FORM_OVERHEAD_BYTES else None


class UploadLimitHandler(FileUploadHandler):
    """Stops reading the request as soon as an uploaded file passes the limit."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.refused = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.refused = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_limit_install(request: HttpRequest) -> UploadLimitHandler:
    """Call before anything reads ``request.POST`` (so the view must be csrf_exempt, then csrf_protect)."""
    handler = UploadLimitHandler(request, limit=upload_limit())
    request.upload_handlers.insert(0, handler)
    return handler


# --- the story from a file ---------------------------------------------------------------------


def story_from_upload(*, upload) -> str:
    """The story's text from an uploaded file, or UploadInvalid saying what to do instead."""
    name = (upload.name or "").lower()
    if upload.size > upload_limit():
        raise UploadInvalid(upload_too_large_message(upload.size))
    if name.endswith(DOCX_SUFFIX):
        text, count = docx_story_text(file=upload)
    elif name.endswith(TEXT_SUFFIXES):
        text, count = _plain_text(upload)
        if name.endswith((".md", ".markdown")) and count <= settings.STORY_MAX_CHARS:
            text = markdown_to_text(text)
            count = len(text)
    else:
        raise UploadInvalid(_("Choose a .txt, .md or .docx file, or paste your story."))
    if count > settings.STORY_MAX_CHARS:
        raise UploadInvalid(story_too_long_message(count))
    text = text.strip()
    if not text:
        raise UploadInvalid(_("This file has no text in it. Choose the file with your story, or paste it."))
    return text


def story_too_long_message(count: int) -> str:
    return _("Your story has %(count)s characters; the limit is %(max)s.") % {
        "count": f"{count:,}",
        "max": f"{settings.STORY_MAX_CHARS:,}",
    }


def _not_text() -> UploadInvalid:
    return UploadInvalid(
        _("This file is not text. Choose a .txt, .md or .docx file with your story, or paste it.")
    )


def _plain_text(upload) -> tuple[str, int]:
    """The file's text (kept only while it is short enough to be a story) and its length."""
    upload.seek(0)
    head = upload.read(4096)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif b"\x00" in head:
        raise _not_text()
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return _decoded(upload, encoding)
        except UnicodeDecodeError:
            continue
    raise _not_text()


def _decoded(upload, encoding: str) -> tuple[str, int]:
    upload.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    kept: list[str] = []
    count = controls = 0
    for chunk in [*upload.chunks(), b""]:
        piece = decoder.decode(chunk, final=not chunk)
        if "\x00" in piece:
            raise _not_text()
        controls += len(_CONTROL.findall(piece))
        count += len(piece)
        if count <= settings.STORY_MAX_CHARS * 2:  # room for \r\n pairs, one character each below
            kept.append(piece)
    if controls > max(8, count // 100):
        raise _not_text()
    if count > settings.STORY_MAX_CHARS * 2:
        return "", count  # far too long to be a story: only its length matters
    text = "".join(kept).replace("\r\n", "\n").replace("\r", "\n")
    return text, len(text)


def markdown_to_text(text: str) -> str:
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return text


# --- checking the form and splitting into pages ------------------------------------------------


def book_form_errors(*, data: dict) -> dict[str, str]:
    """The create form's errors by field, by the same rules ``book_create`` applies."""
    _style, errors = _validate_book(
        style_slug=data.get("style") or "",
        num_pages=data.get("num_pages"),
        language=data.get("language") or "",
        age_range=data.get("age_range") or "",
        theme=data.get("theme") or "",
        narrative_source=data.get("narrative_source") or "",
        story=data.get("story") or "",
        liberty=data.get("liberty") or Book.Liberty.FAITHFUL,
        title=data.get("title") or "",
        educational_goal=data.get("educational_goal") or "",
    )
    return errors


def story_pages(*, story: str, num_pages: int) -> list[str]:
    """The story cut into ``num_pages`` pages at natural breaks (or where the parent already cut it)."""
    parts = [part.strip() for part in story.split(PAGE_BREAK)]
    if len(parts) == num_pages:
        return parts
    texts = split_story(story.replace(PAGE_BREAK, "\n\n"), num_pages)
    return ["" if text == EMPTY_PAGE else text for text in texts]


def story_join(pages: list[str]) -> str:
    return PAGE_BREAK.join(pages)
