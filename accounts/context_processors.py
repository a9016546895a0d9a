from django.conf import settings


def site(request) -> dict:
    return {
        "google_login_enabled": bool(settings.GOOGLE_CLIENT_ID and settings.GOOGLE_CLIENT_SECRET),
        "embedded_mode": settings.EMBEDDED,
    }
