from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.consumers import AccountSocketMixin
from gamification.live import group_name, remember_server_loop


class UserEventsConsumer(AccountSocketMixin, AsyncJsonWebsocketConsumer):
    """Toasts for the signed-in user: the group comes from the session's user, never from the URL."""

    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        remember_server_loop()
        self.group = group_name(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.account_join(user)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.account_leave()

    async def receive_json(self, content, **kwargs) -> None:
        pass  # the page only listens

    async def user_event(self, event: dict) -> None:
        await self.send_json(event["event"])
