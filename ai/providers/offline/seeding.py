"""Deterministic randomness: the same book id always gives the same story and pictures."""

from __future__ import annotations

import hashlib
import random


def seeded(*parts: object) -> random.Random:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def unit(*parts: object) -> float:
    """A number in [0, 1) fixed by ``parts``."""
    return seeded(*parts).random()
