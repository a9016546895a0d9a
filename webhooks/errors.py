from fabrica.errors import ApplicationError


class WebhookInvalid(ApplicationError):
    """A webhook that cannot be saved: a bad or unsafe URL, no events, too many webhooks."""

    code = "invalid"
    status_code = 400


class SigningSecretMissing(ApplicationError):
    """Nothing to sign with: a delivery signed with an empty secret would prove nothing."""

    code = "signing_secret_missing"
    status_code = 500
