from fabrica.errors import ApplicationError


class BookInvalid(ApplicationError):
    """Bad input for a book; ``details`` maps field names to messages."""

    code = "invalid"


class UploadInvalid(BookInvalid):
    """The uploaded story cannot be used; the message says why, in the parent's words."""


class QuotaExceeded(ApplicationError):
    code = "quota_exceeded"
    status_code = 429


class InvalidTransition(ApplicationError):
    code = "conflict"
    status_code = 409
