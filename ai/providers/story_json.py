"""Reading a model's text answer as a ``Story``, for every adapter that asks for story JSON.

Models wrap JSON in prose or ```json fences, and write the character sheet as text, a list
or an object; all of that is accepted here. What is not JSON, or lacks a key the prompt asks
for, raises ``StoryInvalid``. The page count and text lengths are checked later, by
``ai.services.story_validate``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ai.errors import StoryInvalid
from ai.schemas import Story, StoryPage

STORY_KEYS = ("title", "character_sheet", "cover_prompt", "pages")
PAGE_KEYS = ("number", "text", "illustration_prompt")
RAW_EXCERPT = 500

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


def story_from_text(text: str) -> Story:
    data = _json_object(text or "")
    if data is None:
        raise _invalid("The story came back garbled (it was not valid JSON).", text)
    data = _unwrapped(data)
    missing = [key for key in STORY_KEYS if _blank(data.get(key))]
    if missing:
        raise _invalid(f"The story came back incomplete: it has no {_names(missing)}.", text)
    if not isinstance(data["pages"], list):
        raise _invalid('The story came back incomplete: "pages" is not a list.', text)
    return Story(
        title=_text(data["title"]),
        character_sheet=format_character_sheet(data["character_sheet"]),
        cover_prompt=_text(data["cover_prompt"]),
        pages=tuple(_page(page, position, text) for position, page in enumerate(data["pages"], start=1)),
    )


def format_character_sheet(sheet: Any) -> str:
    """Text stays as it is; a list or an object of characters becomes one line per character."""
    if isinstance(sheet, list):
        return "\n".join(line for line in (_character_line(item) for item in sheet) if line)
    if isinstance(sheet, dict):
        if "name" in sheet:
            return _character_line(sheet)
        return "\n".join(f"{name}: {_character_line(about)}" for name, about in sheet.items())
    return _text(sheet)


def _json_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in ``text``: inside a code fence if there is one, else after any prose."""
    candidates = [match.group(1) for match in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        for start in (index for index, char in enumerate(candidate) if char == "{"):
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None


def _unwrapped(data: dict[str, Any]) -> dict[str, Any]:
    """``{"story": {...}}`` -> ``{...}``: some models add one wrapping key."""
    if "pages" not in data and len(data) == 1:
        inner = next(iter(data.values()))
        if isinstance(inner, dict):
            return inner
    return data


def _page(page: Any, position: int, raw: str) -> StoryPage:
    if not isinstance(page, dict):
        raise _invalid(f"The story came back incomplete: page {position} is not an object.", raw)
    missing = [key for key in PAGE_KEYS if _blank(page.get(key))]
    if missing:
        raise _invalid(f"The story came back incomplete: page {position} has no {_names(missing)}.", raw)
    try:
        number = int(page["number"])
    except (TypeError, ValueError):
        raise _invalid(f"The story came back garbled: page {position} has no page number.", raw) from None
    return StoryPage(
        number=number, text=_text(page["text"]), illustration_prompt=_text(page["illustration_prompt"])
    )


def _character_line(character: Any) -> str:
    if not isinstance(character, dict):
        return _text(character)
    name = _text(character.get("name", ""))
    facts = [
        _text(value) if key in ("description", "details") else f"{key.replace('_', ' ')}: {_text(value)}"
        for key, value in character.items()
        if key != "name" and not _blank(value)
    ]
    about = "; ".join(facts)
    return f"{name}: {about}" if name and about else name or about


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return _character_line(value)
    return str(value).strip()


def _blank(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, (list, dict)) and not value)


def _names(keys: list[str]) -> str:
    return ", ".join(f'"{key}"' for key in keys)


def _invalid(message: str, raw: str) -> StoryInvalid:
    return StoryInvalid(message, transient=False, details={"raw": (raw or "")[:RAW_EXCERPT]})
