"""WebSocket addresses the site does not serve."""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer


class UnknownAddressConsumer(AsyncWebsocketConsumer):
    """Refused at the handshake (HTTP 403), like a missing page.

    Without it Channels' router raises "No route found" and the server logs a traceback for
    every handshake to a made-up address.
    """

    async def connect(self) -> None:
        await self.close()
