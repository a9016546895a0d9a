"""Sign-in with Google's addresses, which exist only where Google is set up.

allauth's own views crash (``SocialApp.DoesNotExist``, a 500) when no Google app is
configured; these answer 404 instead, as for any page the site does not have. Mounted
before ``allauth.urls`` so they take its places.
"""

from __future__ import annotations

from functools import wraps

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.google import views as google
from django.http import Http404
from django.urls import path


def _only_when_configured(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not get_adapter(request).list_apps(request, provider="google"):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    path("login/", _only_when_configured(google.oauth2_login), name="google_login"),
    path("login/callback/", _only_when_configured(google.oauth2_callback), name="google_callback"),
    path("login/token/", _only_when_configured(google.login_by_token), name="google_login_by_token"),
]
