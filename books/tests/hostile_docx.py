"""Hostile .docx files for the upload tests: zero-filled parts that deflate a thousandfold, and a
document.xml that unpacks to tens of megabytes. Built in a second or two, not by deflating gigabytes."""

from __future__ import annotations

import base64
import functools
import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

MB = 1024 * 1024
GIB = 1024 * MB
ZEROS_PER_FLUSH = 16 * MB
IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def docx_bytes(*paragraphs: str) -> bytes:
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@functools.cache
def _gib_of_zeros_deflated() -> tuple[bytes, int]:
    """1 GiB of zeros as raw deflate (about 1 MB) and its CRC, built from one flushed 16 MiB run.

    A full flush leaves no back-reference across the cut, so the same run repeated is a valid
    stream: this takes a second where deflating a gigabyte would take ten.
    """
    zeros = bytes(ZEROS_PER_FLUSH)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    run = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(GIB // ZEROS_PER_FLUSH):
        crc = zlib.crc32(zeros, crc)
    return run * (GIB // ZEROS_PER_FLUSH) + b"\x03\x00", crc  # then an empty final block


def _write_zip(path: Path, parts: list[tuple[str, int, bytes, int, int]]) -> None:
    """A ZIP of already-packed parts: (name, method, packed data, crc, unpacked size)."""
    directory = []
    with path.open("wb") as out:
        for name, method, data, crc, unpacked in parts:
            offset, encoded = out.tell(), name.encode()
            sizes = (crc, len(data), unpacked, len(encoded))
            out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0x21, *sizes, 0))
            out.write(encoded + data)
            header = struct.pack(
                "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, *sizes, 0, 0, 0, 0, 0, offset
            )
            directory.append(header + encoded)
        start = out.tell()
        out.write(b"".join(directory))
        size = out.tell() - start
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), size, start, 0))


def media_bomb(path: Path, *, gibibytes: int) -> Path:
    """A real .docx holding ``gibibytes`` zero-filled pictures of 1 GiB each, deflated."""
    packed, crc = _gib_of_zeros_deflated()
    files = docx_parts(docx_bytes("A Bia plantou uma semente."))
    pictures = "".join(
        f'<Relationship Id="rIdBomb{number}" Target="media/image{number}.png" Type="{IMAGE}"/>'
        for number in range(1, gibibytes + 1)
    )
    rels = "word/_rels/document.xml.rels"
    files[rels] = files[rels].replace(b"</Relationships>", pictures.encode() + b"</Relationships>")
    png = b'<Default Extension="png" ContentType="image/png"/>'
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(b"</Types>", png + b"</Types>")
    parts = [(name, zipfile.ZIP_STORED, data, zlib.crc32(data), len(data)) for name, data in files.items()]
    for number in range(1, gibibytes + 1):
        parts.append((f"word/media/image{number}.png", zipfile.ZIP_DEFLATED, packed, crc, GIB))
    _write_zip(path, parts)
    return path


def document_bomb(path: Path, *, megabytes: int) -> Path:
    """A .docx whose document.xml is ``megabytes`` of one-letter paragraphs, streamed in deflated."""
    parts = docx_parts(docx_bytes("A Bia plantou uma semente."))
    head, tail = parts.pop("word/document.xml").split(b"<w:body>")
    paragraphs = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * (MB // 34)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("word/document.xml", "w") as document:
            document.write(head + b"<w:body>")
            for _ in range(megabytes):
                document.write(paragraphs)
            document.write(tail)
    return path


def document_of_words(path: Path, *, megabytes: int) -> Path:
    """A .docx whose document.xml is ``megabytes`` of paragraphs of words that do not repeat."""
    parts = docx_parts(docx_bytes("A Bia plantou uma semente."))
    head, tail = parts.pop("word/document.xml").split(b"<w:body>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("word/document.xml", "w") as document:
            document.write(head + b"<w:body>")
            for _ in range(megabytes * 16):
                words = base64.b64encode(os.urandom(48 * 1024)).replace(b"+", b" ").replace(b"/", b" ")
                document.write(b"<w:p><w:r><w:t>" + words + b"</w:t></w:r></w:p>")
            document.write(tail)
    return path
