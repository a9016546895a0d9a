"""normalize_line_art: whatever a model returns, a printable coloring page comes out."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from ai.lineart import (
    MIN_LINE,
    SAFE_MARGIN,
    count,
    dilate,
    ink_mask,
    ink_share,
    is_line_art,
    normalize_line_art,
    otsu_threshold,
)
from ai.qc import page_qc

SIDE = 1024  # what image models return
PAGE = (2400, 3000)  # 8 x 10 in at 300 DPI


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _page(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


def _values(png: bytes) -> set[int]:
    return {value for value, count in enumerate(_page(png).histogram()) if count}


def _ink(png: bytes) -> Image.Image:
    return ink_mask(_page(png))


def _normalize(image: Image.Image, size: tuple[int, int] = PAGE) -> bytes:
    return normalize_line_art(_png(image), width=size[0], height=size[1])


@cache
def _print_page(picture: Callable[[], Image.Image]) -> bytes:
    """The print-size page of one of the pictures below, made once per test run."""
    return _normalize(picture())


# --- pictures as models return them -------------------------------------------------------------


def _scene(draw: ImageDraw.ImageDraw, side: int = SIDE, width: int = 6, ink=0, fills=(None,) * 3) -> None:
    """A face, a box, a tree and the ground, spanning the picture from 10 % to 90 %."""
    s = side
    draw.ellipse((0.3 * s, 0.1 * s, 0.7 * s, 0.5 * s), outline=ink, width=width, fill=fills[0])
    draw.rectangle((0.12 * s, 0.5 * s, 0.35 * s, 0.85 * s), outline=ink, width=width, fill=fills[1])
    tree = [(0.6 * s, 0.85 * s), (0.75 * s, 0.5 * s), (0.88 * s, 0.85 * s)]
    draw.polygon(tree, outline=ink, width=width, fill=fills[2])
    draw.line((0.1 * s, 0.9 * s, 0.9 * s, 0.9 * s), fill=ink, width=width)


def _line_drawing(width: int = 6) -> Image.Image:
    image = Image.new("L", (SIDE, SIDE), 255)
    _scene(ImageDraw.Draw(image), width=width)
    return image


def _photo() -> Image.Image:
    """Colour gradients, sensor noise and a few solid shapes: no paper, no outlines."""
    ramp = Image.linear_gradient("L").resize((SIDE, SIDE))
    image = Image.merge("RGB", (ramp, ramp.rotate(90), Image.new("L", (SIDE, SIDE), 120)))
    draw = ImageDraw.Draw(image)
    draw.ellipse((300, 250, 700, 650), fill=(220, 180, 60))
    draw.rectangle((100, 600, 400, 900), fill=(40, 90, 160))
    noise = Image.effect_noise((SIDE, SIDE), 40).convert("RGB")
    return Image.blend(image, noise, 0.25)


def _shaded() -> Image.Image:
    """Grey fills and anti-aliased outlines (drawn at twice the size, scaled down)."""
    big = Image.new("L", (2 * SIDE, 2 * SIDE), 255)
    _scene(ImageDraw.Draw(big), 2 * SIDE, width=12, fills=(170, 200, 140))
    return big.resize((SIDE, SIDE), Image.Resampling.LANCZOS)


def _cartoon() -> Image.Image:
    image = Image.new("RGB", (SIDE, SIDE), "white")
    draw = ImageDraw.Draw(image)
    _scene(draw, fills=((220, 30, 30), (30, 60, 200), (40, 160, 60)))
    draw.ellipse((420, 200, 450, 230), fill=0)  # a pupil drawn in the red face
    return image


def _transparent() -> Image.Image:
    """Black lines on fully transparent black: dropping alpha would give a black page."""
    image = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0))
    _scene(ImageDraw.Draw(image), ink=(0, 0, 0, 255))
    return image


def _framed() -> Image.Image:
    """An AI-style double rounded frame and a signature in the bottom-right corner."""
    image = _line_drawing()
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((20, 20, SIDE - 20, SIDE - 20), 40, outline=0, width=8)
    draw.rounded_rectangle((38, 38, SIDE - 38, SIDE - 38), 30, outline=0, width=4)
    draw.text((SIDE - 230, SIDE - 80), "AI-Art 2024", fill=0, font=ImageFont.load_default(size=28))
    return image


def _silhouette() -> Image.Image:
    image = _line_drawing()
    ImageDraw.Draw(image).ellipse((330, 130, 670, 470), fill=0)
    return image


def _to_the_edge() -> Image.Image:
    image = _line_drawing()
    ImageDraw.Draw(image).rectangle((0, 0, 300, 200), outline=0, width=6)
    return image


def _near(a: Image.Image, b: Image.Image, pixels: int = 3) -> float:
    """Share of ``a``'s ink lying within ``pixels`` of ``b``'s ink."""
    return 1 - count(ImageChops.subtract(a, dilate(b, pixels))) / max(1, count(a))


def _page_point(source: Image.Image, page: Image.Image, x: float, y: float) -> tuple[int, int]:
    """Where a point of the source lands on the page, from the two drawings' bounding boxes."""
    left, top, right, bottom = source.getbbox()
    page_left, page_top, page_right, page_bottom = page.getbbox()
    scale = (page_right - page_left) / (right - left)
    return round(page_left + (x - left) * scale), round(page_top + (y - top) * scale)


