"""Which URLs a webhook may use: HTTPS to public addresses; nothing that reaches our own network."""

from __future__ import annotations

import pytest

from webhooks.addresses import address_allowed, url_validate
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


# IPv6 addresses that a NAT64 translator, a 6to4 or Teredo relay, or the IPv4-compatible and
# -translated forms deliver to a private IPv4 address (shared with the API and web-form tests).
EMBEDDED_PRIVATE_IPV4 = [
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254, the cloud metadata service
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b::c0a8:101",  # NAT64 of 192.168.1.1
    "64:ff9b:1::a00:1",  # local-use NAT64 (RFC 8215) of 10.0.0.1
    "64:ff9b:1::808:808",  # local-use NAT64 leads into our own network, whatever it carries
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "::127.0.0.1",  # IPv4-compatible
    "::a9fe:a9fe",
    "::a00:1",
    "::ffff:169.254.169.254",  # IPv4-mapped
    "::ffff:0:a9fe:a9fe",  # IPv4-translated (SIIT)
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo: a public relay, the client at 127.0.0.1
    "2001:0:a00:1::f7f7:f7f7",  # Teredo: the relay at 10.0.0.1
]


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE_IPV4)
def test_ipv6_addresses_that_lead_to_a_private_ipv4_address_are_refused(production, address):
    assert not address_allowed(address)
    message = refusal(f"https://[{address}]/hook")
    assert "private, local or reserved" in message and address in message


@pytest.mark.parametrize(
    "address", ["64:ff9b::808:808", "2002:808:808::1", "2606:4700:4700::1111", "8.8.8.8"]
)
def test_ipv6_addresses_that_lead_to_a_public_ipv4_address_are_accepted(production, address):
    assert address_allowed(address)


def test_a_name_that_resolves_to_a_private_address_is_refused(production):
    production["intranet.example.com"] = [PUBLIC_IP, "10.1.2.3"]  # one bad answer is enough
    message = refusal("https://intranet.example.com/hook")
    assert "intranet.example.com" in message and "private, local or reserved" in message
    assert "10.1.2.3" not in message  # what a name resolves to inside our network stays unsaid


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
