"""A small check on what parents type, before anything reaches a model.

Providers have their own filters; this one catches the obvious early, with a message
that says what to change. Words are matched whole, accents and case ignored.
"""

from __future__ import annotations

import re
import unicodedata

# pt-BR, en and es. Kept short on purpose: a blocklist cannot judge, it can only stop
# the unmistakable (so no "mata", a forest in Portuguese, nor "blood" for a book on the body).
BLOCKED_WORDS = frozenset(
    """
    armas fuzil revolver metralhadora granada facada esfaquear matar matou
    sangrento estupro sexo sexual sexy porno pelado pelada drogas cocaina maconha heroina
    cerveja vodka cachaca bebado cigarro
    gun guns rifle bomb bombs grenade stab kill killing killed murder murderer bloody gore
    rape sex sexual sexy porn porno naked nude drugs cocaine heroin beer vodka whiskey drunk
    cigarette
    fusil apunalar sangriento violar violacion desnudo desnuda marihuana cerveza borracho
    """.split()  # noqa: SIM905 - a word list reads best as words
)
BLOCKED_STEMS = ("pornograf", "assassin", "asesin", "tortur", "suicid", "estupr")


def text_blocked_word(text: str) -> str | None:
    """The first blocked word in ``text`` (as typed), or None."""
    for match in re.finditer(r"\w+", text):
        word = _fold(match.group())
        if word in BLOCKED_WORDS or word.startswith(BLOCKED_STEMS):
            return match.group()
    return None


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
