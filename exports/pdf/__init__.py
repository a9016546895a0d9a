"""Files of a coloring book drawn with ReportLab: print, screen and print-on-demand PDFs.

Pure Python on purpose (no Django): the export service turns a ``Book`` into a ``PdfBook``
and stores the bytes these functions return.
"""

from exports.pdf.content import PdfBook, PdfPage, Progress
from exports.pdf.cover_wrap import barcode_area, cover_wrap_size, render_kdp_cover, spine_width
from exports.pdf.layout import KDP_PAGE, KDP_TRIM, PAPER_SIZES, kdp_page_count
from exports.pdf.render import render_digital_pdf, render_kdp_interior, render_print_pdf

__all__ = [
    "KDP_PAGE",
    "KDP_TRIM",
    "PAPER_SIZES",
    "PdfBook",
    "PdfPage",
    "Progress",
    "barcode_area",
    "cover_wrap_size",
    "kdp_page_count",
    "render_digital_pdf",
    "render_kdp_cover",
    "render_kdp_interior",
    "render_print_pdf",
    "spine_width",
]
