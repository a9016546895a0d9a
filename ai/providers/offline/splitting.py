"""Split a parent's own story into exactly N pages without losing or reordering a word.

Breaks are chosen in this order of preference: paragraph ends, sentence ends, commas
(when the story has fewer sentences than pages), and, as a last resort, the middle of a
long sentence. Pages are balanced by length so no page is a wall of text next to a
two-word page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)]*\s+")
_CLAUSE_END = re.compile(r"[,;:]\s+")
PARAGRAPH_BONUS = 0.6  # a cut at a paragraph end counts as this much closer to the ideal spot
EMPTY_PAGE = "…"


@dataclass
class Unit:
    text: str
    ends_paragraph: bool


def split_story(text: str, pages: int) -> list[str]:
    units = _sentences(text)
    while len(units) < pages and _split_longest(units):
        pass
    if len(units) <= pages:
        texts = [u.text for u in units]
        return texts + [EMPTY_PAGE] * (pages - len(texts))
    return _group(units, pages)


def _sentences(text: str) -> list[Unit]:
    units: list[Unit] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        flat = " ".join(paragraph.split())
        if not flat:
            continue
        parts = [p for p in _split_keep(flat, _SENTENCE_END) if p]
        units += [Unit(p, ends_paragraph=(i == len(parts) - 1)) for i, p in enumerate(parts)]
    return units


def _split_keep(text: str, pattern: re.Pattern) -> list[str]:
    """Split after each match, keeping the punctuation with the text before it."""
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces.append(text[start : match.end()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return pieces


def _split_longest(units: list[Unit]) -> bool:
    """Split the longest unit in two, at the comma nearest its middle, else at the middle word."""
    index = max(range(len(units)), key=lambda i: len(units[i].text))
    unit = units[index]
    head, tail = _halves(unit.text)
    if not head or not tail:
        return False
    units[index : index + 1] = [Unit(head, False), Unit(tail, unit.ends_paragraph)]
    return True


def _halves(text: str) -> tuple[str, str]:
    middle = len(text) / 2
    cuts = [m.end() for m in _CLAUSE_END.finditer(text)] or [m.end() for m in re.finditer(r"\s+", text)]
    if not cuts:
        return text, ""
    cut = min(cuts, key=lambda c: abs(c - middle))
    return text[:cut].strip(), text[cut:].strip()


def _group(units: list[Unit], pages: int) -> list[str]:
    """Cut the unit list into ``pages`` runs of similar length, preferring paragraph ends."""
    cumulative = [0]
    for unit in units:
        cumulative.append(cumulative[-1] + len(unit.text) + 1)
    cuts = [0]
    for page in range(1, pages):
        target = cumulative[-1] * page / pages
        candidates = range(cuts[-1] + 1, len(units) - (pages - page) + 1)
        cuts.append(min(candidates, key=lambda i: _cut_cost(i, target, cumulative, units)))
    cuts.append(len(units))
    return [_join(units[start:end]) for start, end in zip(cuts, cuts[1:], strict=False)]


def _cut_cost(index: int, target: float, cumulative: list[int], units: list[Unit]) -> float:
    distance = abs(cumulative[index] - target)
    return distance * PARAGRAPH_BONUS if units[index - 1].ends_paragraph else distance


def _join(units: list[Unit]) -> str:
    text = ""
    for i, unit in enumerate(units):
        separator = "" if i == 0 else ("\n\n" if units[i - 1].ends_paragraph else " ")
        text += separator + unit.text
    return text
