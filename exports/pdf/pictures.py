"""Putting pictures into a PDF: copied losslessly for print, downsampled for screens.

A greyscale PNG's compressed pixels are already a valid PDF image stream (Flate with PNG
predictors), so print PDFs copy them as they are: no decoding, no recompression, full
resolution. Anything else (RGB, alpha, palettes, 16-bit) is decoded once, flattened onto
white and re-encoded as a PNG that can be copied the same way.
"""

from __future__ import annotations

import hashlib
import io
import logging
import struct
import zlib
from dataclasses import dataclass

from PIL import Image, ImageChops
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFImageXObject,
    PDFName,
    PDFObject,
    PDFStream,
)
from reportlab.pdfgen.canvas import Canvas

logger = logging.getLogger(__name__)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GREY, RGB, INDEXED = 0, 2, 3  # PNG colour types
SCREEN_DPI = 150
# Screens get four greys (black, two edge tones, white) in an RGB palette: smooth
# anti-aliased outlines at a fraction of the size of full 8-bit pixels.
SCREEN_LEVELS = 4


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    bit_depth: int
    colour_type: int
    idat: bytes
    palette: bytes = b""

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.idat, usedforsecurity=False).hexdigest()


def parse_png(data: bytes) -> Png | None:
    """The chunks a PDF can reuse; None unless the file is complete, valid and copyable as is."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    header, palette, idat = None, b"", []
    pos = len(PNG_SIGNATURE)
    while True:
        if pos + 12 > len(data):
            return None  # truncated before IEND
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        crc = data[pos + 8 + length : pos + 12 + length]
        if len(body) != length or zlib.crc32(kind + body) != int.from_bytes(crc, "big"):
            return None
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"tRNS":
            return None  # transparency must be flattened onto white first
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None or not idat:
        return None
    width, height, depth, colour_type, compression, filtering, interlace = header
    if compression or filtering or interlace or depth not in (1, 2, 4, 8):
        return None
    if colour_type not in (GREY, RGB, INDEXED) or (colour_type == RGB and depth != 8):
        return None
    if colour_type == INDEXED and not palette:
        return None
    return Png(width, height, depth, colour_type, b"".join(idat), palette)


def print_png(data: bytes | None, *, grey: bool = False) -> Png | None:
    """Full-resolution, lossless pixels for paper; ``grey`` forces greyscale (print-on-demand)."""
    if not data:
        return None
    png = parse_png(data)
    if png and png.colour_type == GREY:
        return png  # what the pipeline stores: copied as it is
    image = _decode(data)
    if image is None:
        return None
    if grey or _is_grey(image):
        image = image.convert("L")
    return parse_png(_encode(image, compress_level=6))


def screen_png(data: bytes | None, *, box_width: float, box_height: float) -> Png | None:
    """About 150 DPI at the size the picture fills in a box (in points), four grey levels in an RGB
    palette, well compressed."""
    image = _decode(data) if data else None
    if image is None:
        return None
    image = image.convert("L")
    points_per_pixel = min(box_width / image.width, box_height / image.height)
    target = (
        max(1, min(image.width, round(image.width * points_per_pixel / 72 * SCREEN_DPI))),
        max(1, min(image.height, round(image.height * points_per_pixel / 72 * SCREEN_DPI))),
    )
    factor = min(image.width // target[0], image.height // target[1])
    if factor > 1:
        image = image.reduce(factor)
    image = image.resize(target, Image.Resampling.BOX)
    step = 255 / (SCREEN_LEVELS - 1)
    levels = image.point(lambda value: round(value / step))
    indexed = Image.frombytes("P", levels.size, levels.tobytes())
    # More than 16 entries keep samples at 8 bits: Pillow packs smaller palettes into 1-4 bit
    # samples, which compress worse here and which some readers (pypdf) decode wrongly.
    greys = [round(i * step) for i in range(SCREEN_LEVELS)] + [255] * (17 - SCREEN_LEVELS)
    indexed.putpalette(bytes(grey for grey in greys for _ in range(3)))
    return parse_png(_encode(indexed, compress_level=9))


def _decode(data: bytes) -> Image.Image | None:
    """Pixels on white, as L or RGB; None when the file is not a picture we can read."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        logger.warning("Unreadable picture in an export; drawing a placeholder", exc_info=True)
        return None
    if image.mode in ("1", "L"):
        return image.convert("L")
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    return image.convert("RGB")


def _is_grey(image: Image.Image) -> bool:
    if image.mode == "L":
        return True
    red, green, blue = image.split()
    return (
        not ImageChops.difference(red, green).getbbox() and not ImageChops.difference(green, blue).getbbox()
    )


def _encode(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


# --- into the PDF ---------------------------------------------------------------------


class _HexString(PDFObject):
    def __init__(self, data: bytes):
        self.data = data

    def format(self, document) -> bytes:
        return b"<" + self.data.hex().encode() + b">"


class PngXObject(PDFImageXObject):
    """An image XObject whose stream is the PNG's own compressed data."""

    def __init__(self, png: Png):
        super().__init__(png.digest)
        self.png = png
        self.width, self.height = png.width, png.height

    def format(self, document) -> bytes:
        png = self.png
        colours = 3 if png.colour_type == RGB else 1
        stream = PDFStream(content=png.idat)
        entries = stream.dictionary
        entries["Type"] = PDFName("XObject")
        entries["Subtype"] = PDFName("Image")
        entries["Width"] = png.width
        entries["Height"] = png.height
        entries["BitsPerComponent"] = png.bit_depth
        entries["ColorSpace"] = self._colour_space()
        entries["Filter"] = PDFName("FlateDecode")  # a name, not an array: DecodeParms pairs with it
        entries["DecodeParms"] = PDFDictionary(
            {"Predictor": 15, "Colors": colours, "BitsPerComponent": png.bit_depth, "Columns": png.width}
        )
        return stream.format(document)

    def _colour_space(self):
        png = self.png
        if png.colour_type == GREY:
            return PDFName("DeviceGray")
        if png.colour_type == RGB:
            return PDFName("DeviceRGB")
        entries = len(png.palette) // 3
        return PDFArray([PDFName("Indexed"), PDFName("DeviceRGB"), entries - 1, _HexString(png.palette)])


def draw_png(canvas: Canvas, png: Png, x: float, y: float, width: float, height: float) -> None:
    """``canvas.drawImage`` for a ready-made stream: registered once per document, drawn anywhere.

    ReportLab has no public way to add a pre-compressed image, so this repeats what drawImage
    does with its document (ReportLab is pinned; the PDF tests read the result back).
    """
    document = canvas._doc
    name = document.getXObjectName(png.digest)
    if name not in document.idToObject:
        xobject = PngXObject(png)
        canvas._setXObjects(xobject)
        document.Reference(xobject, name)
        document.addForm(png.digest, xobject)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{name} Do")
    canvas.restoreState()
    canvas._formsinuse.append(png.digest)
    canvas._currentPageHasImages = 1
