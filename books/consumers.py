from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.consumers import AccountSocketMixin
from books.models import Book
from books.progress import group_name, progress_snapshot, remember_server_loop


class BookProgressConsumer(AccountSocketMixin, AsyncJsonWebsocketConsumer):
    """Pushes a fresh snapshot of a book's progress to its owner whenever it changes."""

    group: str | None = None

    async def connect(self) -> None:
        book_id = self.scope["url_route"]["kwargs"]["book_id"]
        if not await self._owned(book_id):
            await self.close(code=4404)
            return
        remember_server_loop()
        self.book_id = book_id
        self.group = group_name(book_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.account_join(self.scope["user"])
        await self.accept()
        await self.send_json(await self._snapshot())

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.account_leave()

    async def book_progress(self, event: dict) -> None:
        await self.send_json(await self._snapshot())

    @database_sync_to_async
    def _owned(self, book_id) -> bool:
        return Book.objects.visible_to(self.scope["user"]).filter(id=book_id).exists()

    @database_sync_to_async
    def _snapshot(self) -> dict:
        return progress_snapshot(Book.objects.get(id=self.book_id))
