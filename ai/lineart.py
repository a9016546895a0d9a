"""Turn any picture into a printable coloring page: black outlines on pure white, nothing in between.

Image models return greys, anti-aliasing, shading, alpha, colour, photos, their own frames and
signatures, at about 1K pixels. ``normalize_line_art`` brings all of it to one kind of page:

1. flatten transparency onto white and take the grey levels (photos: trace their edges instead);
2. on the picture as it came (cheap, ~1K px): cut off a drawn frame, drop signature clusters in
   the corners and stray specks, and turn solid black areas into outlines;
3. scale the grey picture smoothly into the page minus a safe margin, and only then threshold,
   so upscaled edges are smooth rather than staircased;
4. thicken lines thinner than a crayon can follow, and write a two-level PNG.

Pure Pillow: every morphology step is a separable box blur plus a lookup table.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter, ImageOps

INK, PAPER = 0, 255
# No ink in this outer band of the page (share of the page's short side): printers trim, and the
# PDF draws its own frame there.
SAFE_MARGIN = 0.04
# The thinnest line a child with a crayon can follow: 0.6 mm, i.e. 7 px on a 2400 px (8 in) page.
MIN_LINE = 7 / 2400
# Anything lighter than MAX_THRESHOLD is shading or paper, never an outline, whatever Otsu says.
MAX_THRESHOLD = 160
MIN_THRESHOLD = 70
# A picture with less near-white paper than this, or more ink, is a photo or a filled
# silhouette, not line art: its edges are traced.
PAPER_LEVEL = 200
PHOTO_MAX_PAPER = 0.35
MAX_INK_SHARE = 0.33
PHOTO_SIZE = 640  # edges of photos are traced at this size: simpler, bolder contours
PHOTO_BLUR = 2.0
PHOTO_EDGE_SHARE = 0.07  # keep the strongest edges, about this share of the picture
PHOTO_MIN_EDGE = 12  # gradient strength below which nothing is an edge (flat areas, noise)
# A drawn frame: on at least FRAME_MIN_SIDES sides, a line covering FRAME_COVERAGE of the side,
# within FRAME_BAND of the edge; a second line within FRAME_GAP of the first makes it double.
FRAME_BAND = 0.12
FRAME_COVERAGE = 0.6
FRAME_GAP = 0.03
FRAME_TOLERANCE = 0.004  # a hand-drawn line may wander this far (share of the side)
FRAME_MIN_SIDES = 3
# Signature and watermark zone in each corner (shares of width and height): ink clusters lying
# wholly inside one are dropped.
CORNER_WIDTH = 0.3
CORNER_HEIGHT = 0.08
CELL = 0.006  # clusters are found on a grid of cells this size (share of the short side)
SPECK = 0.004  # clusters with less ink than a square this size (share of the short side) are dust
# Ink thicker than this in every direction (share of the short side) is a filled area, not an
# outline; filled areas larger than FILL_MIN_AREA become outlines RING thick.
# On small pictures these shares shrink to a pixel or two, less than an anti-aliased line:
# a fill is always at least 2 * MIN_FILL_RADIUS + 1 px thick.
FILL_THICKNESS = 0.012
MIN_FILL_RADIUS = 3
FILL_MIN_AREA = 0.002
RING = 0.006
DARK_DETAIL = 90  # inside a coloured fill, lines darker than this in every channel are kept
MIN_CROP = 0.75  # cropping to the drawing never zooms in more than 1 / MIN_CROP
# Cleaning runs on the picture at no more than this size (px): models return ~1K, and bigger
# pictures only cost time there, since the page is thresholded after scaling up anyway.
WORK_SIZE = 1280
PNG_COMPRESSION = 6

_ANY = [0] + [255] * 255
_ALL = [0] * 255 + [255]


@dataclass(frozen=True)
class Cluster:
    """Connected ink on a grid of ``cell``-pixel cells (8-connected), in picture pixels."""

    box: tuple[int, int, int, int]
    area: float  # ink pixels
    cells: tuple[int, ...]


@dataclass(frozen=True)
class _Picture:
    gray: Image.Image  # L, dark = ink
    dark: Image.Image  # mask: darker than DARK_DETAIL in every channel
    cut: int  # grey level below which a pixel is ink

    def mask(self) -> Image.Image:
        return ink_mask(self.gray, self.cut)

    def crop(self, box: tuple[int, int, int, int]) -> _Picture:
        return _Picture(self.gray.crop(box), self.dark.crop(box), self.cut)


def normalize_line_art(raw: bytes, *, width: int | None = None, height: int | None = None) -> bytes:
    """Any picture in, a ``width`` x ``height`` page out: only pure black (0) and white (255)."""
    image = flatten(_open(raw))
    width, height = width or image.width, height or image.height
    picture = _clean(_prepare(image, (width, height)))
    line = max(3, round(MIN_LINE * width))
    pad = line // 2 + 2  # room for thickening without reaching into the safe margin
    fitted = _fit(picture.gray, width, height, inset=pad)
    ink = _thicken(ImageOps.expand(ink_mask(fitted, picture.cut), pad, fill=0), line)
    return _to_png(_on_page(ImageOps.invert(ink), width, height))


def is_line_art(png: bytes) -> bool:
    """Only pure black and pure white pixels, and mostly white (a printable coloring page)."""
    image = _open(png)
    if image.mode not in ("1", "L"):
        return False
    histogram = image.convert("L").histogram()
    total = sum(histogram)
    if total == 0 or histogram[INK] + histogram[PAPER] != total:
        return False
    return histogram[PAPER] / total >= 0.55


def ink_share(png: bytes) -> float:
    gray = _open(png).convert("L")
    return count(ink_mask(gray)) / _area(gray)


# --- masks: L images, 255 where set -------------------------------------------------------------


def ink_mask(gray: Image.Image, cut: int = 128) -> Image.Image:
    return gray.point([255] * cut + [0] * (256 - cut))


def dilate(mask: Image.Image, radius: int) -> Image.Image:
    """Grow by a (2r+1)-pixel square; exact for radii up to 127."""
    for box in ((radius, 0), (0, radius)):
        mask = mask.filter(ImageFilter.BoxBlur(box)).point(_ANY) if radius > 0 else mask
    return mask


def erode(mask: Image.Image, radius: int) -> Image.Image:
    """Keep only pixels whose whole (2r+1)-pixel square is set."""
    for box in ((radius, 0), (0, radius)):
        mask = mask.filter(ImageFilter.BoxBlur(box)).point(_ALL) if radius > 0 else mask
    return mask


def count(mask: Image.Image) -> int:
    return mask.histogram()[255]


def clusters(mask: Image.Image, cell: int) -> list[Cluster]:
    """Connected groups of cells holding any ink; ``cell`` up to 16 so one pixel still counts."""
    grid = mask.reduce(cell) if cell > 1 else mask
    columns, rows = grid.size
    values = grid.tobytes()
    seen = bytearray(len(values))
    found = []
    for start in (i for i, value in enumerate(values) if value):
        if not seen[start]:
            seen[start] = 1
            members = _flood(start, values, seen, columns, rows)
            found.append(_cluster(members, values, columns, cell, mask.size))
    return found


def cells_mask(members: list[int], size: tuple[int, int], cell: int) -> Image.Image:
    columns, rows = -(-size[0] // cell), -(-size[1] // cell)
    grid = bytearray(columns * rows)
    for index in members:
        grid[index] = 255
    image = Image.frombytes("L", (columns, rows), bytes(grid))
    return image.resize((columns * cell, rows * cell), Image.Resampling.NEAREST).crop((0, 0, *size))


def _flood(start: int, values: bytes, seen: bytearray, columns: int, rows: int) -> list[int]:
    stack, members = [start], []
    while stack:
        index = stack.pop()
        members.append(index)
        y, x = divmod(index, columns)
        for ny in (y - 1, y, y + 1):
            for nx in (x - 1, x, x + 1):
                if 0 <= ny < rows and 0 <= nx < columns:
                    other = ny * columns + nx
                    if values[other] and not seen[other]:
                        seen[other] = 1
                        stack.append(other)
    return members


def _cluster(members: list[int], values: bytes, columns: int, cell: int, size: tuple[int, int]) -> Cluster:
    xs = [index % columns for index in members]
    ys = [index // columns for index in members]
    box = (
        min(xs) * cell,
        min(ys) * cell,
        min(size[0], (max(xs) + 1) * cell),
        min(size[1], (max(ys) + 1) * cell),
    )
    area = sum(values[index] for index in members) / 255 * cell * cell
    return Cluster(box, area, tuple(members))


# --- reading --------------------------------------------------------------------------------


def _open(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def flatten(image: Image.Image) -> Image.Image:
    """Transparent areas become paper, not black (the default when alpha is dropped)."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("P", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "RGBa", "La"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, image).convert("RGB")
    if image.mode not in ("L", "RGB"):
        return image.convert("RGB")
    return image


