"""What one provider call used, reported by the adapter and read by the router's call record.

Adapters call ``report_usage(tokens_in=..., tokens_out=..., images=...)`` after a reply;
the router opens a ``measure()`` block around every call and stores the totals on the
``AICall`` row. A context variable keeps concurrent calls (threads, tasks) apart.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass
class Usage:
    tokens_in: int = 0
    tokens_out: int = 0
    images: int = 0
    model: str = ""  # the model that actually answered, when the provider says so


_current: contextvars.ContextVar[Usage | None] = contextvars.ContextVar("ai_usage", default=None)


@contextlib.contextmanager
def measure() -> Iterator[Usage]:
    usage = Usage()
    token = _current.set(usage)
    try:
        yield usage
    finally:
        _current.reset(token)


def report_usage(*, tokens_in: int = 0, tokens_out: int = 0, images: int = 0, model: str = "") -> None:
    usage = _current.get()
    if usage is None:
        return
    usage.tokens_in += tokens_in or 0
    usage.tokens_out += tokens_out or 0
    usage.images += images or 0
    if model:
        usage.model = model
