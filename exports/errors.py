from fabrica.errors import ApplicationError


class ExportTooLarge(ApplicationError):
    code = "export_too_large"
    status_code = 413
