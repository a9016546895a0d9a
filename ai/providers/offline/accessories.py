"""The accessory the character sheet promises (scarf, bow, glasses...), drawn on any figure."""

from __future__ import annotations

from ai.providers.offline.figures import Anchors
from ai.providers.offline.pen import Pen


def scarf(pen: Pen, at: Anchors) -> None:
    x, y, half = at.neck
    pen.polygon([(x - 0.02, y), (x + 0.04, y + 0.02), (x + 0.07, y + 0.17), (x + 0.0, y + 0.18)], rounds=1)
    pen.rect(x - half * 1.1, y - 0.035, x + half * 1.1, y + 0.035, 0.03)
    for i in (-2, -1, 0, 1, 2):
        sx = x + i * half * 0.4
        pen.line([(sx, y - 0.03), (sx - 0.015, y + 0.03)], scale=0.6)
    pen.line([(x + 0.015, y + 0.09), (x + 0.06, y + 0.09)], scale=0.6)


def bow(pen: Pen, at: Anchors) -> None:
    x, y, r = at.head
    bx, by = x + r * 0.35, y - r * 0.95
    pen.polygon([(bx, by), (bx - 0.09, by - 0.05), (bx - 0.09, by + 0.05)], rounds=1)
    pen.polygon([(bx, by), (bx + 0.09, by - 0.05), (bx + 0.09, by + 0.05)], rounds=1)
    pen.circle(bx, by, 0.025)


def glasses(pen: Pen, at: Anchors) -> None:
    r = at.eye_r * 1.75
    for ex, ey in at.eyes:
        pen.arc(ex, ey, r, r, 0, 360)
    if len(at.eyes) == 2:
        (x0, y0), (x1, y1) = at.eyes
        pen.line([(x0 + r, y0), (x1 - r, y1)], scale=0.8)
    else:
        ex, ey = at.eyes[0]
        pen.line([(ex - r, ey), (ex - r * 2.6, ey - r * 0.3)], scale=0.8)


def hat(pen: Pen, at: Anchors) -> None:
    x, y, r = at.head
    top = y - r * 0.8
    pen.polygon(
        [
            (x - r * 0.55, top),
            (x - r * 0.45, top - r * 0.55),
            (x + r * 0.45, top - r * 0.55),
            (x + r * 0.55, top),
        ],
        rounds=2,
    )
    pen.ellipse(x, top, r * 0.95, r * 0.14)
    pen.line([(x - r * 0.5, top - r * 0.16), (x + r * 0.5, top - r * 0.16)], scale=0.7)


def flower(pen: Pen, at: Anchors) -> None:
    x, y, r = at.head
    fx, fy = x - r * 0.55, y - r * 0.8
    for dx, dy in ((0.03, 0), (-0.03, 0), (0, 0.03), (0, -0.03)):
        pen.circle(fx + dx, fy + dy, 0.025)
    pen.circle(fx, fy, 0.018)


ACCESSORY_DRAWERS = {"scarf": scarf, "bow": bow, "glasses": glasses, "hat": hat, "flower": flower}