def _prepare(image: Image.Image, page: tuple[int, int]) -> _Picture:
    """Grey levels at no more than WORK_SIZE; a photo becomes its traced edges."""
    box = (min(page[0], WORK_SIZE), min(page[1], WORK_SIZE))
    if image.width > box[0] or image.height > box[1]:
        image = ImageOps.contain(image, box, method=Image.Resampling.LANCZOS)
    gray = image.convert("L")
    brightest = _brightest_channel(image)
    dark = brightest.point([255] * DARK_DETAIL + [0] * (256 - DARK_DETAIL))
    cut = min(MAX_THRESHOLD, max(MIN_THRESHOLD, otsu_threshold(gray.histogram())))
    if _is_photo(gray, cut):
        edges = _trace_edges(gray)
        return _Picture(edges, ink_mask(edges), 128)
    return _Picture(gray, dark, cut)


def _brightest_channel(image: Image.Image) -> Image.Image:
    if image.mode == "L":
        return image
    red, green, blue = image.convert("RGB").split()
    return ImageChops.lighter(red, ImageChops.lighter(green, blue))


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


def _is_photo(gray: Image.Image, cut: int) -> bool:
    histogram = gray.histogram()
    total = sum(histogram)
    paper = sum(histogram[PAPER_LEVEL:]) / total
    ink = sum(histogram[:cut]) / total
    return paper < PHOTO_MAX_PAPER or ink > MAX_INK_SHARE


