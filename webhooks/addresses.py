"""Where a webhook may send: public HTTPS addresses only, never into our own network (SSRF).

Checked when the webhook is saved and again before every delivery (DNS answers change), and the
socket itself is checked once connected, so a name that resolves differently the second time
(DNS rebinding) still cannot reach a private address. ``WEBHOOKS_ALLOW_PRIVATE`` (on with DEBUG)
lifts the address rule for development and tests; plain ``http://`` is allowed only to loopback
hosts while ``DEBUG`` is on.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from fabrica.errors import ApplicationError
from webhooks.errors import WebhookInvalid

URL_MAX_LENGTH = 2000
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


class UnsafeDestination(ApplicationError):
    """The URL points (now) at an address webhooks may not reach."""

    code = "unsafe_url"


class HostNotFound(ApplicationError):
    """The host name does not resolve (perhaps only for now)."""

    code = "host_not_found"


def resolve(host: str, port: int) -> list[str]:
    """The IP addresses ``host`` resolves to (tests replace this; nothing else should)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:  # unknown name, or not a name at all
        raise HostNotFound(_("We could not find the host “%(host)s”.") % {"host": host}) from exc
    return sorted({info[4][0] for info in infos})


# IPv6 ranges whose addresses carry an IPv4 address that a translator or tunnel delivers to:
# ``64:ff9b::7f00:1`` reaches 127.0.0.1 through NAT64, so the IPv4 inside must be public too.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
# Local-use NAT64 (RFC 8215): each network picks where the IPv4 sits inside it, so it cannot be
# decoded reliably, and it only ever leads into a translator of our own network.
NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to (NAT64, 6to4, Teredo, IPv4-compatible)."""
    if ip in NAT64 or ip in IPV4_COMPATIBLE or ip in IPV4_TRANSLATED:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip.sixtofour:
        return [ip.sixtofour]
    if ip.teredo:
        return list(ip.teredo)  # the relay server and the client behind its NAT
    return []


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not ip.is_multicast


def address_allowed(address: str) -> bool:
    """A public unicast address, or anything at all when private addresses are allowed."""
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    if isinstance(ip, ipaddress.IPv4Address):
        return _public(ip)
    if ip.ipv4_mapped:  # ::ffff:0:0/96 is the IPv4 address itself, seen through an IPv6 socket
        return _public(ip.ipv4_mapped)
    if ip in NAT64_LOCAL_USE:
        return False
    return _public(ip) and all(_public(inner) for inner in _embedded_ipv4(ip))


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_parse(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of an acceptable URL, or ``WebhookInvalid`` saying what is wrong."""
    url = url.strip()
    if len(url) > URL_MAX_LENGTH:
        raise WebhookInvalid(_("The URL is too long (at most %(max)s characters).") % {"max": URL_MAX_LENGTH})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookInvalid(_("This is not a valid URL.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookInvalid(_("Enter a full URL that starts with https://."))
    host = parts.hostname
    if parts.scheme == "http" and not (settings.DEBUG and _is_loopback(host)):
        raise WebhookInvalid(
            _("Use https://. Plain http:// is only accepted for this computer (localhost) in development.")
        )
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def destination_check(url: str) -> list[str]:
    """The addresses the URL's host resolves to, if every one may be reached; else an error."""
    _scheme, host, port = url_parse(url)
    addresses = resolve(host, port)
    if not addresses:
        raise HostNotFound(_("We could not find the host “%(host)s”.") % {"host": host})
    for address in addresses:
        if not address_allowed(address):
            raise UnsafeDestination(
                _(
                    "“%(host)s” points to a private, local or reserved address (%(address)s). "
                    "Webhooks can only be sent to public internet addresses."
                )
                % {"host": host, "address": address}
            )
    return addresses


def url_validate(url: str) -> str:
    """The cleaned URL when a webhook may be registered with it; ``WebhookInvalid`` otherwise."""
    try:
        destination_check(url)
    except (UnsafeDestination, HostNotFound) as exc:
        raise WebhookInvalid(exc.message) from exc
    return url.strip()


# --- The connected socket is checked too (DNS rebinding) ------------------------------------------


class _PeerCheck:
    def _new_conn(self):
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if not address_allowed(peer):
            sock.close()
            raise UnsafeDestination(
                _("The URL now points to a private, local or reserved address (%(address)s).")
                % {"address": peer}
            )
        return sock


class _CheckedHTTPConnection(_PeerCheck, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_PeerCheck, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class CheckedAdapter(HTTPAdapter):
    """A requests adapter whose connections refuse to talk to addresses webhooks may not reach."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool, "https": _CheckedHTTPSPool}
