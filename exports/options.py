"""The files a family can download, and the options each one takes."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext as _

from exports.errors import ExportInvalid
from exports.models import Export

PAPER_CHOICES = [("a4", "A4"), ("letter", "US Letter")]
PAPERS = tuple(value for value, _label in PAPER_CHOICES)
# Laid out on home paper; the other formats have a fixed size.
PAPER_FORMATS = {Export.Format.PRINT, Export.Format.DIGITAL}
# Blank backs under coloring pages: an option for print, the default for print-on-demand.
SIDED_FORMATS = {Export.Format.PRINT, Export.Format.KDP, Export.Format.KDP_COVER}
SINGLE_SIDED_BY_DEFAULT = {Export.Format.KDP, Export.Format.KDP_COVER}

FILE_TYPES = {
    Export.Format.PRINT: ("print", "pdf", "application/pdf"),
    Export.Format.DIGITAL: ("screen", "pdf", "application/pdf"),
    Export.Format.ZIP: ("pages", "zip", "application/zip"),
    Export.Format.KDP: ("kdp-interior", "pdf", "application/pdf"),
    Export.Format.KDP_COVER: ("kdp-cover", "pdf", "application/pdf"),
}


@dataclass(frozen=True)
class ExportOptions:
    format: str
    paper: str = ""
    single_sided: bool = False


def export_options(
    *, format: str, paper: str | None = None, single_sided: bool | None = None, default_paper: str = "a4"
) -> ExportOptions:
    """Check what was asked for and fill in each format's defaults; ``None`` means "the default"."""
    if format not in Export.Format.values:
        raise ExportInvalid(
            _("Unknown file format “%(format)s”.") % {"format": format},
            details={"format": format, "allowed": list(Export.Format.values)},
        )
    if paper and paper not in PAPERS:
        raise ExportInvalid(
            _("Unknown paper size “%(paper)s”: choose A4 or US Letter.") % {"paper": paper},
            details={"paper": paper, "allowed": list(PAPERS)},
        )
    if format in PAPER_FORMATS:
        paper = paper or (default_paper if default_paper in PAPERS else PAPERS[0])
    else:
        paper = ""
    if format not in SIDED_FORMATS:
        single_sided = False
    elif single_sided is None:
        single_sided = format in SINGLE_SIDED_BY_DEFAULT
    return ExportOptions(format=format, paper=paper, single_sided=single_sided)


def export_filename(export: Export) -> str:
    """``julia-e-o-jardim-magico-print-a4.pdf``: readable, and different for every variant."""
    kind, extension, _content_type = FILE_TYPES[export.format]
    parts = [slugify(str(export.book.display_title))[:60] or "book", kind, export.paper]
    if export.single_sided and export.format == Export.Format.PRINT:
        parts.append("single-sided")
    return "-".join(filter(None, parts)) + f".{extension}"


def export_content_type(export: Export) -> str:
    return FILE_TYPES[export.format][2]
