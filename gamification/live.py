"""Toasts for level-ups, badges and completed missions, pushed to every open page of the user.

Each user's pages join the channel group ``user-<id>`` (``gamification.consumers``). Messages are
sent after the award commits, in the user's language. They are a courtesy: the dashboard reads the
database, so a toast lost while no page is open loses nothing.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.language import language_code
from gamification.ledger import News
from gamification.rules import level_name

logger = logging.getLogger(__name__)

# The ASGI server's event loop: in embedded mode the in-memory layer's queues live there, and
# worker threads hand it their messages (as books.progress does for book progress).
_server_loop: asyncio.AbstractEventLoop | None = None


def group_name(user_id) -> str:
    return f"user-{user_id}"


def remember_server_loop() -> None:
    global _server_loop
    _server_loop = asyncio.get_running_loop()


def user_notify(user_id, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "user.event", "event": event}
    if not isinstance(layer, InMemoryChannelLayer):
        async_to_sync(layer.group_send)(group_name(user_id), message)
        return
    loop = _server_loop
    if loop is None or loop.is_closed():
        return  # no page of anyone is open in this process
    asyncio.run_coroutine_threadsafe(layer.group_send(group_name(user_id), message), loop)


def celebrate_on_commit(*, user, news: News) -> None:
    if not news:
        return
    user_id, language = user.pk, getattr(user, "language", "")
    transaction.on_commit(lambda: _celebrate(user_id, language, news))


def _celebrate(user_id, language: str, news: News) -> None:
    try:
        with translation.override(language_code(language)):
            events = celebration_events(news)
        for event in events:
            user_notify(user_id, event)
    except Exception:  # a toast must never break the award that caused it
        logger.exception("could not push gamification toasts to user %s", user_id)


def celebration_events(news: News) -> list[dict]:
    url = reverse("gamification:progress")
    events = [
        {
            "kind": "mission",
            "icon": "🎯",
            "title": _("Mission complete!"),
            "text": _("%(title)s · +%(xp)s XP")
            % {"title": _(mission.template.title), "xp": mission.template.xp_reward},
            "url": url,
        }
        for mission in news.missions
    ]
    events += [
        {
            "kind": "badge",
            "icon": badge.icon,
            "title": _("New badge: %(name)s") % {"name": _(badge.name)},
            "text": _(badge.description),
            "url": url,
        }
        for badge in news.badges
    ]
    if news.levelled_up:
        events.append(
            {
                "kind": "level",
                "icon": "⭐",
                "title": _("Level %(level)s!") % {"level": news.level_after},
                "text": _("You are now a %(name)s.") % {"name": level_name(news.level_after)},
                "url": url,
            }
        )
    return events
