"""DRF authentication with a personal API token: ``Authorization: Bearer fab_…``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from accounts.tokens import api_token_lookup


class ApiTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # not ours: let session authentication (or the next class) decide
        if len(parts) != 2:
            raise AuthenticationFailed(_("The Authorization header must be “Bearer <token>”."))
        try:
            raw_key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("This API token is not valid.")) from None
        token = api_token_lookup(raw_key)
        if token is None:
            raise AuthenticationFailed(_("This API token is not valid or was revoked."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
