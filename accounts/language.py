"""The interface language: a visitor's cookie, a signed-in user's saved preference.

Django's LocaleMiddleware reads the language cookie (then Accept-Language, then pt-BR). Signing
in, signing up and changing the preference keep that cookie in step with ``User.language``, so
the choice follows the user from one device to the next.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_supported_language_variant
from django.views.decorators.http import require_POST
from django.views.i18n import set_language


def language_code(user_language: str) -> str:
    """``User.language`` ("pt-BR") as one of the site's language codes ("pt-br")."""
    try:
        return get_supported_language_variant((user_language or "").lower())
    except LookupError:
        return settings.LANGUAGE_CODE


def user_language(code: str) -> str:
    """A site language code ("pt-br") as a ``User.language`` value ("pt-BR")."""
    from accounts.models import User

    by_code = {value.lower(): value for value in User.Language.values}
    return by_code.get(language_code(code).lower(), User.Language.PT_BR)


def language_cookie_set(response: HttpResponse, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _saved_language(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return language_code(user.language)


API_PREFIX = "/api/"


class UserLanguageMiddleware:
    """After a sign-in or a change of preference, the next pages come in the user's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            # API clients authenticate per request (a token) and read no pages: a cookie is noise there.
            return self.get_response(request)
        before = _saved_language(request)
        response = self.get_response(request)
        after = _saved_language(request)
        if after and after != before:
            language_cookie_set(response, after)
        return response


def remember_signup_language(sender, request, user, **kwargs) -> None:
    """A new account keeps the language its owner was reading the site in."""
    current = getattr(request, "LANGUAGE_CODE", "") if request is not None else ""
    if current:
        user.language = user_language(current)
        user.save(update_fields=["language"])


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language view; a signed-in user's choice is saved to their preferences too."""
    response = set_language(request)
    chosen = request.POST.get("language", "")
    if request.user.is_authenticated and chosen in dict(settings.LANGUAGES):
        request.user.language = user_language(chosen)
        request.user.save(update_fields=["language"])
    return response
