"""Hand-built cartoon characters drawn with the coloring pen, one function per species.

Each figure faces right in a unit box with its feet near the bottom edge and returns
``Anchors``: where its neck, head and eyes are, so accessories (the scarf or bow that
the character sheet promises on every page) land in the right place on any species.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import cos, pi, sin

from ai.providers.offline.pen import WHITE, Pen


@dataclass(frozen=True)
class Anchors:
    neck: tuple[float, float, float]  # centre x, y and half width of the neck
    head: tuple[float, float, float]  # centre x, y and radius of the head
    eyes: tuple[tuple[float, float], ...]
    eye_r: float


def eye(pen: Pen, x: float, y: float, r: float) -> None:
    pen.ellipse(x, y, r * 0.85, r)
    pen.dot(x + r * 0.15, y + r * 0.1, r * 0.5)
    pen.dot(x + r * 0.3, y - r * 0.15, r * 0.15, color=WHITE)


def dinosaur(pen: Pen) -> Anchors:
    pen.polygon(
        [(0.40, 0.50), (0.22, 0.52), (0.02, 0.40), (0.10, 0.55), (0.24, 0.70), (0.42, 0.74)], rounds=3
    )
    for i, (x, y) in enumerate([(0.30, 0.47), (0.38, 0.42), (0.47, 0.40), (0.56, 0.41), (0.64, 0.45)]):
        h = 0.07 if i in (1, 2, 3) else 0.055
        pen.polygon([(x - 0.045, y + 0.04), (x, y - h), (x + 0.045, y + 0.04)], rounds=1)
    pen.rect(0.50, 0.70, 0.62, 0.97, 0.05)
    pen.tube([(0.60, 0.58), (0.67, 0.42), (0.72, 0.28)], 0.17)
    pen.ellipse(0.48, 0.62, 0.24, 0.20)
    pen.rect(0.32, 0.72, 0.46, 0.98, 0.06)
    pen.polygon(
        [(0.62, 0.22), (0.68, 0.11), (0.82, 0.09), (0.95, 0.17), (0.97, 0.29), (0.88, 0.36), (0.70, 0.37)],
        rounds=3,
    )
    eye(pen, 0.76, 0.20, 0.04)
    pen.dot(0.92, 0.22, 0.011)
    pen.line([(0.78, 0.29), (0.85, 0.31), (0.92, 0.28)], rounds=2, scale=0.8)
    pen.tube([(0.62, 0.60), (0.71, 0.66), (0.76, 0.61)], 0.055)
    pen.line([(0.36, 0.74), (0.50, 0.79), (0.63, 0.71)], rounds=2, scale=0.7)
    for x, y, r in ((0.40, 0.56, 0.035), (0.50, 0.52, 0.025), (0.32, 0.63, 0.025)):
        pen.ellipse(x, y, r * 1.3, r)
    return Anchors(neck=(0.69, 0.40, 0.08), head=(0.80, 0.21, 0.12), eyes=((0.76, 0.20),), eye_r=0.04)


def _cat_body(pen: Pen, tail_tuft: bool) -> None:
    pen.tube([(0.60, 0.92), (0.82, 0.90), (0.90, 0.74), (0.84, 0.60)], 0.07)
    if tail_tuft:
        pen.circle(0.84, 0.58, 0.045)
    pen.ellipse(0.50, 0.73, 0.20, 0.23)
    pen.ellipse(0.50, 0.77, 0.11, 0.15)
    for x in (0.34, 0.66):
        pen.ellipse(x, 0.94, 0.09, 0.045)
    for x in (0.43, 0.57):
        pen.ellipse(x, 0.93, 0.055, 0.045)


def _cat_face(pen: Pen) -> None:
    eye(pen, 0.42, 0.31, 0.045)
    eye(pen, 0.58, 0.31, 0.045)
    pen.polygon([(0.47, 0.375), (0.53, 0.375), (0.50, 0.405)])
    pen.line([(0.44, 0.42), (0.47, 0.44), (0.50, 0.41), (0.53, 0.44), (0.56, 0.42)], rounds=2, scale=0.7)
    for side in (-1, 1):
        for dy in (-0.015, 0.02):
            pen.line([(0.5 + side * 0.09, 0.40 + dy), (0.5 + side * 0.24, 0.38 + dy * 2.2)], scale=0.5)


def cat(pen: Pen) -> Anchors:
    _cat_body(pen, tail_tuft=False)
    for side in (-1, 1):
        outer = 0.5 + side * 0.2
        pen.polygon([(outer, 0.28), (0.5 + side * 0.17, 0.06), (0.5 + side * 0.05, 0.18)], rounds=1)
        pen.line(
            [(0.5 + side * 0.16, 0.21), (0.5 + side * 0.155, 0.12), (0.5 + side * 0.10, 0.18)], scale=0.5
        )
    pen.ellipse(0.50, 0.32, 0.22, 0.18)
    for x in (0.47, 0.50, 0.53):
        pen.line([(x, 0.16), (x, 0.21)], scale=0.6)
    _cat_face(pen)
    return Anchors(
        neck=(0.50, 0.50, 0.12), head=(0.50, 0.30, 0.20), eyes=((0.42, 0.31), (0.58, 0.31)), eye_r=0.045
    )


def lion(pen: Pen) -> Anchors:
    _cat_body(pen, tail_tuft=True)
    for i in range(14):
        angle = 2 * pi * i / 14
        pen.circle(0.5 + 0.25 * cos(angle), 0.31 + 0.22 * sin(angle), 0.075)
    for side in (-1, 1):
        pen.circle(0.5 + side * 0.15, 0.16, 0.05)
    pen.ellipse(0.50, 0.32, 0.21, 0.18)
    pen.ellipse(0.50, 0.41, 0.08, 0.05)
    _cat_face(pen)
    return Anchors(
        neck=(0.50, 0.52, 0.12), head=(0.50, 0.30, 0.26), eyes=((0.42, 0.31), (0.58, 0.31)), eye_r=0.045
    )


def dog(pen: Pen) -> Anchors:
    pen.tube([(0.64, 0.88), (0.80, 0.80), (0.86, 0.66)], 0.06)
    pen.ellipse(0.50, 0.73, 0.20, 0.23)
    pen.ellipse(0.50, 0.78, 0.10, 0.14)
    for x in (0.34, 0.66):
        pen.ellipse(x, 0.94, 0.09, 0.045)
    for x in (0.43, 0.57):
        pen.ellipse(x, 0.93, 0.055, 0.045)
    pen.rect(0.36, 0.49, 0.64, 0.55, 0.03)
    pen.circle(0.50, 0.575, 0.035)
    pen.ellipse(0.50, 0.31, 0.21, 0.19)
    pen.polygon([(0.52, 0.20), (0.64, 0.17), (0.68, 0.28), (0.60, 0.34), (0.53, 0.29)], rounds=3)
    for side in (-1, 1):
        ear = [(0.5 + side * 0.12, 0.15), (0.5 + side * 0.24, 0.14), (0.5 + side * 0.31, 0.30)]
        pen.polygon([*ear, (0.5 + side * 0.26, 0.44), (0.5 + side * 0.19, 0.36)], rounds=3)
    eye(pen, 0.42, 0.28, 0.04)
    eye(pen, 0.58, 0.28, 0.04)
    pen.ellipse(0.50, 0.40, 0.10, 0.07)
    pen.dot(0.50, 0.365, 0.035, 0.025)
    pen.line([(0.50, 0.39), (0.50, 0.42)], scale=0.6)
    pen.line([(0.45, 0.42), (0.50, 0.44), (0.55, 0.42)], rounds=2, scale=0.6)
    return Anchors(
        neck=(0.50, 0.50, 0.14), head=(0.50, 0.28, 0.20), eyes=((0.42, 0.28), (0.58, 0.28)), eye_r=0.04
    )


def rabbit(pen: Pen) -> Anchors:
    pen.circle(0.67, 0.84, 0.05)
    pen.ellipse(0.50, 0.76, 0.19, 0.20)
    pen.ellipse(0.50, 0.80, 0.10, 0.12)
    for x in (0.36, 0.64):
        pen.ellipse(x, 0.95, 0.10, 0.04)
    for x in (0.43, 0.57):
        pen.ellipse(x, 0.90, 0.05, 0.05)
    for side in (-1, 1):
        base = 0.5 + side * 0.08
        pen.polygon(
            [(base - 0.05, 0.30), (base - 0.06, 0.05), (base, 0.0), (base + 0.05, 0.08), (base + 0.05, 0.30)],
            rounds=3,
        )
        pen.line([(base, 0.24), (base - 0.01, 0.08)], scale=0.6)
    pen.ellipse(0.50, 0.40, 0.18, 0.16)
    eye(pen, 0.43, 0.37, 0.04)
    eye(pen, 0.57, 0.37, 0.04)
    pen.ellipse(0.50, 0.44, 0.025, 0.018)
    pen.rect(0.475, 0.475, 0.525, 0.52, 0.01)
    pen.line([(0.50, 0.475), (0.50, 0.52)], scale=0.5)
    pen.line([(0.44, 0.47), (0.50, 0.47), (0.56, 0.47)], rounds=1, scale=0.6)
    for x in (0.36, 0.64):
        pen.circle(x, 0.45, 0.025)
    return Anchors(
        neck=(0.50, 0.56, 0.11), head=(0.50, 0.38, 0.17), eyes=((0.43, 0.37), (0.57, 0.37)), eye_r=0.04
    )


def bear(pen: Pen) -> Anchors:
    for side in (-1, 1):
        pen.circle(0.5 + side * 0.16, 0.14, 0.065)
        pen.circle(0.5 + side * 0.16, 0.14, 0.03)
    pen.ellipse(0.50, 0.71, 0.23, 0.25)
    pen.ellipse(0.50, 0.74, 0.13, 0.16)
    for side in (-1, 1):
        pen.tube([(0.5 + side * 0.2, 0.58), (0.5 + side * 0.28, 0.70), (0.5 + side * 0.22, 0.76)], 0.09)
        pen.ellipse(0.5 + side * 0.13, 0.94, 0.10, 0.05)
    pen.ellipse(0.50, 0.31, 0.22, 0.19)
    pen.ellipse(0.50, 0.38, 0.10, 0.075)
    pen.dot(0.50, 0.355, 0.03)
    pen.line([(0.50, 0.38), (0.50, 0.41)], scale=0.6)
    pen.line([(0.45, 0.405), (0.50, 0.425), (0.55, 0.405)], rounds=2, scale=0.6)
    eye(pen, 0.42, 0.27, 0.035)
    eye(pen, 0.58, 0.27, 0.035)
    return Anchors(
        neck=(0.50, 0.49, 0.14), head=(0.50, 0.28, 0.21), eyes=((0.42, 0.27), (0.58, 0.27)), eye_r=0.035
    )


def owl(pen: Pen, *, tufts: bool = True) -> Anchors:
    if tufts:
        for side in (-1, 1):
            pen.polygon(
                [(0.5 + side * 0.10, 0.20), (0.5 + side * 0.22, 0.06), (0.5 + side * 0.21, 0.26)], rounds=1
            )
    pen.polygon(
        [(0.50, 0.12), (0.74, 0.28), (0.76, 0.62), (0.64, 0.92), (0.36, 0.92), (0.24, 0.62), (0.26, 0.28)],
        rounds=3,
    )
    for side in (-1, 1):
        pen.polygon(
            [(0.5 + side * 0.22, 0.44), (0.5 + side * 0.32, 0.62), (0.5 + side * 0.22, 0.84)], rounds=2
        )
    for row, y in enumerate((0.62, 0.70, 0.78)):
        for i in range(3 - (row % 2)):
            x = 0.40 + i * 0.1 + (0.05 if row % 2 else 0)
            pen.arc(x, y, 0.045, 0.035, 20, 160, scale=0.6)
    for side in (-1, 1):
        pen.circle(0.5 + side * 0.1, 0.36, 0.095)
        eye(pen, 0.5 + side * 0.1, 0.36, 0.05)
    pen.polygon([(0.47, 0.45), (0.53, 0.45), (0.50, 0.52)])
    for x in (0.42, 0.58):
        for dx in (-0.03, 0.0, 0.03):
            pen.line([(x, 0.91), (x + dx, 0.97)], scale=0.7)
    return Anchors(
        neck=(0.50, 0.54, 0.18), head=(0.50, 0.30, 0.22), eyes=((0.40, 0.36), (0.60, 0.36)), eye_r=0.05
    )


def bird(pen: Pen) -> Anchors:
    pen.polygon([(0.22, 0.55), (0.02, 0.42), (0.06, 0.62), (0.24, 0.66)], rounds=1)
    for x in (0.45, 0.55):
        pen.line([(x, 0.80), (x, 0.95), (x + 0.05, 0.97)], scale=0.8)
    pen.ellipse(0.46, 0.60, 0.27, 0.22)
    pen.circle(0.70, 0.34, 0.16)
    pen.polygon([(0.83, 0.30), (0.98, 0.36), (0.83, 0.41)], rounds=1)
    eye(pen, 0.73, 0.31, 0.045)
    pen.polygon([(0.28, 0.52), (0.50, 0.50), (0.58, 0.60), (0.40, 0.72), (0.24, 0.66)], rounds=3)
    pen.line([(0.34, 0.60), (0.48, 0.58)], scale=0.6)
    return Anchors(neck=(0.64, 0.48, 0.10), head=(0.70, 0.32, 0.15), eyes=((0.73, 0.31),), eye_r=0.045)


def turtle(pen: Pen) -> Anchors:
    pen.polygon([(0.14, 0.74), (0.02, 0.80), (0.14, 0.82)], rounds=1)
    for x in (0.30, 0.62):
        pen.ellipse(x, 0.86, 0.06, 0.09)
    pen.tube([(0.74, 0.72), (0.82, 0.60), (0.84, 0.52)], 0.12)
    pen.ellipse(0.85, 0.46, 0.12, 0.10)
    eye(pen, 0.88, 0.43, 0.035)
    pen.line([(0.86, 0.51), (0.91, 0.52), (0.95, 0.49)], rounds=1, scale=0.7)
    pen.polygon(
        [(0.10, 0.76), (0.16, 0.50), (0.32, 0.34), (0.50, 0.30), (0.68, 0.34), (0.84, 0.50), (0.88, 0.76)],
        rounds=3,
    )
    pen.rect(0.06, 0.72, 0.92, 0.80, 0.04)
    hexagon = [(0.40, 0.48), (0.50, 0.42), (0.60, 0.48), (0.60, 0.60), (0.50, 0.66), (0.40, 0.60)]
    pen.polygon(hexagon)
    for (x0, y0), (x1, y1) in (
        ((0.50, 0.42), (0.50, 0.31)),
        ((0.40, 0.60), (0.28, 0.72)),
        ((0.60, 0.60), (0.72, 0.72)),
        ((0.40, 0.48), (0.22, 0.44)),
        ((0.60, 0.48), (0.78, 0.44)),
        ((0.50, 0.66), (0.50, 0.72)),
    ):
        pen.line([(x0, y0), (x1, y1)], scale=0.8)
    for x in (0.20, 0.76):
        pen.ellipse(x, 0.88, 0.075, 0.09)
        pen.line([(x - 0.03, 0.96), (x - 0.03, 0.93)], scale=0.5)
        pen.line([(x + 0.03, 0.96), (x + 0.03, 0.93)], scale=0.5)
    return Anchors(neck=(0.80, 0.62, 0.06), head=(0.85, 0.45, 0.11), eyes=((0.88, 0.43),), eye_r=0.035)


def elephant(pen: Pen) -> Anchors:
    pen.line([(0.12, 0.52), (0.05, 0.62), (0.06, 0.70)], rounds=1)
    for x in (0.24, 0.54):
        pen.rect(x, 0.70, x + 0.12, 0.96, 0.05)
    pen.ellipse(0.40, 0.56, 0.30, 0.24)
    for x in (0.16, 0.44):
        pen.rect(x, 0.72, x + 0.13, 0.98, 0.05)
        for dx in (0.03, 0.065, 0.10):
            pen.arc(x + dx, 0.97, 0.015, 0.015, 180, 360, scale=0.6)
    pen.tube([(0.80, 0.40), (0.90, 0.58), (0.92, 0.74), (0.98, 0.76)], 0.09)
    pen.circle(0.74, 0.34, 0.17)
    pen.polygon([(0.74, 0.22), (0.58, 0.16), (0.48, 0.30), (0.52, 0.50), (0.68, 0.48)], rounds=3)
    pen.polygon([(0.78, 0.46), (0.86, 0.50), (0.80, 0.48)])
    eye(pen, 0.80, 0.30, 0.035)
    pen.line([(0.87, 0.62), (0.93, 0.62)], scale=0.5)
    pen.line([(0.87, 0.68), (0.93, 0.68)], scale=0.5)
    return Anchors(neck=(0.68, 0.48, 0.08), head=(0.76, 0.30, 0.17), eyes=((0.80, 0.30),), eye_r=0.035)


FIGURES: dict[str, Callable[[Pen], Anchors]] = {
    "dinosaur": dinosaur,
    "cat": cat,
    "lion": lion,
    "dog": dog,
    "rabbit": rabbit,
    "bear": bear,
    "owl": owl,
    "bird": bird,
    "turtle": turtle,
    "elephant": elephant,
}
