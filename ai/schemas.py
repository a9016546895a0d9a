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


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    style: str
    character_sheet: str = ""
    seed: str = ""  # determinism key, e.g. f"{book_id}:{page_number}"
    size: int = 2048  # square, pixels
    kind: str = "page"  # "page" | "cover"


@dataclass(frozen=True)
class GeneratedImage:
    png: bytes  # PNG bytes, normalized line art
    provider: str
    model: str
    width: int
    height: int