def _runs(column: list[int]) -> list[int]:
    runs, length = [], 0
    for value in [*column, 255]:
        if value == 0:
            length += 1
        elif length:
            runs.append(length)
            length = 0
    return runs


# --- every page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "picture",
    [_line_drawing, _photo, _shaded, _cartoon, _transparent, _framed, _silhouette, _to_the_edge],
)
def test_every_picture_becomes_a_print_size_black_and_white_page_that_passes_qc(picture):
    png = _print_page(picture)
    assert _page(png).size == PAGE
    assert _values(png) <= {0, 255}
    report = page_qc(png)
    assert report.passed, report.problems


# --- what is dropped ----------------------------------------------------------------------------


def test_an_ai_drawn_frame_and_corner_signature_are_removed_and_the_drawing_kept():
    framed, plain = _ink(_print_page(_framed)), _ink(_print_page(_line_drawing))
    assert _near(framed, plain) > 0.99
    assert _near(plain, framed) > 0.99


def test_grey_shading_is_dropped_and_the_outlines_kept():
    shaded, plain = _ink(_print_page(_shaded)), _ink(_print_page(_line_drawing))
    assert _near(shaded, plain, pixels=6) > 0.98
    assert _near(plain, shaded, pixels=6) > 0.98


def test_a_coloured_cartoon_keeps_its_outlines_and_white_insides():
    source = ink_mask(_cartoon().convert("L"))
    page = _ink(_print_page(_cartoon))
    for inside in ((600, 380), (240, 700), (745, 760)):  # the red face, the blue box, the green tree
        assert page.getpixel(_page_point(source, page, *inside)) == 0
    assert page.getpixel(_page_point(source, page, 435, 215)) == 255  # the pupil stays black
    assert page.getpixel(_page_point(source, page, 512, 104)) == 255  # the face's outline


def test_a_solid_black_silhouette_becomes_its_outline():
    source = ink_mask(_silhouette())
    page = _ink(_print_page(_silhouette))
    assert page.getpixel(_page_point(source, page, 500, 300)) == 0
    assert page.getpixel(_page_point(source, page, 500, 133)) == 255


def test_a_photo_becomes_outlines_not_an_ink_blot():
    png = _print_page(_photo)
    assert 0.01 < ink_share(png) < 0.2
    assert is_line_art(png)


def test_transparency_becomes_paper_not_ink():
    transparent, plain = _ink(_print_page(_transparent)), _ink(_print_page(_line_drawing))
    assert _near(transparent, plain, pixels=1) > 0.99
    assert ink_share(_print_page(_transparent)) < 0.05


def test_a_colour_drawing_on_a_transparent_background_gets_a_white_background():
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    _scene(ImageDraw.Draw(image), 400, ink=(200, 30, 30, 255))
    png = normalize_line_art(_png(image))
    assert is_line_art(png)
    assert 0.01 < ink_share(png) < 0.1


