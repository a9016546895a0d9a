"""Brute force on the login form in embedded mode (the local-memory cache of one process).

The same limits on the real stack (Redis shared by the web processes) are in
tests/integration/test_abuse.py.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

LOCKED = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _try(client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_the_limits_are_set_explicitly(settings):
    from allauth.account import app_settings

    assert app_settings.RATE_LIMITS["login_failed"] == "10/m/ip,5/300s/key"
    assert app_settings.RATE_LIMITS["login"] == "30/m/ip"


@pytest.mark.django_db
def test_the_sixth_wrong_password_is_locked_out_with_a_clear_message(client, owner):
    for attempt in range(5):
        response = _try(client, owner.email, f"wrong-{attempt}")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    locked = _try(client, owner.email, "wrong-again")
    assert LOCKED in locked.content.decode()
    right = _try(client, owner.email, "a-long-passphrase-1")  # even the right password waits
    assert right.status_code == 200 and LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_of_one_address_leaves_another_alone(client, owner, other_user):
    for attempt in range(6):
        _try(client, owner.email, f"wrong-{attempt}")
    response = _try(client, other_user.email, "a-long-passphrase-2")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_right_password_before_the_limit_logs_in(client, owner):
    for attempt in range(4):
        _try(client, owner.email, f"wrong-{attempt}")
    assert _try(client, owner.email, "a-long-passphrase-1").status_code == 302


@pytest.mark.django_db
def test_over_the_per_ip_login_limit_the_page_answers_429(client, owner, settings):
    from allauth.account import app_settings

    limits = {**app_settings.RATE_LIMITS, "login": "3/m/ip"}
    settings.ACCOUNT_RATE_LIMITS = limits
    answers = [_try(client, owner.email, f"wrong-{n}").status_code for n in range(5)]
    assert answers[:3] == [200, 200, 200]
    assert answers[3] == 429


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_get_past_the_per_address_limit(client, owner, settings):
    # The app reads the peer address only (uvicorn puts the client's there for a trusted proxy);
    # the real-server side of this is tests/integration/test_forwarded_for.py.
    settings.LANGUAGE_CODE = "en"
    for attempt in range(10):  # 10 failures a minute from one address, each for another account
        _try(client, f"nobody-{attempt}@example.com", "guess")
    response = client.post(
        "/accounts/login/",
        {"login": owner.email, "password": "a-long-passphrase-1"},
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    assert response.status_code != 302
    assert LOCKED in response.content.decode()
