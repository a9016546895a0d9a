from fabrica.errors import ApplicationError


class ExportTooLarge(ApplicationError):
    code = "export_too_large"
    status_code = 413


class ExportInvalid(ApplicationError):
    """An unknown format or paper size."""

    code = "invalid_export"
    status_code = 400


class BookNotReady(ApplicationError):
    """Files can only be made from a finished book."""

    code = "book_not_ready"
    status_code = 409


class BookChanged(ApplicationError):
    """The book was edited while its file was being made."""

    code = "book_changed"
    status_code = 409
