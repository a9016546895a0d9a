"""Putting pictures into a PDF: copied losslessly for print, downsampled for screens.

A greyscale PNG's compressed pixels are already a valid PDF image stream (Flate with PNG
predictors), so print PDFs copy them as they are: no decoding, no recompression, full
resolution. Anything else (RGB, alpha, palettes, 16-bit) is decoded once, flattened onto
white and re-encoded as a PNG that can be copied the same way.

Screens get the line art at 150 DPI in black and white, CCITT Group 4 compressed (the fax
codec every PDF reader has, made for exactly this kind of picture), with an RGB palette.
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
BLACK_AND_WHITE = b"\x00\x00\x00\xff\xff\xff"  # RGB palette of the screen pictures


@dataclass(frozen=True)
class ImageStream:
    """Pixels ready for a PDF image XObject: compressed already, with what its dictionary needs."""

    width: int
    height: int
    bits: int
    colour_space: str  # "DeviceGray", "DeviceRGB" or "Indexed" (over DeviceRGB, with ``palette``)
    filter: str
    parameters: dict[str, int]
    data: bytes
    palette: bytes = b""

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    bit_depth: int
    colour_type: int
    idat: bytes
    palette: bytes = b""

    def stream(self) -> ImageStream:
        """The PNG's own compressed data as the image stream: PNG filters are PDF's predictor 15."""
        colour_space = {GREY: "DeviceGray", RGB: "DeviceRGB", INDEXED: "Indexed"}[self.colour_type]
        colours = 3 if self.colour_type == RGB else 1
        parameters = {
            "Predictor": 15,
            "Colors": colours,
            "BitsPerComponent": self.bit_depth,
            "Columns": self.width,
        }
        return ImageStream(
            self.width,
            self.height,
            self.bit_depth,
            colour_space,
            "FlateDecode",
            parameters,
            self.idat,
            self.palette,
        )


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


def print_image(data: bytes | None, *, grey: bool = False) -> ImageStream | None:
    """Full-resolution, lossless pixels for paper; ``grey`` forces greyscale (print-on-demand)."""
    if not data:
        return None
    png = parse_png(data)
    if png and png.colour_type == GREY:
        return png.stream()  # what the pipeline stores: copied as it is
    image = _decode(data)
    if image is None:
        return None
    if grey or _is_grey(image):
        image = image.convert("L")
    png = parse_png(_encode(image, compress_level=6))
    return png.stream() if png else None


def screen_image(data: bytes | None, *, box_width: float, box_height: float) -> ImageStream | None:
    """About 150 DPI at the size the picture fills in a box (in points), black and white, Group 4."""
    image = _decode(data) if data else None
    if image is None:
        return None
    image = image.convert("L")
    points_per_pixel = min(box_width / image.width, box_height / image.height)
    size = (
        max(1, min(image.width, round(image.width * points_per_pixel / 72 * SCREEN_DPI))),
        max(1, min(image.height, round(image.height * points_per_pixel / 72 * SCREEN_DPI))),
    )
    # Averaging then thresholding keeps outlines as thick as they print, without grey fringes.
    # Ink becomes 1 bits, so the Group 4 stream codes it as black runs, as fax readers expect.
    small = image.resize(size, Image.Resampling.BOX)
    return _group4(small.point(lambda value: 255 if value < 128 else 0).convert("1"))


def _group4(ink: Image.Image) -> ImageStream:
    """A 1-bit picture (1 = ink) as a CCITT Group 4 stream, via Pillow's TIFF writer."""
    buffer = io.BytesIO()
    # One strip holding every row: a PDF stream is a single Group 4 image.
    ink.save(buffer, format="TIFF", compression="group4", tiffinfo={278: ink.height})
    tiff = Image.open(buffer)
    (offset,), (length,) = tiff.tag_v2[273], tiff.tag_v2[279]
    data = buffer.getvalue()[offset : offset + length]
    # BlackIs1 stays at its default (false): black runs decode to 0, palette entry 0, black.
    parameters = {"K": -1, "Columns": ink.width, "Rows": ink.height}
    return ImageStream(
        ink.width, ink.height, 1, "Indexed", "CCITTFaxDecode", parameters, data, BLACK_AND_WHITE
    )


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


class ImageXObject(PDFImageXObject):
    """An image XObject whose stream is used as it is, already compressed."""

    def __init__(self, image: ImageStream):
        super().__init__(image.digest)
        self.image = image
        self.width, self.height = image.width, image.height

    def format(self, document) -> bytes:
        image = self.image
        stream = PDFStream(content=image.data)
        entries = stream.dictionary
        entries["Type"] = PDFName("XObject")
        entries["Subtype"] = PDFName("Image")
        entries["Width"] = image.width
        entries["Height"] = image.height
        entries["BitsPerComponent"] = image.bits
        entries["ColorSpace"] = self._colour_space()
        entries["Filter"] = PDFName(image.filter)  # a name, not an array: DecodeParms pairs with it
        entries["DecodeParms"] = PDFDictionary(dict(image.parameters))
        return stream.format(document)

    def _colour_space(self):
        image = self.image
        if image.colour_space != "Indexed":
            return PDFName(image.colour_space)
        entries = len(image.palette) // 3
        return PDFArray([PDFName("Indexed"), PDFName("DeviceRGB"), entries - 1, _HexString(image.palette)])


def draw_image(canvas: Canvas, image: ImageStream, x: float, y: float, width: float, height: float) -> None:
    """``canvas.drawImage`` for a ready-made stream: registered once per document, drawn anywhere.

    ReportLab has no public way to add a pre-compressed image, so this repeats what drawImage
    does with its document (ReportLab is pinned; the PDF tests read the result back).
    """
    document = canvas._doc
    name = document.getXObjectName(image.digest)
    if name not in document.idToObject:
        xobject = ImageXObject(image)
        canvas._setXObjects(xobject)
        document.Reference(xobject, name)
        document.addForm(image.digest, xobject)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{name} Do")
    canvas.restoreState()
    canvas._formsinuse.append(image.digest)
    canvas._currentPageHasImages = 1
