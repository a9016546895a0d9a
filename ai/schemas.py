"""What goes into and comes out of the AI layer, independent of any provider."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoryRequest:
    theme: str  # keywords/theme typed by the parent, e.g. "dinossauros e amizade"
    num_pages: int  # 5..20
    language: str  # "pt-BR" | "en" | "es"
    style: str  # style slug: "cartoon" | "manga" | "realistic" | "classic" (others may be added later)
    age_range: str = "4-6"  # "2-3", "4-6", "7-9", "10-12"
    educational_goal: str = ""  # e.g. "friendship", "numbers", "nature", "hygiene", free text allowed
    title: str = ""  # empty → provider proposes a title
    # Non-empty when the parent pasted/uploaded their own story: split it into exactly num_pages
    # pages (at paragraph/sentence breaks), keep the parent's words, write illustration prompts.
    user_story: str = ""
    # How freely a user story may be rewritten: "faithful" keeps every sentence (spelling fixes
    # only), "light" may add connecting sentences, "free" uses it as a seed for a new story.
    liberty: str = "faithful"
    style_prompt: str = ""  # the Style row's prompt fragment
    # Set on the one repair attempt after an invalid answer: what was wrong with it.
    repair_hint: str = ""
    seed: str = ""  # determinism key (the book's UUID)


@dataclass(frozen=True)
class StoryPage:
    number: int  # 1..N
    text: str  # the page's story text, 1-4 sentences suited to the age range
    illustration_prompt: str  # an English description of the coloring picture for this page


@dataclass(frozen=True)
class Story:
    title: str
    character_sheet: str  # description of the main character(s) kept across pages for consistency
    cover_prompt: str
    pages: tuple[StoryPage, ...]


@dataclass(frozen=True)
class StoryResult:
    story: Story
    provider: str
    model: str
    prompt_versions: str = ""  # e.g. "story_system@0,story_user@2"


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    style: str
    character_sheet: str = ""
    seed: str = ""  # determinism key, e.g. f"{book_id}:{page_number}"
    # The printed picture: 4:5 portrait, 300 DPI at 8 x 10 in. Providers are asked for the
    # aspect ratio; the normalizer brings whatever comes back to exactly this size.
    width: int = 2400
    height: int = 3000
    kind: str = "page"  # "page" | "cover"
    style_prompt: str = ""  # the Style row's prompt fragment
    # Set on the QC retry: a sentence that corrects what was wrong ("no grey shading", ...).
    corrective: str = ""

    @property
    def aspect_ratio(self) -> str:
        """The ratio as image APIs spell it, e.g. "4:5"."""
        from math import gcd

        divisor = gcd(self.width, self.height)
        return f"{self.width // divisor}:{self.height // divisor}"


@dataclass(frozen=True)
class GeneratedImage:
    png: bytes  # PNG bytes, normalized line art
    provider: str
    model: str
    width: int
    height: int
    prompt_versions: str = ""  # e.g. "image_page@3"
