import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Tier, User

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_signing_up_with_email_logs_in_on_the_default_tier(client, catalog):
    response = client.post(
        reverse("account_signup"),
        {"email": "Parent@Example.com", "password1": "lapis-de-cor-42", "password2": "lapis-de-cor-42"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="parent@example.com")
    assert user.tier == Tier.default()
    assert (user.max_concurrent_books, user.daily_requests) == (3, 50)
    assert client.get(reverse("books:list")).status_code == 200


def test_a_signup_with_mismatched_passwords_says_so(client, catalog):
    response = client.post(
        reverse("account_signup"),
        {"email": "p@example.com", "password1": "lapis-de-cor-42", "password2": "lapis-de-cor-43"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not User.objects.exists()


def test_logging_in_uses_the_email(client, owner):
    response = client.post(
        reverse("account_login"), {"login": "owner@example.com", "password": "a-long-passphrase-1"}
    )
    assert response.status_code == 302
    assert client.get(reverse("books:list")).status_code == 200


def test_the_google_button_shows_only_when_configured(client, catalog, settings):
    assert "Google" not in client.get(reverse("account_login")).content.decode()
    settings.GOOGLE_CLIENT_ID, settings.GOOGLE_CLIENT_SECRET = "id.apps.googleusercontent.com", "secret"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APPS": [{"client_id": "id.apps.googleusercontent.com", "secret": "secret", "key": ""}]}
    }
    assert "Google" in client.get(reverse("account_login")).content.decode()


def test_preferences_are_saved(owner_client, owner):
    response = owner_client.post(
        reverse("accounts:preferences"),
        {
            "display_name": "Mãe da Ana",
            "default_style": "",
            "language": "es",
            "paper_size": "letter",
            "age_range": "7-9",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.display_name, owner.language, owner.paper_size, owner.age_range) == (
        "Mãe da Ana",
        "es",
        "letter",
        "7-9",
    )


def test_a_per_user_override_beats_the_tier(owner):
    owner.max_concurrent_books_override = 1
    owner.daily_requests_override = 500
    assert (owner.max_concurrent_books, owner.daily_requests) == (1, 500)


def test_the_landing_page_invites_visitors_and_home_greets_users(client, owner):
    assert "Create a free account" in client.get("/").content.decode()
    client.force_login(owner)
    assert "Hello, owner!" in client.get("/").content.decode()


PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "example.com",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def _settings_import(env: dict, *, show: str = "EMBEDDED") -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("SECRET_KEY", "DEBUG", "REDIS_URL", "DATABASE_URL", "EMAIL_BACKEND", "ALLOW_CONSOLE_EMAIL")
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print(settings.{show})",
        ],
        env={**clean, "DJANGO_SETTINGS_MODULE": "fabrica.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_with_debug_off_the_site_refuses_to_start_without_a_real_secret_key():
    result = _settings_import(PRODUCTION)
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr
    ok = _settings_import({**PRODUCTION, "SECRET_KEY": "x" * 50})
    assert ok.returncode == 0, ok.stderr


def test_with_debug_off_the_site_refuses_to_start_with_emails_going_to_the_log():
    production = {**PRODUCTION, "SECRET_KEY": "x" * 50, "EMAIL_BACKEND": ""}
    for refused in (
        _settings_import(production),
        _settings_import({**production, "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
    ):
        assert refused.returncode != 0
        assert "set EMAIL_BACKEND to a backend that sends email" in refused.stderr
    smtp = _settings_import({**production, "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"})
    assert smtp.returncode == 0, smtp.stderr
    on_purpose = _settings_import({**production, "ALLOW_CONSOLE_EMAIL": "1"})
    assert on_purpose.returncode == 0, on_purpose.stderr
    assert _settings_import({"DEBUG": "1"}).returncode == 0  # development keeps the console


def test_production_requires_email_verification_and_development_does_not():
    # Only mandatory verification lets sign-up hide which emails have accounts (test_enumeration.py).
    production = {**PRODUCTION, "SECRET_KEY": "x" * 50, "ACCOUNT_EMAIL_VERIFICATION": ""}
    shown = _settings_import(production, show="ACCOUNT_EMAIL_VERIFICATION")
    assert shown.stdout.strip() == "mandatory", shown.stderr
    development = _settings_import(
        {"DEBUG": "1", "ACCOUNT_EMAIL_VERIFICATION": ""}, show="ACCOUNT_EMAIL_VERIFICATION"
    )
    assert development.stdout.strip() == "optional"


def test_a_malformed_boolean_setting_is_reported_by_name():
    result = _settings_import({"DEBUG": "maybe"})
    assert "DEBUG must be a boolean" in result.stderr


def test_without_redis_url_the_site_runs_embedded_and_with_it_uses_redis():
    assert _settings_import({}).stdout.strip() == "True"
    assert _settings_import({"REDIS_URL": "redis://127.0.0.1:6379/0"}).stdout.strip() == "False"
