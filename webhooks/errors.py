from fabrica.errors import ApplicationError


class WebhookInvalid(ApplicationError):
    """A webhook that cannot be saved: a bad or unsafe URL, no events, too many webhooks."""

    code = "invalid"
    status_code = 400
