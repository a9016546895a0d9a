"""A parent's own story: keep their words, split into pages, and write the picture prompts."""

from __future__ import annotations

import re
from collections import Counter

from ai.prompts import PAGE_BREAK
from ai.providers.offline import story_en
from ai.providers.offline.characters import SPECIES, cast
from ai.providers.offline.lexicon import find_concepts
from ai.providers.offline.seeding import seeded
from ai.providers.offline.splitting import split_story
from ai.schemas import Story, StoryPage, StoryRequest

TITLE_MAX = 60


def adapt_user_story(request: StoryRequest) -> Story:
    rng = seeded("user-story", request.seed, request.user_story)
    concepts = find_concepts(request.user_story)
    hero, friend = cast(rng, "en", concepts)
    name = main_name(request.user_story) or hero.name
    species = hero.species.en
    hero_text = f"{name} the little {species} wearing {hero.accessory.en}"
    sheet = (
        f"Main character: {name}, a little {species} with {hero.species.look_en}, always wearing "
        f"{hero.accessory.en}. Round, friendly cartoon shapes; the same face and accessory on every page."
    )
    texts = page_texts(request.user_story, request.num_pages)
    pages = tuple(
        StoryPage(n, text, prompt) for n, (text, prompt) in enumerate(_prompts(hero_text, texts), 1)
    )
    title = request.title.strip() or title_from(request.user_story)
    things = ", ".join(c.en[1] for c in concepts[:3] if c.id != hero.species.id) or "flowers and trees"
    cover = f"Book cover: {hero_text} big and smiling in the center, {things} around, stars, a clear frame"
    return Story(title=title, character_sheet=sheet, cover_prompt=cover, pages=pages)


def page_texts(story: str, num_pages: int) -> list[str]:
    """The parent's own pages when they divided the story themselves, else split at natural breaks."""
    parts = [part.strip() for part in story.split(PAGE_BREAK)]
    if len(parts) == num_pages and all(parts):
        return parts
    return split_story(story.replace(PAGE_BREAK, "\n\n"), num_pages)


def _prompts(hero_text: str, texts: list[str]) -> list[tuple[str, str]]:
    """A page that names nothing drawable keeps the previous page's scene: the story is still there."""
    scene, result = "a tree, flowers and the sun", []
    for number, text in enumerate(texts, start=1):
        named = [c.en[0] for c in find_concepts(text) if c.id not in SPECIES or c.en[0] not in hero_text]
        if named:
            scene = ", ".join(story_en.a(thing, False) for thing in named[:4])
        result.append((text, f"Scene {number} of the story: {hero_text} with {scene}, outdoors, a clear sky"))
    return result


def main_name(text: str) -> str:
    """The most frequent capitalized word that does not start a sentence: usually the hero's name."""
    candidates = re.findall(r"(?<![.!?…]\s)(?<!^)\b([A-ZÀ-Ý][a-zà-ÿ]{2,})\b", text.strip())
    common = Counter(candidates).most_common(1)
    return common[0][0] if common and common[0][1] >= 2 else ""


def title_from(text: str) -> str:
    first = re.split(r"(?<=[.!?…])\s", " ".join(text.split()), maxsplit=1)[0].strip(" .!?…\"'“”—-")
    if len(first) <= TITLE_MAX:
        return first
    return first[:TITLE_MAX].rsplit(" ", 1)[0].rstrip(",;:") + "…"
