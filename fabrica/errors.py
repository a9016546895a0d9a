"""The one base error every app's domain errors derive from.

Views turn an ``ApplicationError`` into a message next to the form; the API
turns it into ``{"error": {"code", "message", "details"}}``.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    code = "error"
    status_code = 400

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}
