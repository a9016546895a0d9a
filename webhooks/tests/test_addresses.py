"""Which URLs a webhook may use: HTTPS to public addresses; nothing that reaches our own network."""

from __future__ import annotations

import pytest

from webhooks.addresses import url_validate
from webhooks.errors import WebhookInvalid
from webhooks.tests.conftest import PUBLIC_IP


@pytest.fixture
def production(settings, dns):
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    return dns


def refusal(url: str) -> str:
    with pytest.raises(WebhookInvalid) as caught:
        url_validate(url)
    return caught.value.message


def test_a_public_https_url_is_accepted(production):
    production["hooks.example.com"] = [PUBLIC_IP]
    assert url_validate("  https://hooks.example.com/fabrica?x=1 ") == "https://hooks.example.com/fabrica?x=1"


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1", "172.16.5.4", "192.168.1.1", "127.0.0.1", "127.8.9.10", "169.254.169.254", "0.0.0.0",
        "100.64.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "fe80::1", "fc00::1", "::",
        "::ffff:10.0.0.1", "::ffff:127.0.0.1", "ff02::1",
    ],
)  # fmt: skip
def test_private_loopback_link_local_and_reserved_addresses_are_refused(production, address):
    host = f"[{address}]" if ":" in address else address
    message = refusal(f"https://{host}/hook")
    assert "private, local or reserved" in message
    assert address in message


def test_a_name_that_resolves_to_a_private_address_is_refused(production):
    production["intranet.example.com"] = [PUBLIC_IP, "10.1.2.3"]  # one bad answer is enough
    message = refusal("https://intranet.example.com/hook")
    assert "intranet.example.com" in message and "10.1.2.3" in message


def test_a_host_that_does_not_resolve_is_refused_by_name(production):
    assert "could not find the host “nowhere.invalid”" in refusal("https://nowhere.invalid/")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("hooks.example.com/x", "starts with https://"),
        ("ftp://hooks.example.com/x", "starts with https://"),
        ("https://", "starts with https://"),
        ("https://hooks.example.com:99999/", "not a valid URL"),
        ("https://" + "a" * 2000 + ".com/", "too long"),
    ],
)
def test_malformed_urls_get_a_clear_message(production, url, words):
    assert words in refusal(url)


def test_plain_http_is_refused_in_production_even_to_localhost(production, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    assert "Use https://" in refusal("http://127.0.0.1:8080/hook")


def test_plain_http_to_loopback_is_allowed_in_development(settings, dns):
    settings.DEBUG = True
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    dns["localhost"] = ["127.0.0.1"]
    assert url_validate("http://127.0.0.1:8080/hook") == "http://127.0.0.1:8080/hook"
    assert url_validate("http://localhost:8080/hook") == "http://localhost:8080/hook"
    assert url_validate("http://[::1]:8080/hook") == "http://[::1]:8080/hook"


def test_plain_http_to_anything_but_loopback_is_refused_in_development(settings, dns):
    settings.DEBUG = True
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    dns["hooks.example.com"] = [PUBLIC_IP]
    assert "Use https://" in refusal("http://hooks.example.com/hook")
    assert "Use https://" in refusal("http://192.168.0.10/hook")


def test_private_addresses_are_allowed_only_when_the_setting_says_so(production, settings):
    production["nas.local"] = ["192.168.0.10"]
    assert refusal("https://nas.local/hook")
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    assert url_validate("https://nas.local/hook") == "https://nas.local/hook"


def test_the_real_resolver_turns_a_name_that_cannot_exist_into_a_clear_message():
    from webhooks.addresses import HostNotFound, resolve

    with pytest.raises(HostNotFound, match="could not find the host"):
        resolve("a" * 64 + ".example.com", 443)  # refused by the IDNA codec, before any lookup
