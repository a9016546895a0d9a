"""X-Forwarded-For is believed only from the reverse proxy (``FORWARDED_ALLOW_IPS``).

A second uvicorn on the same database and Redis believes only a proxy at 192.0.2.1, so this test,
calling from 127.0.0.1, is an untrusted peer: a forged header must neither change the address the
audit log records nor open the per-address sign-in lockout. The stack's own uvicorn believes
127.0.0.1 and shows the header is honoured when it comes from the proxy.
"""

from __future__ import annotations

import uuid

import pytest
import redis
import requests

from tests.integration.conftest import (
    BIN,
    REDIS_DB,
    Stack,
    _free_port,
    _healthz_ok,
    _start,
    _stop,
    _wait_for,
)
from tests.integration.test_audit_live import PASSWORD, _entries, _new_user

pytestmark = [pytest.mark.integration]
PROXY = "192.0.2.1"


def _forget_sign_in_limits() -> None:
    # The lockout counts 127.0.0.1, which every other test of the session signs in from.
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    for key in client.scan_iter("*allauth:rl:*"):
        client.delete(key)


@pytest.fixture
def behind_a_proxy(stack: Stack):
    """The site's base URL on a uvicorn that believes X-Forwarded-For only from ``PROXY``."""
    port = _free_port()
    env = {**stack.env, "FORWARDED_ALLOW_IPS": PROXY}
    server, _ = _start(
        "uvicorn-behind-proxy",
        [str(BIN / "uvicorn"), "fabrica.asgi:application",
         "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"],
        env,
        stack.tmp,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    _forget_sign_in_limits()
    try:
        _wait_for("uvicorn behind a proxy", lambda: _healthz_ok(base_url), [server])
        yield base_url
    finally:
        _stop(server)
        _forget_sign_in_limits()


def _sign_in(base_url: str, email: str, password: str, *, forwarded_for: str) -> requests.Response:
    session = requests.Session()
    login_url = f"{base_url}/accounts/login/"
    session.get(login_url, headers={"Accept-Language": "en"}, timeout=10)
    return session.post(
        login_url,
        data={"login": email, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": login_url, "X-Forwarded-For": forwarded_for, "Accept-Language": "en"},
        allow_redirects=False,
        timeout=10,
    )


def test_a_forged_forwarded_for_from_an_untrusted_peer_is_not_recorded(stack, behind_a_proxy):
    email = _new_user(stack, consent=False)

    _sign_in(behind_a_proxy, email, "not-it", forwarded_for="203.0.113.9")
    assert _sign_in(behind_a_proxy, email, PASSWORD, forwarded_for="203.0.113.10").status_code == 302

    assert [(entry["action"], entry["ip"]) for entry in _entries(stack, email)] == [
        ("auth.login_failed", "127.0.0.1"),
        ("auth.login", "127.0.0.1"),
    ]


def test_a_forged_forwarded_for_does_not_get_past_the_per_address_lockout(stack, behind_a_proxy):
    email = _new_user(stack, consent=False)
    for attempt in range(10):  # the per-address limit: 10 failures a minute, each for another account
        stranger = f"nobody-{uuid.uuid4().hex[:8]}@fabrica.local"
        _sign_in(behind_a_proxy, stranger, "guess", forwarded_for=f"203.0.113.{attempt + 1}")

    response = _sign_in(behind_a_proxy, email, PASSWORD, forwarded_for="198.51.100.77")

    assert response.status_code != 302, "a forged address got past the lockout"
    assert "Too many failed login attempts" in response.text


def test_the_proxys_forwarded_for_is_recorded(stack):
    email = _new_user(stack, consent=False)

    _sign_in(stack.base_url, email, "not-it", forwarded_for="203.0.113.50")

    assert [entry["ip"] for entry in _entries(stack, email)] == ["203.0.113.50"]
