"""page_qc: which pages go to print, and what a model is told when one does not."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from ai.lineart import normalize_line_art
from ai.qc import MAX_INK, MAX_SOLID, MIN_INK, QCProblem, QCReport, page_qc

PAGE = (2400, 3000)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _blank(size: tuple[int, int] = PAGE) -> Image.Image:
    return Image.new("L", size, 255)


def _coloring_page(size: tuple[int, int] = PAGE) -> Image.Image:
    """Bold outlines well inside the margin, a few small solid pupils: what should pass."""
    page = _blank(size)
    draw = ImageDraw.Draw(page)
    w, h = size
    line = max(3, w // 200)
    draw.ellipse((0.25 * w, 0.15 * h, 0.75 * w, 0.55 * h), outline=0, width=line)
    draw.rectangle((0.15 * w, 0.55 * h, 0.45 * w, 0.85 * h), outline=0, width=line)
    draw.polygon([(0.55 * w, 0.85 * h), (0.7 * w, 0.5 * h), (0.85 * w, 0.85 * h)], outline=0, width=line)
    draw.line((0.1 * w, 0.88 * h, 0.9 * w, 0.88 * h), fill=0, width=line)
    for x in (0.4, 0.6):
        draw.ellipse((x * w - 30, 0.3 * h - 30, x * w + 30, 0.3 * h + 30), fill=0)
    return page


def _codes(report: QCReport) -> set[str]:
    return {problem.code for problem in report.problems}


def test_a_clean_coloring_page_passes():
    report = page_qc(_png(_coloring_page()))
    assert report.passed and report.problems == () and report.corrective == ""
    assert report.metrics["pure_share"] == 1.0
    assert MIN_INK < report.metrics["ink_share"] < MAX_INK


def test_a_near_blank_page_fails_and_asks_for_a_complete_scene():
    page = _blank()
    ImageDraw.Draw(page).ellipse((1100, 1400, 1300, 1600), outline=0, width=10)
    report = page_qc(_png(page))
    assert _codes(report) == {"too_little_ink"}
    assert report.corrective == "Draw a complete scene with clear outlines filling the page."


def test_a_page_with_a_big_black_blob_fails_as_solid_black():
    page = _coloring_page()
    ImageDraw.Draw(page).ellipse((800, 1000, 1300, 1500), fill=0)  # ~2.7 % of the page
    report = page_qc(_png(page))
    assert _codes(report) == {"solid_black"}
    assert report.metrics["largest_solid"] > MAX_SOLID
    assert "No solid black areas" in report.corrective


def test_many_small_solid_dots_are_features_not_a_blob():
    page = _coloring_page()
    draw = ImageDraw.Draw(page)
    for i in range(40):
        x, y = 400 + (i % 8) * 200, 1800 + (i // 8) * 120
        draw.ellipse((x, y, x + 70, y + 70), fill=0)
    assert page_qc(_png(page)).passed


def test_dense_thin_lines_fail_as_too_much_ink_not_as_solid_black():
    page = _blank()
    draw = ImageDraw.Draw(page)
    for y in range(200, 2800, 20):
        draw.line((200, y, 2200, y), fill=0, width=12)
    assert _codes(page_qc(_png(page))) == {"too_much_ink"}


def test_a_grey_page_fails_and_asks_for_pure_black_on_white():
    page = _coloring_page().convert("RGB")
    ImageDraw.Draw(page).rectangle((700, 700, 1700, 1400), fill=(150, 150, 150))
    report = page_qc(_png(page))
    assert "grey_pixels" in _codes(report)
    assert "no grey shading" in report.corrective


def test_ink_in_the_margin_fails_before_normalizing_and_passes_after():
    raw = _coloring_page((1024, 1024))
    ImageDraw.Draw(raw).rectangle((0, 0, 300, 200), outline=0, width=6)
    assert _codes(page_qc(_png(raw))) == {"ink_in_margin"}
    normalized = normalize_line_art(_png(raw), width=PAGE[0], height=PAGE[1])
    report = page_qc(normalized)
    assert report.passed and report.metrics["margin_ink"] == 0.0


def test_an_ai_frame_around_the_page_is_ink_in_the_margin():
    page = _coloring_page()
    ImageDraw.Draw(page).rectangle((30, 30, PAGE[0] - 30, PAGE[1] - 30), outline=0, width=12)
    report = page_qc(_png(page))
    assert _codes(report) == {"ink_in_margin"}
    assert "no border or frame" in report.corrective


def test_every_problem_adds_its_sentence_to_the_corrective():
    page = Image.new("RGB", PAGE, (255, 255, 255))
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, 1200, 1500), fill=(0, 0, 0))
    draw.rectangle((1300, 1600, 2300, 2900), fill=(200, 40, 40))
    report = page_qc(_png(page))
    assert not report.passed
    assert {"grey_pixels", "solid_black", "ink_in_margin"} <= _codes(report)
    assert report.corrective == " ".join(problem.corrective for problem in report.problems)
    assert all(isinstance(problem, QCProblem) and problem.message for problem in report.problems)


# --- with the source: what the provider drew -------------------------------------------------


def _shaded_source() -> Image.Image:
    source = _coloring_page((1024, 1024)).convert("RGB")
    ImageDraw.Draw(source).ellipse((300, 200, 700, 500), fill=(170, 170, 170), outline=0, width=5)
    return source


def test_shading_in_the_source_fails_even_though_the_normalized_page_is_clean():
    raw = _png(_shaded_source())
    page = normalize_line_art(raw, width=PAGE[0], height=PAGE[1])
    assert page_qc(page).passed
    report = page_qc(page, source=raw)
    assert _codes(report) == {"grey_pixels"}
    assert report.metrics["source_grey"] > 0.05


def test_colour_in_the_source_fails():
    source = _coloring_page((1024, 1024)).convert("RGB")
    ImageDraw.Draw(source).rectangle((160, 570, 450, 860), fill=(250, 200, 30))  # light yellow
    raw = _png(source)
    report = page_qc(normalize_line_art(raw, width=1200, height=1500), source=raw)
    assert "grey_pixels" in _codes(report)


def test_a_solid_silhouette_in_the_source_fails_even_though_normalizing_hollows_it():
    source = _coloring_page((1024, 1024))
    ImageDraw.Draw(source).ellipse((350, 250, 700, 600), fill=0)
    raw = _png(source)
    page = normalize_line_art(raw, width=PAGE[0], height=PAGE[1])
    assert page_qc(page).passed
    assert _codes(page_qc(page, source=raw)) == {"solid_black"}


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_anti_aliased_line_art_from_a_model_passes_with_its_source(fmt):
    big = _coloring_page((2048, 2048)).resize((1024, 1024), Image.Resampling.LANCZOS).convert("RGB")
    buffer = io.BytesIO()
    big.save(buffer, format=fmt, quality=75)
    raw = buffer.getvalue()
    report = page_qc(normalize_line_art(raw, width=PAGE[0], height=PAGE[1]), source=raw)
    assert report.passed, report.problems
    assert report.metrics["source_grey"] < 0.001
