"""What every WebSocket of a signed-in person shares: staff disabling the account closes them all.

Each socket of a user also joins the group ``account-<id>``; ``account_sockets_close`` sends it
one message and every consumer that hears it closes itself.
"""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

# Close code for "this account may no longer listen"; a reconnect is refused (its sessions ended).
CLOSED_BY_STAFF = 4403

# The ASGI server's event loop: in embedded mode the in-memory layer's queues live there (as in
# books.progress and gamification.live).
_server_loop: asyncio.AbstractEventLoop | None = None


def account_group(user_id) -> str:
    return f"account-{user_id}"


def account_sockets_close(*, user_id) -> None:
    """Close every open WebSocket of the user, in every server process."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "account.closed"}
    if not isinstance(layer, InMemoryChannelLayer):
        async_to_sync(layer.group_send)(account_group(user_id), message)
        return
    loop = _server_loop
    if loop is None or loop.is_closed():
        return  # no socket is open in this process
    asyncio.run_coroutine_threadsafe(layer.group_send(account_group(user_id), message), loop)


class AccountSocketMixin:
    """For consumers: ``await self.account_join(user)`` after accepting; the rest is automatic."""

    account_group_name: str | None = None

    async def account_join(self, user) -> None:
        global _server_loop
        _server_loop = asyncio.get_running_loop()
        self.account_group_name = account_group(user.pk)
        await self.channel_layer.group_add(self.account_group_name, self.channel_name)

    async def account_leave(self) -> None:
        if self.account_group_name:
            await self.channel_layer.group_discard(self.account_group_name, self.channel_name)

    async def account_closed(self, event: dict) -> None:
        await self.close(code=CLOSED_BY_STAFF)
