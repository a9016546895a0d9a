"""Hand-drawn scenery pieces (sun, clouds, trees, houses...) in the figures' unit-box style.

Icons are fine for small props, but the big shapes of a coloring page (a tree a child
fills with green, a sun with a face) read better drawn by hand with round, bumpy outlines.
"""

from __future__ import annotations

from math import atan2, cos, dist, pi, sin

from ai.providers.offline.pen import Pen, Point


def scallop(cx: float, cy: float, rx: float, ry: float, bumps: int, depth: float = 0.12) -> list[Point]:
    """A bumpy closed outline (cloud, tree crown): an ellipse made of ``bumps`` round lobes."""
    steps = bumps * 8
    points = []
    for k in range(steps):
        theta = 2 * pi * k / steps
        lobe = abs(sin(bumps * theta / 2)) ** 0.5
        r = 1 - depth + depth * lobe
        points.append((cx + rx * r * cos(theta), cy + ry * r * sin(theta)))
    return points


def sun(pen: Pen) -> None:
    for i in range(10):
        angle = 2 * pi * i / 10
        tip = (0.5 + 0.47 * cos(angle), 0.5 + 0.47 * sin(angle))
        left = (0.5 + 0.27 * cos(angle - 0.22), 0.5 + 0.27 * sin(angle - 0.22))
        right = (0.5 + 0.27 * cos(angle + 0.22), 0.5 + 0.27 * sin(angle + 0.22))
        pen.polygon([left, tip, right], rounds=1)
    pen.circle(0.5, 0.5, 0.29)
    pen.dot(0.42, 0.45, 0.03)
    pen.dot(0.58, 0.45, 0.03)
    pen.arc(0.5, 0.52, 0.12, 0.09, 20, 160)


def cloud(pen: Pen) -> None:
    pen.polygon(scallop(0.5, 0.5, 0.46, 0.24, bumps=7, depth=0.16), rounds=1)


def tree(pen: Pen) -> None:
    pen.polygon([(0.43, 1.0), (0.45, 0.55), (0.55, 0.55), (0.57, 1.0)])
    pen.line([(0.5, 0.64), (0.5, 0.72), (0.47, 0.78)], scale=0.6)
    pen.polygon(scallop(0.5, 0.36, 0.40, 0.33, bumps=9, depth=0.14), rounds=1)
    for x, y in ((0.38, 0.30), (0.6, 0.42), (0.5, 0.22)):
        pen.arc(x, y, 0.06, 0.04, 200, 340, scale=0.7)
    pen.ellipse(0.5, 0.82, 0.025, 0.035)


def apple_tree(pen: Pen) -> None:
    tree(pen)
    for x, y in ((0.32, 0.42), (0.62, 0.28), (0.68, 0.50), (0.44, 0.52)):
        pen.circle(x, y, 0.04)


def house(pen: Pen) -> None:
    pen.rect(0.64, 0.18, 0.74, 0.40)
    pen.rect(0.16, 0.46, 0.84, 1.0)
    pen.polygon([(0.08, 0.50), (0.50, 0.12), (0.92, 0.50)])
    pen.rect(0.42, 0.70, 0.58, 1.0, 0.06)
    pen.dot(0.545, 0.86, 0.012)
    for x in (0.22, 0.64):
        pen.rect(x, 0.58, x + 0.14, 0.72, 0.01)
        pen.line([(x + 0.07, 0.58), (x + 0.07, 0.72)], scale=0.6)
        pen.line([(x, 0.65), (x + 0.14, 0.65)], scale=0.6)
    pen.circle(0.5, 0.36, 0.05)


def mountain(pen: Pen) -> None:
    pen.polygon([(0.0, 1.0), (0.30, 0.28), (0.46, 0.52), (0.66, 0.14), (1.0, 1.0)])
    for x, y in ((0.30, 0.28), (0.66, 0.14)):
        cap = [
            (x, y),
            (x + 0.09, y + 0.17),
            (x + 0.04, y + 0.13),
            (x, y + 0.19),
            (x - 0.04, y + 0.13),
            (x - 0.08, y + 0.17),
        ]
        pen.polygon(cap)


def flower(pen: Pen) -> None:
    pen.line([(0.5, 0.45), (0.5, 1.0)])
    pen.polygon([(0.5, 0.80), (0.66, 0.66), (0.74, 0.72), (0.56, 0.84)], rounds=2)
    for i in range(6):
        angle = 2 * pi * i / 6
        pen.circle(0.5 + 0.15 * cos(angle), 0.30 + 0.15 * sin(angle), 0.1)
    pen.circle(0.5, 0.30, 0.09)


