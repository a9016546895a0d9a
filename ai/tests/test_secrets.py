"""Stored secrets and SECRET_KEY rotation: fallbacks read old values, rotate_secrets moves them on,
and a value no key can read is an error someone sees, never an empty string."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.checks import Tags, run_checks
from django.core.management import CommandError, call_command

from ai.models import ProviderSetting
from ai.secrets import SecretUnreadable, decrypt, encrypt
from webhooks.models import Webhook

pytestmark = pytest.mark.django_db

OLD_KEY = "the-old-secret-key-" + "o" * 30
NEW_KEY = "the-new-secret-key-" + "n" * 30


@pytest.fixture
def stored_under_old_key(settings, owner):
    """A provider key and a webhook secret saved while SECRET_KEY was OLD_KEY."""
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    provider = ProviderSetting(provider="gemini", capability="text")
    provider.set_api_key("AIza-stored-key")
    provider.save()
    webhook = Webhook.objects.create(
        owner=owner, url="https://hooks.example.com/x", events=["book.generated"],
        secret_encrypted=encrypt("whsec_stored-secret"),
    )  # fmt: skip
    return provider, webhook


def _raw(model, pk, field) -> str:
    return model.objects.filter(pk=pk).values_list(field, flat=True).get()


def _secret_errors() -> list:
    return [m for m in run_checks(tags=[Tags.database], databases=["default"]) if m.id == "ai.E001"]


def _rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_secrets", *args, stdout=out)
    return out.getvalue()


def test_rotating_secret_key_keeps_every_stored_secret(settings, stored_under_old_key):
    provider, webhook = stored_under_old_key
    old_tokens = _raw(ProviderSetting, provider.pk, "api_key_encrypted"), webhook.secret_encrypted

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert ProviderSetting.objects.get().api_key() == "AIza-stored-key"  # read with the fallback
    assert Webhook.objects.get().secret == "whsec_stored-secret"
    assert _secret_errors() == []

    dry = _rotate("--dry-run")
    assert "ai.ProviderSetting.api_key_encrypted: 1 would be re-encrypted, 0 already current" in dry
    assert "webhooks.Webhook.secret_encrypted: 1 would be re-encrypted, 0 already current" in dry
    assert _raw(ProviderSetting, provider.pk, "api_key_encrypted") == old_tokens[0]
    assert _raw(Webhook, webhook.pk, "secret_encrypted") == old_tokens[1]

    done = _rotate()
    assert "ai.ProviderSetting.api_key_encrypted: 1 re-encrypted, 0 already current" in done
    assert "webhooks.Webhook.secret_encrypted: 1 re-encrypted, 0 already current" in done
    assert "0 re-encrypted, 1 already current" in _rotate()  # a second run has nothing to do

    settings.SECRET_KEY_FALLBACKS = []  # the old key can go now
    assert ProviderSetting.objects.get().api_key() == "AIza-stored-key"
    assert Webhook.objects.get().secret == "whsec_stored-secret"
    assert _secret_errors() == []


def test_a_secret_no_key_can_read_raises_instead_of_reading_as_empty(settings, stored_under_old_key):
    settings.SECRET_KEY = NEW_KEY  # changed, and the old key was not kept as a fallback
    with pytest.raises(SecretUnreadable):
        ProviderSetting.objects.get().api_key()
    with pytest.raises(SecretUnreadable):
        _ = Webhook.objects.get().secret
    with pytest.raises(SecretUnreadable):
        decrypt("")


def test_the_system_check_lists_each_secret_that_cannot_be_decrypted(settings, stored_under_old_key):
    provider, webhook = stored_under_old_key
    settings.SECRET_KEY = NEW_KEY
    (error,) = _secret_errors()
    assert error.level >= 40  # an Error: migrate and `check --database default` stop on it
    assert f"ai.ProviderSetting.api_key_encrypted (id {provider.pk})" in error.msg
    assert f"webhooks.Webhook.secret_encrypted (id {webhook.pk})" in error.msg
    assert "SECRET_KEY_FALLBACKS" in error.hint and "rotate_secrets" in error.hint
    with pytest.raises(Exception, match="ai.E001"):
        call_command("check", "--database", "default", stdout=StringIO(), stderr=StringIO())


def test_rotation_stops_at_unreadable_secrets_until_told_to_forget_them(settings, stored_under_old_key):
    provider, webhook = stored_under_old_key
    settings.SECRET_KEY = NEW_KEY
    with pytest.raises(CommandError, match="2 secret"):
        _rotate()
    assert _raw(Webhook, webhook.pk, "secret_encrypted") == webhook.secret_encrypted

    assert "1 unreadable emptied" in _rotate("--forget-unreadable")
    assert _raw(ProviderSetting, provider.pk, "api_key_encrypted") == ""
    assert not ProviderSetting.objects.get().has_api_key  # the admin shows there is none to use
    assert _secret_errors() == []
    with pytest.raises(SecretUnreadable):
        _ = Webhook.objects.get().secret  # an emptied webhook secret still refuses to sign
