"""Helpers for the AI tests: a scripted fake provider, and what the adapter tests share.

Fakes are put in the provider registry with the ``fakes`` fixture (``ai/tests/conftest.py``):

    down = fakes("image", Scripted("down", transient()))
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

import pytest

from ai.errors import ProviderError
from ai.schemas import ImageRequest

# --- a fake provider ---------------------------------------------------------------------


class Scripted:
    """A fake provider playing ``script``, one step per call (the last repeats).

    A step is a value to return, or a zero-argument callable returning a value or an
    exception to raise. Every request it receives is kept in ``requests``.
    """

    def __init__(self, name: str, *script: Any, delay: float = 0.0):
        self.name, self.model = name, f"{name}-model"
        self.script, self.delay, self.requests = script, delay, []

    def _play(self, request):
        self.requests.append(request)
        if self.delay:
            time.sleep(self.delay)
        step = self.script[min(len(self.requests), len(self.script)) - 1]
        result = step() if callable(step) else step
        if isinstance(result, Exception):
            raise result
        return result

    generate_story = generate_image = _play

    @property
    def calls(self) -> int:
        return len(self.requests)


def transient(message: str = "busy", **details: Any) -> Callable[[], ProviderError]:
    """A step failing in a way worth retrying."""
    return lambda: ProviderError(message, transient=True, details=details)


def permanent(message: str = "refused", code: str | None = None) -> Callable[[], ProviderError]:
    """A step failing in a way a retry will not fix."""
    return lambda: ProviderError(message, transient=False, code=code)


# --- the adapters through their SDKs -----------------------------------------------------


def image_request() -> ImageRequest:
    return ImageRequest(prompt="Dino flies a kite on a hill", style="cartoon", character_sheet="Dino: green")


def provider_failure(call: Callable[[], object]) -> ProviderError:
    """The ``ProviderError`` that ``call`` raises, whose message must be fit for a parent to read."""
    with pytest.raises(ProviderError) as caught:
        call()
    error = caught.value
    assert "Traceback" not in error.message and "{" not in error.message
    return error


def closed_port_url(path: str = "") -> str:
    """A base URL on which nothing listens (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}{path}"