def kite(pen: Pen) -> None:
    pen.line([(0.50, 0.62), (0.40, 0.75), (0.55, 0.86), (0.45, 1.0)], rounds=2, scale=0.7)
    for x, y in ((0.42, 0.74), (0.53, 0.86)):
        pen.polygon([(x - 0.05, y - 0.03), (x + 0.05, y + 0.03), (x + 0.05, y - 0.03), (x - 0.05, y + 0.03)])
    pen.polygon([(0.5, 0.0), (0.78, 0.28), (0.5, 0.62), (0.22, 0.28)])
    pen.line([(0.5, 0.0), (0.5, 0.62)], scale=0.7)
    pen.line([(0.22, 0.28), (0.78, 0.28)], scale=0.7)


def star(pen: Pen) -> None:
    points = []
    for i in range(10):
        angle = -pi / 2 + pi * i / 5
        r = 0.48 if i % 2 == 0 else 0.2
        points.append((0.5 + r * cos(angle), 0.52 + r * sin(angle)))
    pen.polygon(points, rounds=1)


def moon(pen: Pen) -> None:
    pen.polygon(crescent((0.5, 0.5), 0.42, (0.68, 0.36), 0.36))
    pen.line([(0.24, 0.50), (0.28, 0.54), (0.32, 0.50)], rounds=1, scale=0.8)


def crescent(center: Point, radius: float, bite: Point, bite_radius: float) -> list[Point]:
    """The part of one disc left after a second disc takes a bite out of it."""
    direction = atan2(bite[1] - center[1], bite[0] - center[0]) + pi
    steps = [direction - pi + 2 * pi * k / 90 for k in range(91)]
    outer = [(center[0] + radius * cos(a), center[1] + radius * sin(a)) for a in steps]
    inner = [(bite[0] + bite_radius * cos(a), bite[1] + bite_radius * sin(a)) for a in steps]
    outer = [p for p in outer if dist(p, bite) > bite_radius]
    inner = [p for p in inner if dist(p, center) < radius]
    return [*outer, *reversed(inner)]


def bush(pen: Pen) -> None:
    pen.polygon(scallop(0.5, 0.7, 0.48, 0.3, bumps=6, depth=0.18), rounds=1)


def window(pen: Pen) -> None:
    pen.rect(0.1, 0.1, 0.9, 0.86, 0.04)
    pen.line([(0.5, 0.1), (0.5, 0.86)])
    pen.line([(0.1, 0.48), (0.9, 0.48)])
    pen.rect(0.04, 0.86, 0.96, 0.94, 0.02)


def fence(pen: Pen) -> None:
    pen.rect(0.0, 0.55, 1.0, 0.63)
    pen.rect(0.0, 0.78, 1.0, 0.86)
    for x in (0.06, 0.30, 0.54, 0.78):
        pen.polygon([(x, 1.0), (x, 0.45), (x + 0.08, 0.36), (x + 0.16, 0.45), (x + 0.16, 1.0)])


def bridge(pen: Pen) -> None:
    top = [(0.0, 0.62), (0.25, 0.48), (0.5, 0.44), (0.75, 0.48), (1.0, 0.62)]
    bottom = [(1.0, 0.74), (0.75, 0.60), (0.5, 0.56), (0.25, 0.60), (0.0, 0.74)]
    for x, y in top[1:-1]:
        pen.rect(x - 0.02, y - 0.16, x + 0.02, y, 0.01)
    pen.line([(x, y - 0.14) for x, y in top], rounds=2, scale=0.8)
    pen.polygon([*top, *bottom], rounds=1)
    for i in range(1, 8):
        x = i / 8
        pen.line([(x, 0.66 - 0.2 * sin(pi * x) * 0.6), (x, 0.72 - 0.2 * sin(pi * x) * 0.6)], scale=0.5)


SCENERY = {
    "sun": sun,
    "cloud": cloud,
    "tree": tree,
    "apple_tree": apple_tree,
    "house": house,
    "mountain": mountain,
    "flower": flower,
    "kite": kite,
    "star": star,
    "moon": moon,
    "bush": bush,
    "window": window,
    "fence": fence,
    "bridge": bridge,
}


def bookshelf(pen: Pen) -> None:
    pen.rect(0.05, 0.0, 0.95, 1.0, 0.02)
    for shelf_y in (0.33, 0.66):
        pen.line([(0.05, shelf_y), (0.95, shelf_y)])
    for row, bottom in enumerate((0.33, 0.66, 0.98)):
        x = 0.12 + 0.03 * row
        for i in range(6):
            width, height = 0.08 + 0.02 * ((i + row) % 2), 0.2 + 0.04 * ((i * 2 + row) % 3)
            if x + width > 0.9:
                break
            pen.rect(x, bottom - height, x + width, bottom - 0.01, 0.01)
            x += width + 0.02


SCENERY["bookshelf"] = bookshelf
