"""Compose a coloring page from an illustration prompt: sky, ground, props and characters.

The prompt's words pick what is drawn (see drawables.py); the character sheet decides
who the hero and the friend are and what they wear, so the same characters appear on
every page. The seed picks the composition (sides, sizes, sky), so every page differs
but the same page is always drawn the same way.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from math import pi, sin, sqrt

from PIL import Image, ImageDraw

from ai.providers.offline import scenery
from ai.providers.offline.accessories import ACCESSORY_DRAWERS
from ai.providers.offline.drawables import DRAWABLES, find_drawables, is_figure
from ai.providers.offline.figures import FIGURES
from ai.providers.offline.icons import render_icon
from ai.providers.offline.lexicon import fold
from ai.providers.offline.pen import Pen
from ai.providers.offline.seeding import seeded
from ai.schemas import ImageRequest

LINE = 0.0085  # outline width as a share of the page size
STYLE_WEIGHT = {"cartoon": 1.0, "manga": 0.8, "realistic": 0.7, "classic": 1.2}
MARGIN = 0.035
FEET = 0.935
INDOOR = {
    "library",
    "kitchen",
    "room",
    "bedroom",
    "bathroom",
    "sink",
    "indoors",
    "classroom",
    "bed",
    "beds",
    "bathtub",
    "bath",
}
NIGHT = {"night", "moon", "stars", "sleeping", "evening", "sunset", "noite", "noche", "lua", "luna"}
RAIN = {"rain", "umbrella", "puddles", "chuva", "lluvia"}
WATER = {"river", "lake", "sea", "ocean", "beach", "fish", "rio", "lago", "mar", "pond", "bridge"}
GENERIC = ("tree", "flower", "bush", "butterfly", "ball", "house", "apple", "mushroom", "heart", "kite")
ACCESSORIES = ("scarf", "bow", "glasses", "hat", "flower")


@dataclass
class Plan:
    hero: str
    hero_accessory: str
    friend: str | None
    friend_accessory: str
    layers: dict[str, list[str]] = field(default_factory=dict)
    night: bool = False
    indoor: bool = False
    rain: bool = False
    water: bool = False


def draw_picture(request: ImageRequest) -> Image.Image:
    rng = seeded("picture", request.seed, request.prompt, request.kind, request.width)
    plan = plan_scene(request, rng)
    line = max(2, round(request.width * LINE * STYLE_WEIGHT.get(request.style, 1.0)))
    canvas = Canvas(request.width, request.height, line)
    if request.kind == "cover":
        compose_cover(canvas, plan, rng)
    else:
        compose_page(canvas, plan, rng)
    return canvas.image


# --- planning -------------------------------------------------------------------------------


def plan_scene(request: ImageRequest, rng: random.Random) -> Plan:
    hero_part, friend_part = _sheet_parts(request.character_sheet)
    mentioned = find_drawables(request.prompt)
    figures = [d for d in mentioned if is_figure(d)]
    hero = _first_figure(hero_part) or (figures[0] if figures else rng.choice(sorted(FIGURES)))
    friend = _friend(request.prompt, friend_part, figures, hero)
    words = set(re.findall(r"[a-z]+", fold(request.prompt)))
    plan = Plan(hero, _accessory(hero_part, rng), friend, _accessory(friend_part, rng))
    plan.night, plan.indoor = bool(words & NIGHT), bool(words & INDOOR)
    plan.rain, plan.water = bool(words & RAIN), bool(words & WATER) and not plan.indoor
    skip = {hero, friend, "sun", "moon", "cloud", "window"}
    extras = [d for d in mentioned if d not in skip]
    plan.layers = _layers(extras, rng)
    return plan


def _sheet_parts(sheet: str) -> tuple[str, str]:
    hero, _, friend = sheet.partition("Friend:")
    return hero, friend


def _first_figure(text: str) -> str | None:
    return next((d for d in find_drawables(text) if d in FIGURES), None)


def _friend(prompt: str, friend_part: str, figures: list[str], hero: str) -> str | None:
    name = friend_part.strip().split(",")[0].strip()
    if name and name in prompt:
        return _first_figure(friend_part)
    others = [f for f in figures if f != hero and f in FIGURES]
    return others[0] if others and not friend_part else None


def _accessory(text: str, rng: random.Random) -> str:
    folded = fold(text)
    return next((a for a in ACCESSORIES if a in folded), "" if text else rng.choice(ACCESSORIES))


def _layers(extras: list[str], rng: random.Random) -> dict[str, list[str]]:
    limits = {"sky": 2, "back": 2, "animal": 1, "prop": 3, "float": 2}
    layers: dict[str, list[str]] = {layer: [] for layer in limits}
    for did in extras:
        layer = DRAWABLES[did].layer
        if len(layers[layer]) < limits[layer]:
            layers[layer].append(did)
    while len(layers["back"]) + len(layers["prop"]) + len(layers["float"]) < 2:
        pick = rng.choice(GENERIC)
        layer = DRAWABLES[pick].layer
        if pick not in layers[layer]:
            layers[layer].append(pick)
    return layers


# --- canvas ---------------------------------------------------------------------------------


class Canvas:
    """The page: positions across are shares of the width, positions down shares of the height,
    and sizes shares of their geometric mean, so a portrait page gets slightly larger figures
    rather than an empty band of sky. No frame: the normalizer strips drawn borders and the PDF
    draws its own.
    """

    def __init__(self, width: int, height: int, line: int):
        self.width, self.height = width, height
        self.unit = sqrt(width * height)
        self.line = line
        self.image = Image.new("L", (width, height), 255)
        self.draw = ImageDraw.Draw(self.image)

    def px(self, share: float) -> int:
        return int(share * self.width)

    def py(self, share: float) -> int:
        return int(share * self.height)

    def size(self, share: float) -> int:
        return int(share * self.unit)

    def paste(self, ink: Image.Image, mask: Image.Image, cx: float, bottom: float) -> None:
        """Paste centred on ``cx`` standing on ``bottom``, nudged to stay whole on the page."""
        left, top, right, _ = mask.getbbox() or (0, 0, ink.width, 0)
        edge = self.px(MARGIN) + self.line
        x = self.px(cx) - ink.width // 2
        x = min(max(x, edge - left), self.width - edge - right)
        y = max(self.py(bottom) - ink.height, edge - top)
        self.image.paste(ink, (x, y), mask)

    def thing(self, did: str, height: float, cx: float, bottom: float, *, flip: bool = False, wear: str = ""):
        source = DRAWABLES[did].source
        if source in FIGURES or source in scenery.SCENERY:
            pen = Pen(self.size(height), self.line)
            anchors = (FIGURES.get(source) or scenery.SCENERY[source])(pen)
            if wear and anchors:
                ACCESSORY_DRAWERS[wear](pen, anchors)
            ink, mask = pen.flipped() if flip else (pen.ink, pen.mask)
        else:
            ink, mask = render_icon(source, self.size(height), self.line)
        self.paste(ink, mask, cx, bottom)


# --- composition ----------------------------------------------------------------------------


def compose_page(canvas: Canvas, plan: Plan, rng: random.Random) -> None:
    horizon = rng.uniform(0.64, 0.70)
    hero_left = rng.random() < 0.5
    if plan.indoor:
        _indoor(canvas, plan, horizon, rng)
    else:
        _sky(canvas, plan, hero_left, rng)
        _ground(canvas, horizon, rng, plan)
    _back(canvas, plan, horizon, rng)
    _tufts(canvas, horizon, rng, indoor=plan.indoor)
    hero_x, hero_h = _characters(canvas, plan, hero_left, rng)
    _props(canvas, plan, hero_x, rng)
    _floats(canvas, plan, hero_x, hero_h, rng)


def compose_cover(canvas: Canvas, plan: Plan, rng: random.Random) -> None:
    horizon = 0.72
    _rainbow(canvas, 0.5, horizon, 0.44)
    for x in (0.14, 0.86):
        canvas.thing("cloud", 0.24, x, horizon + 0.05)
    _stars(canvas, rng, count=5, top=0.07, bottom=0.2)
    _ground(canvas, horizon, rng, plan)
    _tufts(canvas, horizon, rng, indoor=False)
    friend_left = rng.random() < 0.5
    if plan.friend:
        canvas.thing(
            plan.friend,
            0.34,
            0.2 if friend_left else 0.8,
            FEET,
            flip=not friend_left,
            wear=plan.friend_accessory,
        )
    canvas.thing(plan.hero, 0.6, 0.5, FEET, flip=friend_left, wear=plan.hero_accessory)
    flying = [d for d in plan.layers["sky"] if d not in ("rainbow", "star")]
    for did, x in zip(flying[:1], (0.8 if friend_left else 0.2,), strict=False):
        canvas.thing(did, 0.2 * DRAWABLES[did].scale, x, 0.36)
    things = (plan.layers["animal"] + plan.layers["prop"] + plan.layers["float"])[:2]
    for did, x in zip(things, (0.78, 0.92) if friend_left else (0.22, 0.08), strict=False):
        canvas.thing(did, 0.16 * DRAWABLES[did].scale, x, FEET)


def _sky(canvas: Canvas, plan: Plan, hero_left: bool, rng: random.Random) -> None:
    slots = [0.15, 0.38, 0.62, 0.85]
    corner = slots.pop(0 if rng.random() < 0.5 else -1)
    if "rainbow" in plan.layers["sky"]:
        _rainbow(canvas, rng.uniform(0.4, 0.6), 0.66, 0.36)
    if plan.night:
        canvas.thing("moon", 0.17, corner, 0.24)
        _stars(canvas, rng, count=6, top=0.07, bottom=0.3)
    elif not plan.rain:
        canvas.thing("sun", 0.2, corner, 0.25)
    rng.shuffle(slots)
    items = [d for d in plan.layers["sky"] if d != "rainbow"]
    for did, x in zip(items, slots, strict=False):
        canvas.thing(did, 0.22 * DRAWABLES[did].scale, x, rng.uniform(0.3, 0.38))
    clouds = 1 + (not plan.night) + plan.rain
    for x in slots[len(items) : len(items) + clouds]:
        canvas.thing("cloud", rng.uniform(0.2, 0.26), x, rng.uniform(0.17, 0.23))
    if plan.rain:
        _raindrops(canvas, rng)


def _rainbow(canvas: Canvas, cx: float, base: float, radius: float) -> None:
    for i in range(5):
        r = canvas.size(radius - i * 0.028)
        x, y = canvas.px(cx), canvas.py(base)
        canvas.draw.arc((x - r, y - r, x + r, y + r), 180, 360, fill=0, width=canvas.line)


def _stars(canvas: Canvas, rng: random.Random, *, count: int, top: float, bottom: float) -> None:
    xs = [0.12 + 0.76 * (i + rng.uniform(0.2, 0.8)) / count for i in range(count)]
    for x in xs:
        canvas.thing("star", rng.uniform(0.045, 0.07), x, rng.uniform(top + 0.07, bottom))


def _raindrops(canvas: Canvas, rng: random.Random) -> None:
    for _ in range(18):
        x, y = canvas.px(rng.uniform(0.08, 0.92)), canvas.py(rng.uniform(0.26, 0.5))
        length = canvas.size(0.025)
        canvas.draw.line((x, y, x - length // 3, y + length), fill=0, width=max(2, canvas.line // 2))


def _ground(canvas: Canvas, horizon: float, rng: random.Random, plan: Plan) -> None:
    if "mountain" in plan.layers["back"]:
        plan.layers["back"].remove("mountain")
        x = rng.uniform(0.3, 0.6)
        canvas.thing("mountain", 0.34, x, horizon + 0.04)
        canvas.thing("mountain", 0.26, x + 0.25, horizon + 0.04)
    phase, hill = rng.uniform(0, 2 * pi), rng.uniform(0.0, 0.05)
    points = []
    for i in range(41):
        t = i / 40
        y = horizon - hill * sin(pi * t) + 0.01 * sin(3 * pi * t + phase)
        points.append((canvas.px(t), canvas.py(y)))
    canvas.draw.polygon([*points, (canvas.width, canvas.height), (0, canvas.height)], fill=255)
    canvas.draw.line(points, fill=0, width=canvas.line, joint="curve")
    if plan.water:
        _river(canvas, horizon, rng)


def _river(canvas: Canvas, horizon: float, rng: random.Random) -> None:
    phase = rng.uniform(0, 2 * pi)
    for offset in (0.05, 0.12):
        points = [
            (canvas.px(i / 40), canvas.py(horizon + offset + 0.012 * sin(4 * pi * i / 40 + phase)))
            for i in range(41)
        ]
        canvas.draw.line(points, fill=0, width=canvas.line, joint="curve")
    for _ in range(5):
        x, y = rng.uniform(0.08, 0.9), horizon + rng.uniform(0.075, 0.1)
        box = (canvas.px(x), canvas.py(y), canvas.px(x + 0.04), canvas.py(y) + canvas.size(0.02))
        canvas.draw.arc(box, 200, 340, fill=0, width=max(2, canvas.line * 2 // 3))


def _indoor(canvas: Canvas, plan: Plan, floor: float, rng: random.Random) -> None:
    canvas.draw.line((0, canvas.py(floor), canvas.width, canvas.py(floor)), fill=0, width=canvas.line)
    x = rng.choice((0.22, 0.5, 0.78))
    canvas.thing("window", 0.3, x, 0.42)
    if plan.night:
        canvas.thing("moon", 0.08, x - 0.05, 0.24)
        canvas.thing("star", 0.05, x + 0.07, 0.34)
    else:
        canvas.thing("sun", 0.1, x - 0.05, 0.26)


def _back(canvas: Canvas, plan: Plan, horizon: float, rng: random.Random) -> None:
    slots = [0.16, 0.84, 0.5]
    rng.shuffle(slots[:2])
    for did, x in zip(plan.layers["back"], slots, strict=False):
        height = 0.36 * DRAWABLES[did].scale * rng.uniform(0.9, 1.1)
        canvas.thing(did, height, x + rng.uniform(-0.03, 0.03), horizon + 0.03)


def _tufts(canvas: Canvas, horizon: float, rng: random.Random, *, indoor: bool) -> None:
    if indoor:
        return
    for _ in range(6):
        x, y = canvas.px(rng.uniform(0.08, 0.92)), canvas.py(rng.uniform(horizon + 0.04, 0.93))
        h = canvas.size(0.025)
        for dx in (-h // 2, 0, h // 2):
            canvas.draw.line((x, y, x + dx, y - h), fill=0, width=max(2, canvas.line * 2 // 3))


def _characters(canvas: Canvas, plan: Plan, hero_left: bool, rng: random.Random) -> tuple[float, float]:
    if not plan.friend:
        hero_x, hero_h = rng.uniform(0.42, 0.58), rng.uniform(0.54, 0.6)
        canvas.thing(plan.hero, hero_h, hero_x, FEET, flip=rng.random() < 0.5, wear=plan.hero_accessory)
        return hero_x, hero_h
    hero_x = rng.uniform(0.28, 0.34) if hero_left else rng.uniform(0.66, 0.72)
    hero_h = rng.uniform(0.48, 0.54)
    friend_x = 1 - hero_x + rng.uniform(-0.03, 0.03)
    canvas.thing(
        plan.friend, rng.uniform(0.36, 0.4), friend_x, FEET - 0.01, flip=hero_left, wear=plan.friend_accessory
    )
    canvas.thing(plan.hero, hero_h, hero_x, FEET, flip=not hero_left, wear=plan.hero_accessory)
    return hero_x, hero_h


def _props(canvas: Canvas, plan: Plan, hero_x: float, rng: random.Random) -> None:
    slots = (
        [0.5, 0.1 if hero_x > 0.5 else 0.9, 0.9 if hero_x > 0.5 else 0.1]
        if plan.friend
        else [0.15, 0.85, 0.3]
    )
    things = plan.layers["animal"] + plan.layers["prop"]
    for did, x in zip(things, slots, strict=False):
        layer_size = 0.2 if DRAWABLES[did].layer == "animal" else 0.16
        size = layer_size * DRAWABLES[did].scale * rng.uniform(0.9, 1.1)
        canvas.thing(did, size, x + rng.uniform(-0.02, 0.02), FEET + 0.01, flip=rng.random() < 0.5)


def _floats(canvas: Canvas, plan: Plan, hero_x: float, hero_h: float, rng: random.Random) -> None:
    side = 1 if hero_x < 0.5 else -1
    for i, did in enumerate(plan.layers["float"]):
        x = hero_x + side * (0.1 + 0.12 * i) + rng.uniform(-0.02, 0.02)
        y = FEET - hero_h - 0.02 + 0.07 * i
        canvas.thing(did, 0.11 * DRAWABLES[did].scale, x, max(0.18, y))
