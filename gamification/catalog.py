"""The built-in badges and mission templates, seeded idempotently (staff edits are kept).

Names and titles are English source strings marked with gettext_noop; pages translate them when shown.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from books.models import Style
from gamification.models import Badge, MissionTemplate, Period

Rule = Badge.Rule
Goal = MissionTemplate.Goal

BADGES = [
    (
        "first-book",
        gettext_noop("First book"),
        gettext_noop("Made your first book."),
        "📘",
        Rule.BOOKS,
        1,
        25,
    ),
    ("books-5", gettext_noop("Bookworm"), gettext_noop("Made 5 books."), "📚", Rule.BOOKS, 5, 50),
    ("books-25", gettext_noop("Little library"), gettext_noop("Made 25 books."), "🏛️", Rule.BOOKS, 25, 150),
    ("books-100", gettext_noop("Book factory"), gettext_noop("Made 100 books."), "🏭", Rule.BOOKS, 100, 500),
    (
        "all-styles",
        gettext_noop("Style explorer"),
        gettext_noop("Made a book in every style."),
        "🎨",
        Rule.STYLES,
        0,
        100,
    ),
    (
        "pages-100",
        gettext_noop("100 pages to colour"),
        gettext_noop("Made 100 pages to colour."),
        "🖍️",
        Rule.PAGES,
        100,
        100,
    ),
    (
        "first-share",
        gettext_noop("Sharing is caring"),
        gettext_noop("Shared a book for the first time."),
        "💌",
        Rule.SHARES,
        1,
        25,
    ),
    (
        "first-pdf",
        gettext_noop("Ready to print"),
        gettext_noop("Downloaded your first PDF."),
        "🖨️",
        Rule.PDFS,
        1,
        25,
    ),
    (
        "streak-3",
        gettext_noop("Three in a row"),
        gettext_noop("Made something 3 days in a row."),
        "🔥",
        Rule.STREAK,
        3,
        50,
    ),
    (
        "streak-7",
        gettext_noop("A whole week"),
        gettext_noop("Made something 7 days in a row."),
        "🌟",
        Rule.STREAK,
        7,
        150,
    ),
    (
        "missions-5",
        gettext_noop("Mission master"),
        gettext_noop("Completed 5 missions."),
        "🎯",
        Rule.MISSIONS,
        5,
        100,
    ),
    (
        "big-book",
        gettext_noop("Big book"),
        gettext_noop("Made a book with 20 pages."),
        "📖",
        Rule.BOOK_PAGES,
        20,
        50,
    ),
    (
        "polyglot",
        gettext_noop("Polyglot"),
        gettext_noop("Made a book in each language."),
        "🌍",
        Rule.LANGUAGES,
        0,
        100,
    ),
]

# (slug, title, period, goal, target, style slug, XP)
MISSION_TEMPLATES = [
    ("day-book", gettext_noop("Make a book today"), Period.DAILY, Goal.BOOKS, 1, None, 30),
    ("day-manga", gettext_noop("Make a book in Mangá style"), Period.DAILY, Goal.BOOKS, 1, "manga", 40),
    ("day-cartoon", gettext_noop("Make a book in Cartoon style"), Period.DAILY, Goal.BOOKS, 1, "cartoon", 40),
    (
        "day-realistic",
        gettext_noop("Make a book in Realistic style"),
        Period.DAILY,
        Goal.BOOKS,
        1,
        "realistic",
        40,
    ),
    ("day-classic", gettext_noop("Make a book in Classic style"), Period.DAILY, Goal.BOOKS, 1, "classic", 40),
    ("day-pages-10", gettext_noop("Make 10 pages to colour today"), Period.DAILY, Goal.PAGES, 10, None, 40),
    ("day-pdf", gettext_noop("Download a PDF to print"), Period.DAILY, Goal.PDFS, 1, None, 20),
    ("day-share", gettext_noop("Share a book with someone you love"), Period.DAILY, Goal.SHARES, 1, None, 25),
    (
        "day-redraw",
        gettext_noop("Draw a page again the way you like it"),
        Period.DAILY,
        Goal.REDRAWS,
        1,
        None,
        15,
    ),
    ("week-books-3", gettext_noop("Make 3 books this week"), Period.WEEKLY, Goal.BOOKS, 3, None, 100),
    ("week-pdfs-2", gettext_noop("Download 2 PDFs this week"), Period.WEEKLY, Goal.PDFS, 2, None, 60),
    ("week-shares-2", gettext_noop("Share 2 books this week"), Period.WEEKLY, Goal.SHARES, 2, None, 60),
    (
        "week-pages-40",
        gettext_noop("Make 40 pages to colour this week"),
        Period.WEEKLY,
        Goal.PAGES,
        40,
        None,
        120,
    ),
    (
        "week-manga-2",
        gettext_noop("Make 2 books in Mangá style this week"),
        Period.WEEKLY,
        Goal.BOOKS,
        2,
        "manga",
        90,
    ),
]


@transaction.atomic
def gamification_seed() -> list[str]:
    """Create missing badges and mission templates; never change the ones that exist."""
    report = []
    for order, (slug, name, description, icon, rule, threshold, xp) in enumerate(BADGES):
        defaults = {
            "name": name,
            "description": description,
            "icon": icon,
            "rule": rule,
            "threshold": threshold,
            "xp_reward": xp,
            "sort_order": order,
        }
        _, created = Badge.objects.get_or_create(slug=slug, defaults=defaults)
        report.append(f"{'created' if created else 'kept   '} badge {name}")
    styles = {style.slug: style for style in Style.objects.all()}
    for slug, title, period, goal, target, style_slug, xp in MISSION_TEMPLATES:
        if style_slug and style_slug not in styles:
            continue
        defaults = {
            "title": title,
            "period": period,
            "goal": goal,
            "target": target,
            "style": styles.get(style_slug),
            "xp_reward": xp,
        }
        _, created = MissionTemplate.objects.get_or_create(slug=slug, defaults=defaults)
        report.append(f"{'created' if created else 'kept   '} mission {title}")
    return report