def test_dust_specks_are_dropped():
    dusty = _line_drawing()
    draw = ImageDraw.Draw(dusty)
    for x in range(60, 1000, 47):
        for y in (60, 560, 960):
            draw.point((x, y), fill=0)
            draw.rectangle((x + 20, y + 8, x + 21, y + 9), fill=30)
    cleaned, plain = _ink(_normalize(dusty)), _ink(_print_page(_line_drawing))
    assert _near(cleaned, plain) > 0.999


# --- lines --------------------------------------------------------------------------------------


def test_hairlines_are_thickened_for_crayons():
    page = _page(_normalize(_line_drawing(width=1)))
    runs = _runs([page.getpixel((PAGE[0] // 2, y)) for y in range(PAGE[1])])
    assert len(runs) == 3  # the face (top and bottom) and the ground
    assert all(run >= round(MIN_LINE * PAGE[0]) for run in runs)


def test_bold_lines_are_not_made_bolder():
    page = _page(_normalize(_line_drawing(width=8)))
    runs = _runs([page.getpixel((PAGE[0] // 2, y)) for y in range(PAGE[1])])
    scale = (PAGE[0] * (1 - 2 * SAFE_MARGIN)) / (0.82 * SIDE)
    assert all(abs(run - 8 * scale) <= 3 for run in runs)


def test_close_hairlines_are_thickened_without_merging_into_a_blob():
    image = Image.new("L", (SIDE, SIDE), 255)
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 100, 900, 900), outline=0, width=1)
    for i in range(12):
        draw.line((200, 300 + i * 8, 800, 300 + i * 8), fill=0, width=1)
    page = _page(_normalize(image))
    runs = _runs([page.getpixel((PAGE[0] // 2, y)) for y in range(PAGE[1])])
    assert len(runs) == 14
    assert page_qc(_png(page)).passed


# --- the page -----------------------------------------------------------------------------------


def test_any_shape_is_fitted_centred_inside_the_safe_margin():
    wide = _line_drawing().resize((1600, 600))
    page = _ink(_normalize(wide, (600, 750)))
    left, top, right, bottom = page.getbbox()
    margin = SAFE_MARGIN * 600
    assert page.size == (600, 750)
    assert left >= margin and top >= margin and right <= 600 - margin and bottom <= 750 - margin
    assert abs(left - (600 - right)) <= 2 and abs(top - (750 - bottom)) <= 2


def test_ink_touching_the_edge_is_brought_inside_the_safe_margin():
    page = _ink(_print_page(_to_the_edge))
    left, top, right, bottom = page.getbbox()
    margin = SAFE_MARGIN * PAGE[0]
    assert left >= margin and top >= margin and right <= PAGE[0] - margin and bottom <= PAGE[1] - margin


def test_a_bigger_picture_is_scaled_down_to_the_page():
    png = _normalize(_line_drawing().resize((3000, 3000)), (600, 750))
    assert _page(png).size == (600, 750)
    assert _values(png) <= {0, 255}


def test_without_a_size_the_page_keeps_the_pictures_size():
    assert _page(normalize_line_art(_png(_line_drawing()))).size == (SIDE, SIDE)


def test_a_blank_picture_gives_a_blank_page():
    png = _normalize(Image.new("RGB", (SIDE, SIDE), "white"), (600, 750))
    assert _values(png) == {255}


# --- helpers ------------------------------------------------------------------------------------


def test_is_line_art_refuses_greys_and_mostly_black_pictures():
    assert not is_line_art(_png(Image.linear_gradient("L")))
    assert not is_line_art(_png(Image.new("L", (50, 50), 0)))
    assert not is_line_art(_png(Image.new("RGB", (50, 50), (255, 255, 255))))
    assert is_line_art(_png(Image.new("L", (50, 50), 255)))


def test_otsu_splits_a_two_peak_histogram_between_the_peaks():
    histogram = [0] * 256
    histogram[30], histogram[220] = 100, 900
    assert 30 < otsu_threshold(histogram) <= 220
