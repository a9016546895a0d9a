"""Time and size the exports of a 20-page book, against img2pdf as a lower bound.

Draws 20 pictures and a cover with the offline provider (2400 x 3000 px line art, as the
pipeline stores them), or reads PNGs from --pictures, then builds the print PDF, the screen
PDF, the ZIP and the print-on-demand files with the same code the site uses. img2pdf only
wraps the same PNGs in a PDF (no text, no layout): the fastest a print PDF could be made.

    .venv/bin/python bench/exports.py --runs 5
    .venv/bin/python bench/exports.py --pictures /tmp/pages --paper letter

Targets: print PDF build <= 2 x img2pdf's time; screen PDF <= 1/3 of the print PDF's size.
Exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrica.settings")

TEXT = (
    "A Júlia e o dinossauro Dino encontraram uma flor mágica no jardim. "
    "Juntos, regaram a flor com cuidado e aprenderam que a amizade cresce quando a gente cuida."
)


def draw_pictures(count: int) -> list[bytes]:
    """Cover first, then one picture per page, drawn like the pipeline draws them."""
    import django

    django.setup()
    from ai.lineart import normalize_line_art
    from ai.providers.offline import OfflineImageProvider
    from ai.schemas import ImageRequest

    provider = OfflineImageProvider()
    pictures = []
    for index in range(count + 1):
        request = ImageRequest(
            prompt=f"a dinosaur and a girl water a magic flower in the garden, scene {index}",
            style="cartoon",
            seed=f"bench-exports:{index}",
            kind="cover" if index == 0 else "page",
        )
        raw = provider.generate_image(request)
        pictures.append(normalize_line_art(raw, width=request.width, height=request.height))
    return pictures


def read_pictures(folder: Path, count: int) -> list[bytes]:
    files = sorted(folder.glob("*.png"))
    if not files:
        raise SystemExit(f"no PNG files in {folder}")
    return [files[i % len(files)].read_bytes() for i in range(count + 1)]


def timed(build: Callable[[], bytes], runs: int) -> tuple[float, bytes]:
    """Median seconds over ``runs`` builds, and the last result."""
    seconds, data = [], b""
    for _ in range(runs):
        started = time.perf_counter()
        data = build()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), data


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5, help="builds per measurement (the median is shown)")
    parser.add_argument("--paper", choices=["a4", "letter"], default="a4")
    parser.add_argument("--pictures", type=Path, help="use the PNGs in this folder instead of drawing them")
    args = parser.parse_args()

    import img2pdf

    from exports.archive import render_zip
    from exports.pdf import (
        PdfBook,
        PdfPage,
        kdp_page_count,
        render_digital_pdf,
        render_kdp_cover,
        render_kdp_interior,
        render_print_pdf,
    )

    started = time.perf_counter()
    pictures = read_pictures(args.pictures, args.pages) if args.pictures else draw_pictures(args.pages)
    print(f"{args.pages} pictures of 2400 x 3000 px ready in {time.perf_counter() - started:.1f}s")
    book = PdfBook(
        title="Júlia e o Jardim Mágico",
        author="Mariana Conceição",
        language="pt-BR",
        style_name="Cartoon",
        cover_png=pictures[0],
        pages=tuple(PdfPage(number=n, text=TEXT, image_png=pictures[n]) for n in range(1, args.pages + 1)),
        subject="amizade, natureza",
    )
    at_300_dpi = img2pdf.get_fixed_dpi_layout_fun((300, 300))

    print_s, print_pdf = timed(lambda: render_print_pdf(book, paper=args.paper), args.runs)
    img2pdf_s, img2pdf_pdf = timed(lambda: img2pdf.convert(pictures, layout_fun=at_300_dpi), args.runs)
    digital_s, digital_pdf = timed(lambda: render_digital_pdf(book, paper=args.paper), max(1, args.runs // 2))
    zip_s, zip_file = timed(lambda: render_zip(book), args.runs)
    kdp_s, kdp_pdf = timed(lambda: render_kdp_interior(book), args.runs)
    pages = kdp_page_count(args.pages, single_sided=True)
    cover_s, cover_pdf = timed(lambda: render_kdp_cover(book, page_count=pages), args.runs)

    rows = [
        ("print PDF", print_s, len(print_pdf)),
        ("img2pdf, same images", img2pdf_s, len(img2pdf_pdf)),
        ("screen PDF", digital_s, len(digital_pdf)),
        ("ZIP of pages", zip_s, len(zip_file)),
        (f"KDP interior ({pages} pages)", kdp_s, len(kdp_pdf)),
        ("KDP cover wrap", cover_s, len(cover_pdf)),
    ]
    print(f"\n{'file':<26}{'build':>10}{'size':>12}")
    for name, seconds, size in rows:
        print(f"{name:<26}{seconds * 1000:>8.0f}ms{size / 1024:>9.0f} KiB")

    speed = print_s / img2pdf_s
    ratio = len(digital_pdf) / len(print_pdf)
    print(f"\nprint build vs img2pdf: {speed:.2f}x (target <= 2x)  {'ok' if speed <= 2 else 'MISSED'}")
    print(f"screen / print size:    {ratio:.3f} (target <= 0.333)  {'ok' if ratio <= 1 / 3 else 'MISSED'}")
    return 0 if speed <= 2 and ratio <= 1 / 3 else 1


if __name__ == "__main__":
    sys.exit(main())