def _trace_edges(gray: Image.Image) -> Image.Image:
    """Strongest gradients of a softened, smaller copy as black lines (0) on white."""
    small = ImageOps.contain(gray, (PHOTO_SIZE, PHOTO_SIZE), method=Image.Resampling.LANCZOS)
    soft = small.filter(ImageFilter.GaussianBlur(PHOTO_BLUR))
    flat = Image.new("L", small.size, 128)
    strength = None
    for kernel in ((-1, 0, 1, -2, 0, 2, -1, 0, 1), (-1, -2, -1, 0, 0, 0, 1, 2, 1)):
        sobel = soft.filter(ImageFilter.Kernel((3, 3), kernel, scale=2, offset=128))
        part = ImageChops.difference(sobel, flat)
        strength = part if strength is None else ImageChops.add(strength, part)
    strength = ImageOps.expand(ImageOps.crop(strength, 2), 2, fill=0)  # the filters skip the rim
    cut = _strongest(strength.histogram(), PHOTO_EDGE_SHARE)
    return strength.point([PAPER] * cut + [INK] * (256 - cut))


def _strongest(histogram: list[int], share: float) -> int:
    """The level above which about ``share`` of the pixels lie, never below PHOTO_MIN_EDGE."""
    wanted, seen = share * sum(histogram), 0
    for level in range(255, PHOTO_MIN_EDGE, -1):
        seen += histogram[level]
        if seen >= wanted:
            return level
    return PHOTO_MIN_EDGE


# --- cleaning, at the picture's own size ------------------------------------------------------


def _clean(picture: _Picture) -> _Picture:
    frame = _frame_box(picture.mask())
    if frame:
        picture = picture.crop(frame)
    picture = _drop_clusters(picture)
    picture = _hollow_fills(picture)
    return picture.crop(_content_box(picture.mask()))


def _frame_box(mask: Image.Image) -> tuple[int, int, int, int] | None:
    """The box inside a drawn frame, or None when fewer than FRAME_MIN_SIDES sides have one."""
    width, height = mask.size
    rows = _coverage(mask, vertical=True)
    columns = _coverage(mask, vertical=False)
    top, bottom = _frame_depth(rows, height), _frame_depth(rows[::-1], height)
    left, right = _frame_depth(columns, width), _frame_depth(columns[::-1], width)
    if sum(depth > 0 for depth in (top, bottom, left, right)) < FRAME_MIN_SIDES:
        return None
    box = (left, top, width - right, height - bottom)
    return box if box[2] - box[0] > width // 2 and box[3] - box[1] > height // 2 else None


def _coverage(mask: Image.Image, *, vertical: bool) -> list[float]:
    """Share of each row (or column) that is ink, letting a line wander FRAME_TOLERANCE."""
    side = mask.height if vertical else mask.width
    wander = max(1, round(FRAME_TOLERANCE * side))
    blurred = mask.filter(ImageFilter.BoxBlur((0, wander) if vertical else (wander, 0))).point(_ANY)
    profile = blurred.reduce((mask.width, 1) if vertical else (1, mask.height))
    return [value / 255 for value in profile.tobytes()]


def _frame_depth(profile: list[float], side: int) -> int:
    """How far in from this edge the frame reaches: the end of its last line, or 0."""
    band, gap = round(FRAME_BAND * side), max(2, round(FRAME_GAP * side))
    end, index = 0, 0
    while index < band:
        if profile[index] >= FRAME_COVERAGE:
            while index < len(profile) and profile[index] >= FRAME_COVERAGE:
                index += 1
            end = index
        elif end and index - end > gap:
            break
        else:
            index += 1
    return end + max(1, round(FRAME_TOLERANCE * side)) if end else 0


