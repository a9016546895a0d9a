"""A pen that draws coloring-book shapes: black outline, white inside, and a silhouette mask.

Every shape is drawn twice: in ``ink`` (white fill, black outline) and in ``mask`` (the area it
covers). Pasting ``ink`` through ``mask`` lets a figure hide what is behind it, as in a real
drawing, instead of letting background lines run through it. Coordinates are in a unit box
(0..1) scaled to the figure's size, so figures can be drawn at any size.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw

BLACK, WHITE = 0, 255
Point = tuple[float, float]


class Pen:
    def __init__(self, size: int, width: int, *, height: int | None = None):
        self.size = size
        self.w = max(2, width)
        box = (size, height or size)
        self.ink = Image.new("L", box, WHITE)
        self.mask = Image.new("L", box, 0)
        self._ink = ImageDraw.Draw(self.ink)
        self._mask = ImageDraw.Draw(self.mask)

    def p(self, x: float, y: float) -> Point:
        return (x * self.size, y * self.size)

    def pts(self, points: Sequence[Point]) -> list[Point]:
        return [self.p(x, y) for x, y in points]

    def ellipse(self, cx: float, cy: float, rx: float, ry: float | None = None) -> None:
        box = self._box(cx, cy, rx, ry if ry is not None else rx)
        self._mask.ellipse(box, fill=255)
        self._ink.ellipse(box, fill=WHITE, outline=BLACK, width=self.w)

    def circle(self, cx: float, cy: float, r: float) -> None:
        self.ellipse(cx, cy, r, r)

    def dot(self, cx: float, cy: float, rx: float, ry: float | None = None, *, color: int = BLACK) -> None:
        """A small solid dot (pupils, noses, eye glints): too small to color, reads as a feature."""
        box = self._box(cx, cy, rx, ry if ry is not None else rx)
        self._mask.ellipse(box, fill=255)
        self._ink.ellipse(box, fill=color)

    def polygon(self, points: Sequence[Point], *, rounds: int = 0) -> None:
        xy = self.pts(smooth(points, rounds) if rounds else points)
        self._mask.polygon(xy, fill=255)
        self._mask.line([*xy, xy[0]], fill=255, width=self.w, joint="curve")
        self._ink.polygon(xy, fill=WHITE)
        self._ink.line([*xy, xy[0]], fill=BLACK, width=self.w, joint="curve")

    def rect(self, x0: float, y0: float, x1: float, y1: float, radius: float = 0.0) -> None:
        box = (*self.p(x0, y0), *self.p(x1, y1))
        r = radius * self.size
        self._mask.rounded_rectangle(box, r, fill=255)
        self._ink.rounded_rectangle(box, r, fill=WHITE, outline=BLACK, width=self.w)

    def tube(self, points: Sequence[Point], thickness: float, *, rounds: int = 2) -> None:
        """A thick limb/tail: an outlined band with a white inside, round at both ends."""
        xy = self.pts(smooth(points, rounds, closed=False) if rounds and len(points) > 2 else points)
        outer = int(thickness * self.size)
        inner = max(1, outer - 2 * self.w)
        self._mask.line(xy, fill=255, width=outer, joint="curve")
        self._ink.line(xy, fill=BLACK, width=outer, joint="curve")
        self._ink.line(xy, fill=WHITE, width=inner, joint="curve")
        for (x, y), width in ((xy[0], outer), (xy[-1], outer)):
            self._cap(x, y, width, inner)

    def line(self, points: Sequence[Point], *, scale: float = 1.0, rounds: int = 0) -> None:
        xy = self.pts(smooth(points, rounds, closed=False) if rounds and len(points) > 2 else points)
        width = max(2, int(self.w * scale))
        self._mask.line(xy, fill=255, width=width, joint="curve")
        self._ink.line(xy, fill=BLACK, width=width, joint="curve")

    def arc(self, cx: float, cy: float, rx: float, ry: float, start: float, end: float, scale=1.0) -> None:
        box = self._box(cx, cy, rx, ry)
        width = max(2, int(self.w * scale))
        self._ink.arc(box, start, end, fill=BLACK, width=width)

    def _cap(self, x: float, y: float, outer: int, inner: int) -> None:
        ro, ri = outer / 2, inner / 2
        self._mask.ellipse((x - ro, y - ro, x + ro, y + ro), fill=255)
        self._ink.ellipse((x - ro, y - ro, x + ro, y + ro), fill=BLACK)
        self._ink.ellipse((x - ri, y - ri, x + ri, y + ri), fill=WHITE)

    def _box(self, cx: float, cy: float, rx: float, ry: float) -> tuple[float, float, float, float]:
        s = self.size
        return ((cx - rx) * s, (cy - ry) * s, (cx + rx) * s, (cy + ry) * s)

    def flipped(self) -> tuple[Image.Image, Image.Image]:
        flip = Image.Transpose.FLIP_LEFT_RIGHT
        return self.ink.transpose(flip), self.mask.transpose(flip)


def smooth(points: Sequence[Point], rounds: int, *, closed: bool = True) -> list[Point]:
    """Chaikin corner cutting: a few control points become a soft, hand-drawn-looking curve."""
    pts = list(points)
    for _ in range(rounds):
        pairs = zip(pts, pts[1:] + pts[:1], strict=False) if closed else zip(pts, pts[1:], strict=False)
        cut: list[Point] = [] if closed else [pts[0]]
        for (x0, y0), (x1, y1) in pairs:
            cut.append((0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1))
            cut.append((0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1))
        pts = cut if closed else [*cut, pts[-1]]
    return pts
