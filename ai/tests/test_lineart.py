"""normalize_line_art: whatever a model returns, a printable coloring page comes out."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from ai.lineart import ink_share, is_line_art, normalize_line_art, otsu_threshold


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _open(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def _values(png: bytes) -> set[int]:
    return {value for value, count in enumerate(_open(png).convert("L").histogram()) if count}


def _drawing(mode: str = "RGB", background=(255, 255, 255), ink=(40, 40, 40)) -> Image.Image:
    image = Image.new(mode, (400, 400), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((80, 80, 320, 320), outline=ink, width=8)
    draw.line((60, 350, 340, 350), fill=ink, width=6)
    return image


def test_a_grey_gradient_becomes_pure_black_and_white():
    gradient = Image.linear_gradient("L").resize((300, 300))
    assert _values(normalize_line_art(_png(gradient))) <= {0, 255}


def test_grey_shading_is_dropped_and_dark_outlines_are_kept():
    image = _drawing()
    ImageDraw.Draw(image).rectangle((150, 150, 250, 250), fill=(200, 200, 200))
    png = normalize_line_art(_png(image))
    out = _open(png).convert("L")
    assert out.getpixel((200, 200)) == 255
    assert out.getpixel((200, 83)) == 0
    assert is_line_art(png)


def test_a_colour_drawing_on_a_transparent_background_gets_a_white_background():
    image = _drawing("RGBA", background=(0, 0, 0, 0), ink=(200, 30, 30, 255))
    png = normalize_line_art(_png(image))
    out = _open(png).convert("L")
    assert out.getpixel((5, 5)) == 255
    assert out.getpixel((200, 84)) == 0
    assert is_line_art(png)


def test_a_dark_photo_like_picture_becomes_outlines_not_an_ink_blot():
    photo = Image.new("RGB", (400, 400), (30, 60, 90))
    ImageDraw.Draw(photo).ellipse((100, 100, 300, 300), fill=(230, 200, 40))
    png = normalize_line_art(_png(photo))
    assert _values(png) <= {0, 255}
    assert ink_share(png) < 0.2
    assert is_line_art(png)


def test_tiny_specks_are_removed():
    image = _drawing("L", background=255, ink=0)
    draw = ImageDraw.Draw(image)
    for x in range(20, 380, 40):
        draw.point((x, 30), fill=0)
    out = _open(normalize_line_art(_png(image))).convert("L")
    assert all(out.getpixel((x, 30)) == 255 for x in range(20, 380, 40))
    assert out.getpixel((200, 84)) == 0


def test_it_fits_any_shape_into_a_white_padded_square():
    wide = _drawing().resize((800, 400))
    out = _open(normalize_line_art(_png(wide), width=256, height=256))
    assert out.size == (256, 256)
    assert out.convert("L").getpixel((128, 5)) == 255
    assert out.mode in ("1", "L")


def test_is_line_art_refuses_greys_and_mostly_black_pictures():
    assert not is_line_art(_png(Image.linear_gradient("L")))
    assert not is_line_art(_png(Image.new("L", (50, 50), 0)))
    assert not is_line_art(_png(Image.new("RGB", (50, 50), (255, 255, 255))))
    assert is_line_art(_png(Image.new("L", (50, 50), 255)))


def test_otsu_splits_a_two_peak_histogram_between_the_peaks():
    histogram = [0] * 256
    histogram[30], histogram[220] = 100, 900
    assert 30 < otsu_threshold(histogram) <= 220