def _drop_clusters(picture: _Picture) -> _Picture:
    """Whiten dust specks and the isolated ink clusters (signatures, watermarks) in the corners."""
    mask = picture.mask()
    cell = _cell(mask.size)
    speck = (SPECK * min(mask.size)) ** 2
    doomed = [
        index
        for cluster in clusters(mask, cell)
        if cluster.area < speck or _in_corner(cluster.box, mask.size)
        for index in cluster.cells
    ]
    if doomed:
        picture.gray.paste(PAPER, mask=cells_mask(doomed, mask.size, cell))
    return picture


def _cell(size: tuple[int, int]) -> int:
    return max(1, min(16, round(CELL * min(size))))


def _in_corner(box: tuple[int, int, int, int], size: tuple[int, int]) -> bool:
    width, height = size
    zone_width, zone_height = CORNER_WIDTH * width, CORNER_HEIGHT * height
    left, top, right, bottom = box
    across = right <= zone_width or left >= width - zone_width
    along = bottom <= zone_height or top >= height - zone_height
    return across and along


def _hollow_fills(picture: _Picture) -> _Picture:
    """Filled areas become outlines: coloured fills lose their colour but keep the darker lines
    drawn inside them (a pupil in a red face), then what is still solid black is hollowed."""
    for keep in (picture.dark, None):
        inside = _fill_insides(picture.mask())
        if inside is not None:
            picture.gray.paste(PAPER, mask=ImageChops.subtract(inside, keep) if keep else inside)
    return picture


def _fill_insides(mask: Image.Image) -> Image.Image | None:
    """The inside of every filled area larger than FILL_MIN_AREA, leaving an outline RING thick."""
    short = min(mask.size)
    radius = max(MIN_FILL_RADIUS, math.ceil(FILL_THICKNESS * short / 2))
    fills = dilate(erode(mask, radius), radius)
    cell = _cell(mask.size)
    big = [i for c in clusters(fills, cell) if c.area >= FILL_MIN_AREA * _area(mask) for i in c.cells]
    if not big:
        return None
    fills = ImageChops.multiply(fills, cells_mask(big, mask.size, cell))
    return erode(fills, max(2, round(RING * short)))


def _content_box(mask: Image.Image) -> tuple[int, int, int, int]:
    """The drawing plus a little paper, never so tight that it zooms in past 1 / MIN_CROP."""
    width, height = mask.size
    box = mask.getbbox()
    if box is None:
        return (0, 0, width, height)
    pad = round(0.01 * min(width, height))
    left, right = _span(box[0] - pad, box[2] + pad, width)
    top, bottom = _span(box[1] - pad, box[3] + pad, height)
    return (left, top, right, bottom)


def _span(start: int, end: int, side: int) -> tuple[int, int]:
    length = max(end - start, math.ceil(MIN_CROP * side))
    start = min(max(0, (start + end - length) // 2), side - length)
    return max(0, start), min(side, start + length)


# --- the page -----------------------------------------------------------------------------------


def _fit(gray: Image.Image, width: int, height: int, *, inset: int) -> Image.Image:
    """Scale smoothly (up or down) to fit the page minus its safe margin and ``inset``."""
    margin = round(SAFE_MARGIN * min(width, height)) + inset
    box = (max(1, width - 2 * margin), max(1, height - 2 * margin))
    return ImageOps.contain(gray, box, method=Image.Resampling.LANCZOS)


def _on_page(picture: Image.Image, width: int, height: int) -> Image.Image:
    page = Image.new("L", (width, height), PAPER)
    page.paste(picture, ((width - picture.width) // 2, (height - picture.height) // 2))
    return page


def _thicken(mask: Image.Image, line: int) -> Image.Image:
    """Grow only lines thinner than ``line`` px, so bold outlines and fills stay as they are."""
    radius = max(1, round(line / (2 * math.sqrt(2))))  # diagonal lines of ``line`` px pass too
    bold = dilate(erode(mask, radius), radius)
    thin = ImageChops.subtract(mask, dilate(bold, 2))  # minus the staircase fringe of bold lines
    if count(thin) < 0.01 * max(1, count(mask)):
        return mask
    grow = math.ceil((line - _stroke_width(thin)) / 2)
    return ImageChops.lighter(mask, dilate(thin, grow)) if grow > 0 else mask


def _stroke_width(mask: Image.Image) -> float:
    """Mean width of the lines in ``mask``: eroding by one pixel strips two from each line."""
    kept = count(erode(mask, 1)) / max(1, count(mask))
    return 2 / (1 - kept) if kept < 1 else float("inf")


def _area(image: Image.Image) -> int:
    return image.width * image.height


def _to_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=PNG_COMPRESSION)
    return buffer.getvalue()
