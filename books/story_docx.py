"""The story's words from an uploaded .docx, read with bounded memory whatever the file holds.

A .docx is a ZIP archive, and a ZIP can promise gigabytes from a few kilobytes: a zero-filled
picture deflates a thousandfold. So nothing here trusts the archive. Before anything is
unpacked, its directory is sized from the end record (so a million tiny entries cannot fill
memory either), and the whole archive's unpacked size and compression ratio are capped.
Then only ``word/document.xml`` is unpacked, streamed through a parser that keeps just the
paragraphs' text and counts the bytes it actually receives. Pictures and every other part
are never unpacked.
"""

from __future__ import annotations

import struct
import zipfile
from typing import IO
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from books.errors import UploadInvalid

DOCUMENT_PART = "word/document.xml"
# A 10,000-character story is a few hundred kilobytes of WordprocessingML at most.
DOCX_XML_MAX_BYTES = 10 * 1024 * 1024
# Pictures are already compressed; a real .docx unpacks to little more than its own size.
DOCX_UNPACKED_MAX_BYTES = 200 * 1024 * 1024
DOCX_MAX_RATIO = 100  # the whole archive: unpacked bytes per packed byte
DOCX_PART_MAX_RATIO = 200  # one part, once it is big enough for its ratio to mean something
DOCX_PART_RATIO_FLOOR = 1024 * 1024
# zipfile loads the whole directory, an object per entry: a real .docx's is a few kilobytes.
DOCX_MAX_ENTRIES = 5000
DOCX_DIRECTORY_MAX_BYTES = 1024 * 1024
_READ_BYTES = 64 * 1024
_END_RECORD = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main "
# What python-docx counts as a run's text; a line break or tab separates words like a space.
_RUN_TEXT = {_W + "tab": " ", _W + "ptab": " ", _W + "cr": " ", _W + "br": " ", _W + "noBreakHyphen": "-"}


def docx_story_text(*, file: IO[bytes], keep_chars: int | None = None) -> tuple[str, int]:
    """The paragraphs' text, one blank line apart, and its length.

    Past ``keep_chars`` the text is only counted (and ``""`` returned): only its length matters.
    """
    keep_chars = keep_chars or settings.STORY_MAX_CHARS * 20
    try:
        _directory_check(file)
        with zipfile.ZipFile(file) as archive:
            _archive_check(archive)
            with archive.open(DOCUMENT_PART) as part:
                return _paragraphs_text(part, keep_chars=keep_chars)
    except UploadInvalid:
        raise
    except Exception as exc:  # an untrusted file: whatever fails to parse, it cannot be read
        raise _unreadable() from exc


def _too_large() -> UploadInvalid:
    return UploadInvalid(
        _(
            "This .docx file unpacks to far more than a story needs, so we did not open it. "
            "Save it again without pictures, or paste your story."
        )
    )


def _unreadable() -> UploadInvalid:
    return UploadInvalid(
        _(
            "We could not read this .docx file. Open it in your word processor and save it "
            "again as .docx, or paste your story."
        )
    )


def _directory_check(file: IO[bytes]) -> None:
    """Refuse an archive whose directory alone is too big to load, read from its end record."""
    size = file.seek(0, 2)
    tail_size = min(size, _END_RECORD.size + 0xFFFF)  # the record, then a comment of up to 64 KB
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END_RECORD.size:
        raise _unreadable()
    entries, directory_bytes = _END_RECORD.unpack_from(tail, at)[4:6]
    # 0xFFFF and 0xFFFFFFFF mean "see the ZIP64 record": only archives far beyond a story need it.
    if entries > DOCX_MAX_ENTRIES or directory_bytes > DOCX_DIRECTORY_MAX_BYTES:
        raise _too_large()
    file.seek(0)


def _archive_check(archive: zipfile.ZipFile) -> None:
    parts = archive.infolist()
    unpacked = sum(part.file_size for part in parts)
    packed = sum(part.compress_size for part in parts)
    if unpacked > DOCX_UNPACKED_MAX_BYTES or unpacked > DOCX_MAX_RATIO * max(packed, 1):
        raise _too_large()
    for part in parts:
        ratio_counts = part.file_size > DOCX_PART_RATIO_FLOOR
        if ratio_counts and part.file_size > DOCX_PART_MAX_RATIO * max(part.compress_size, 1):
            raise _too_large()
    if archive.getinfo(DOCUMENT_PART).file_size > DOCX_XML_MAX_BYTES:
        raise _too_large()


def _paragraphs_text(part: IO[bytes], *, keep_chars: int) -> tuple[str, int]:
    reader = _BodyText(keep_chars=keep_chars)
    received = 0
    while chunk := part.read(_READ_BYTES):
        received += len(chunk)
        if received > DOCX_XML_MAX_BYTES:  # what was unpacked, whatever the archive declared
            raise _too_large()
        reader.parser.Parse(chunk, False)
    reader.parser.Parse(b"", True)
    return reader.result()


class _BodyText:
    """Streams WordprocessingML, keeping the text of the body's paragraphs as python-docx reads it.

    A paragraph inside a paragraph (a text box drawn in it) is left out, as python-docx leaves
    it out; a document type declaration (the way to entity bombs) is refused outright.
    """

    def __init__(self, *, keep_chars: int):
        self.keep_chars = keep_chars
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._refuse_doctype
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._characters
        self.stack: list[str] = []
        self.paragraph_depth = 0
        self.in_body_paragraph = False
        self.in_text = False
        self.paragraph: list[str] = []
        self.paragraphs: list[str] = []
        self.count = 0

    def _refuse_doctype(self, *args) -> None:
        raise _unreadable()

    def _start(self, name: str, attributes: dict) -> None:
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(name)
        if name == _W + "p":
            self.paragraph_depth += 1
            if parent == _W + "body":
                self.in_body_paragraph = True
            return
        if not self._reading() or parent != _W + "r":
            return
        if name == _W + "t":
            self.in_text = True
        elif name == _W + "br" and attributes.get(_W + "type", "textWrapping") != "textWrapping":
            return  # page and column breaks are not text
        elif name in _RUN_TEXT:
            self._keep(_RUN_TEXT[name])

    def _end(self, name: str) -> None:
        self.stack.pop()
        if name == _W + "t":
            self.in_text = False
        elif name == _W + "p":
            self.paragraph_depth -= 1
            if self.in_body_paragraph and self.paragraph_depth == 0:
                self._paragraph_end()

    def _characters(self, data: str) -> None:
        if self.in_text and self._reading():
            self._keep(data)

    def _reading(self) -> bool:
        return self.in_body_paragraph and self.paragraph_depth == 1

    def _keep(self, text: str) -> None:
        self.count += len(text)
        if self.count <= self.keep_chars:
            self.paragraph.append(text)

    def _paragraph_end(self) -> None:
        self.in_body_paragraph = False
        words = " ".join("".join(self.paragraph).split())
        self.paragraph = []
        if words and self.count <= self.keep_chars:
            self.paragraphs.append(words)

    def result(self) -> tuple[str, int]:
        if self.count > self.keep_chars:
            return "", self.count  # far too long to be a story: only its length matters
        text = "\n\n".join(self.paragraphs)
        return text, len(text)
