"""The offline story writer: a real, coherent, educational story from templates, per seed.

A story is a sequence of beats: home (who the hero is, with the parent's theme), meeting
the friend, a few adventure episodes (the theme's things appear in them), then a five-beat
arc for the educational goal (problem, two tries, resolution, lesson on the last page).
Fewer pages drop episodes first; more pages add episodes, never repeating one.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from types import ModuleType

from ai.providers.offline import scenes, story_en, story_es, story_pt
from ai.providers.offline.characters import Character, cast
from ai.providers.offline.lexicon import CONCEPTS, Concept, find_concepts, words
from ai.providers.offline.seeding import seeded
from ai.schemas import Story, StoryPage, StoryRequest

LANGUAGES: dict[str, tuple[str, ModuleType]] = {
    "pt-br": ("pt", story_pt),
    "pt": ("pt", story_pt),
    "en": ("en", story_en),
    "es": ("es", story_es),
}
SENTENCES_BY_AGE = {"2-3": 1, "4-6": 2, "7-9": 3, "10-12": 4}
DEFAULT_THEME = {"pt": "grandes aventuras", "en": "big adventures", "es": "grandes aventuras"}
GOALS = (
    ("friendship", "amizad amig friend amist compan"),
    ("numbers", "numer number count contar contag matemat math somar sumar"),
    (
        "hygiene",
        "higien hygien limp clean banh bano bath dente dient teeth tooth lavar wash sabao jabon soap saude",
    ),
    (
        "nature",
        "natur ambient environment ecolog recicl recycl planta plant arvor arbol forest florest bosque "
        "jardim jardin garden abelh abeja bee flor flower horta huerta",
    ),
    ("courage", "corag brave valent valor medo miedo fear scared ousad"),
    ("sharing", "compart partilh shar divid generos bondad kind gentil solidar"),
)
THEME_EPISODES = ("sand", "library", "song", "clouds", "map", "build")
OTHER_EPISODES = ("bridge", "garden", "kite", "picnic", "rain", "farm", "forest", "market", "puddles")
FALLBACK_THINGS = ("star", "flower", "butterfly", "balloon", "kite", "rocket")


@dataclass(frozen=True)
class Plan:
    language: str
    texts: ModuleType
    hero: Character
    friend: Character
    thing: Concept
    arc: str
    beats: tuple[str, ...]


def write_story(request: StoryRequest) -> Story:
    if request.user_story.strip():
        from ai.providers.offline.user_stories import adapt_user_story

        return adapt_user_story(request)
    rng = seeded("story", request.seed, request.theme, request.language, request.educational_goal)
    plan = make_plan(request, rng)
    context = _context(request, plan)
    per_page = SENTENCES_BY_AGE.get(request.age_range, 2)
    pages = tuple(
        StoryPage(number, _page_text(plan, beat, context, per_page), _prompt(beat, context))
        for number, beat in enumerate(plan.beats, start=1)
    )
    title = request.title.strip() or _title(plan, context, rng)
    cover = scenes.COVER_PROMPT.format(**english(context))
    return Story(
        title=title, character_sheet=character_sheet(plan.hero, plan.friend), cover_prompt=cover, pages=pages
    )


def make_plan(request: StoryRequest, rng: random.Random) -> Plan:
    language, texts = language_of(request.language)
    concepts = find_concepts(request.theme)
    hero, friend = cast(rng, language, concepts)
    things = [c for c in concepts if c.id != hero.species.id] or concepts
    thing = things[0] if things else _concept(rng.choice(FALLBACK_THINGS))
    arc = _goal(request.educational_goal) or _goal(request.theme)
    if not arc:
        arc = "learning" if request.educational_goal.strip() else rng.choice([g for g, _ in GOALS])
    return Plan(language, texts, hero, friend, thing, arc, _beats(request.num_pages, arc, rng))


def language_of(code: str) -> tuple[str, ModuleType]:
    return LANGUAGES.get(code.strip().lower(), LANGUAGES["en"])


def _concept(concept_id: str) -> Concept:
    return next(c for c in CONCEPTS if c.id == concept_id)


def _goal(text: str) -> str:
    for word in words(text):
        for goal, stems in GOALS:
            if any(word.startswith(stem) for stem in stems.split()):
                return goal
    return ""


def _beats(num_pages: int, arc: str, rng: random.Random) -> tuple[str, ...]:
    arc_beats = [f"{arc}.{i}" for i in range(5)]
    if num_pages < 6:
        arc_beats.remove(f"{arc}.2")
    opening = [f"home.{rng.randrange(2)}"] + ([f"friend.{rng.randrange(2)}"] if num_pages >= 7 else [])
    count = max(0, num_pages - len(opening) - len(arc_beats))
    return (*opening, *_episodes(count, rng), *arc_beats)[:num_pages]


def _episodes(count: int, rng: random.Random) -> list[str]:
    themed, other = list(THEME_EPISODES), list(OTHER_EPISODES)
    rng.shuffle(themed)
    rng.shuffle(other)
    themed_count = min(len(themed), max(1, (count + 1) // 2))
    chosen = themed[:themed_count] + other[: count - themed_count]
    chosen += themed[themed_count : themed_count + count - len(chosen)]
    rng.shuffle(chosen)
    if "rain" in chosen and "puddles" in chosen:
        chosen.remove("puddles")
        chosen.insert(chosen.index("rain") + 1, "puddles")
    return chosen[:count]


def _context(request: StoryRequest, plan: Plan) -> dict[str, str]:
    texts, hero, friend, thing = plan.texts, plan.hero, plan.friend, plan.thing
    singular, plural, feminine = _forms(thing, plan.language)
    return {
        "hero": hero.name,
        "friend": friend.name,
        "species": hero.noun,
        "a_species": texts.a(hero.noun, hero.feminine),
        "a_fspecies": texts.a(friend.noun, friend.feminine),
        "look": hero.look,
        "wear": hero.wear,
        "theme": clean_theme(request.theme) or DEFAULT_THEME[plan.language],
        "goal": clean_theme(request.educational_goal),
        "things": plural,
        "Things": plural[:1].upper() + plural[1:],
        "the_things": ("las " if feminine else "los ") + plural,
        "a_thing": texts.a(singular, feminine),
        "de_things": texts.of_the_plural(plural, feminine),
        "H": hero.describe_en(),
        "F": friend.describe_en(),
        "thing": singular,
        "thing_en": thing.en[0],
        "things_en": thing.en[1],
        "a_thing_en": story_en.a(thing.en[0], False),
    }


def _forms(concept: Concept, language: str) -> tuple[str, str, bool]:
    if language == "en":
        return concept.en[0], concept.en[1], False
    singular, plural, gender = getattr(concept, language)
    return singular, plural, gender == "f"


def clean_theme(text: str) -> str:
    text = " ".join(text.split()).strip(" .;,!?")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


def _page_text(plan: Plan, beat: str, context: dict[str, str], per_page: int) -> str:
    sentences = _beat_sentences(plan.texts, beat)[:per_page]
    return " ".join(_capitalize(render(s, context, plan.hero, plan.friend)) for s in sentences)


def _beat_sentences(texts: ModuleType, beat: str) -> tuple[str, ...]:
    kind, _, index = beat.partition(".")
    if kind == "home":
        return texts.HOME[int(index)]
    if kind == "friend":
        return texts.FRIEND[int(index)]
    if kind in texts.ARCS:
        return texts.ARCS[kind][int(index)]
    return texts.EPISODES[beat]


_SWITCH = re.compile(r"\{([hcg]):([^|{}]*)\|([^{}]*)\}")


def render(template: str, context: dict[str, str], hero: Character, friend: Character) -> str:
    """Fill placeholders; {h:o|a}, {c:o|a} and {g:os|as} agree with the hero, friend or both."""

    def pick(match: re.Match) -> str:
        feminine = {"h": hero.feminine, "c": friend.feminine, "g": hero.feminine and friend.feminine}
        return match[3] if feminine[match[1]] else match[2]

    return _SWITCH.sub(pick, template).format(**context)


def _capitalize(sentence: str) -> str:
    for i, char in enumerate(sentence):
        if char.isalpha():
            return sentence[:i] + char.upper() + sentence[i + 1 :]
    return sentence


def _prompt(beat: str, context: dict[str, str]) -> str:
    return scenes.PROMPTS[beat].format(**english(context))


def english(context: dict[str, str]) -> dict[str, str]:
    """The context with the theme's thing named in English, for illustration prompts."""
    return {
        **context,
        "thing": context["thing_en"],
        "things": context["things_en"],
        "a_thing": context["a_thing_en"],
    }


def _title(plan: Plan, context: dict[str, str], rng: random.Random) -> str:
    template = rng.choice(plan.texts.TITLES)
    title = render(
        template, {**context, "arc_title": plan.texts.ARC_TITLES[plan.arc]}, plan.hero, plan.friend
    )
    return _capitalize(title)


def character_sheet(hero: Character, friend: Character) -> str:
    return (
        f"Main character: {hero.name}, a little {hero.species.en} with {hero.species.look_en}, "
        f"always wearing {hero.accessory.en}. "
        f"Friend: {friend.name}, {story_en.a(friend.species.en, False)} with {friend.species.look_en}, "
        f"wearing {friend.accessory.en}. "
        "Round, friendly cartoon shapes; the same faces and accessories on every page."
    )
