"""Turn any picture into clean coloring-book line art: black ink on pure white, nothing in between.

Real image models return greys, anti-aliasing, soft shading, alpha and sometimes colour;
a coloring page must print as pure black outlines around white regions a child can fill.
Pure Pillow (no numpy) so it runs anywhere the site runs.
"""

from __future__ import annotations

import io

from PIL import Image, ImageChops, ImageFilter, ImageOps

INK, PAPER = 0, 255
# Anything lighter than this is shading or paper, never an outline, whatever Otsu says.
MAX_THRESHOLD = 160
MIN_THRESHOLD = 70
# Above this ink share the picture is a photo or filled silhouette, not line art: trace its edges.
MAX_INK_SHARE = 0.33
MIN_WHITE_SHARE = 0.55
SPECK_DENSITY = 0.2


def normalize_line_art(png: bytes, *, width: int | None = None, height: int | None = None) -> bytes:
    gray = _flatten(_open(png)).convert("L")
    if width and height:
        gray = _fit(gray, width, height)
    ink = _threshold(gray)
    if _ink_share(ink) > MAX_INK_SHARE:
        ink = _trace_edges(gray)
    return _to_png(_remove_specks(ink))


def is_line_art(png: bytes) -> bool:
    """Only pure black and pure white pixels, and mostly white (a printable coloring page)."""
    image = _open(png)
    if image.mode not in ("1", "L"):
        return False
    histogram = image.convert("L").histogram()
    total = sum(histogram)
    if total == 0 or histogram[INK] + histogram[PAPER] != total:
        return False
    return histogram[PAPER] / total >= MIN_WHITE_SHARE


def ink_share(png: bytes) -> float:
    return _ink_share(_open(png).convert("L"))


def _open(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent areas become paper, not black (the default when alpha is dropped)."""
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, image).convert("RGB")
    if image.mode not in ("L", "RGB", "1"):
        return image.convert("RGB")
    return image


def _fit(gray: Image.Image, width: int, height: int) -> Image.Image:
    fitted = ImageOps.contain(gray, (width, height), method=Image.Resampling.LANCZOS)
    canvas = Image.new("L", (width, height), PAPER)
    canvas.paste(fitted, ((width - fitted.width) // 2, (height - fitted.height) // 2))
    return canvas


def _threshold(gray: Image.Image) -> Image.Image:
    cut = min(MAX_THRESHOLD, max(MIN_THRESHOLD, otsu_threshold(gray.histogram())))
    return gray.point(lambda value: INK if value < cut else PAPER)


def otsu_threshold(histogram: list[int]) -> int:
    """The grey level that best separates ink from paper (maximal between-class variance)."""
    total = sum(histogram)
    weighted_total = sum(level * count for level, count in enumerate(histogram))
    best_level, best_variance = 128, -1.0
    below, weighted_below = 0, 0
    for level, count in enumerate(histogram):
        below += count
        above = total - below
        if below == 0:
            continue
        if above == 0:
            break
        weighted_below += level * count
        mean_gap = weighted_below / below - (weighted_total - weighted_below) / above
        variance = below * above * mean_gap * mean_gap
        if variance > best_variance:
            best_level, best_variance = level + 1, variance
    return best_level


def _trace_edges(gray: Image.Image) -> Image.Image:
    radius = max(1, min(gray.size) // 700)
    edges = gray.filter(ImageFilter.GaussianBlur(radius * 2)).filter(ImageFilter.FIND_EDGES)
    ink = edges.point(lambda value: INK if value > 12 else PAPER)
    return ink.filter(ImageFilter.MinFilter(2 * radius + 1))


def _remove_specks(ink: Image.Image) -> Image.Image:
    """Drop ink pixels whose neighbourhood holds almost no ink (dust, JPEG noise, stray dots)."""
    radius = max(2, min(ink.size) // 450)
    mask = ImageOps.invert(ink)
    density = mask.filter(ImageFilter.BoxBlur(radius))
    dense = density.point(lambda value: 255 if value >= 255 * SPECK_DENSITY else 0)
    return ImageOps.invert(ImageChops.multiply(mask, dense))


def _ink_share(ink: Image.Image) -> float:
    histogram = ink.histogram()
    total = sum(histogram)
    return sum(histogram[:128]) / total if total else 0.0


def _to_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()
