"""Where a webhook may send: public HTTPS addresses only, never into our own network (SSRF).

Checked when the webhook is saved and again before every delivery (DNS answers change). A delivery
resolves the name once, checks every address, and connects only to those addresses, so a name
that resolves differently a moment later (DNS rebinding) never gets a connection, or a port
probe, into our own network. ``WEBHOOKS_ALLOW_PRIVATE`` (on with DEBUG) lifts the address rule
for development and tests; plain ``http://`` is allowed only to loopback hosts while ``DEBUG``
is on.
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
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.poolmanager import PoolManager
from urllib3.util.connection import create_connection

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


def unreachable_message() -> str:
    """What a delivery records when it could not reach its endpoint, whatever the reason: not
    found, refused, unreachable, or an address webhooks may not use. One text, naming no address,
    so the delivery log cannot be used to map our own network or to scan its ports."""
    return _(
        "Not delivered: the endpoint could not be reached, or its address is not a public internet "
        "address webhooks may be sent to."
    )


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
            raise UnsafeDestination(_unsafe_message(host=host, address=address))
    return addresses


def _unsafe_message(*, host: str, address: str) -> str:
    if not _is_ip(host):
        # What a name resolves to inside our network is not for the person who typed it.
        return _(
            "“%(host)s” points to a private, local or reserved address. "
            "Webhooks can only be sent to public internet addresses."
        ) % {"host": host}
    return _(
        "“%(host)s” points to a private, local or reserved address (%(address)s). "
        "Webhooks can only be sent to public internet addresses."
    ) % {"host": host, "address": address}


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def url_validate(url: str) -> str:
    """The cleaned URL when a webhook may be registered with it; ``WebhookInvalid`` otherwise."""
    try:
        destination_check(url)
    except (UnsafeDestination, HostNotFound) as exc:
        raise WebhookInvalid(exc.message) from exc
    return url.strip()


# --- Connections go only to the addresses that were checked (DNS rebinding) --------------------


class _PinnedConnection:
    """Connects to the addresses resolved and checked before sending, never to whatever the name
    resolves to by then. The name stays the connection's host: the Host header, TLS SNI and the
    certificate check all use it."""

    def __init__(self, *args, addresses: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.addresses = addresses

    def _new_conn(self) -> socket.socket:
        # No address given, or one not allowed: refuse before any packet leaves, rather than
        # fall back to resolving the name here.
        if not self.addresses or not all(address_allowed(address) for address in self.addresses):
            raise UnsafeDestination(unreachable_message())
        error: Exception = NewConnectionError(self, "No address to connect to.")
        for address in self.addresses:
            try:
                return create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError:
                error = ConnectTimeoutError(self, f"Connection to {self.host} timed out.")
            except OSError:
                error = NewConnectionError(self, f"Could not connect to {self.host}.")
        raise error


class _PinnedHTTPConnection(_PinnedConnection, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnection, HTTPSConnection):
    pass


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _PinnedPoolManager(PoolManager):
    def __init__(self, *args, addresses: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.addresses = addresses
        self.pool_classes_by_scheme = {"http": _PinnedHTTPPool, "https": _PinnedHTTPSPool}

    def _new_pool(self, scheme, host, port, request_context=None):
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.conn_kw["addresses"] = self.addresses  # handed to every connection the pool opens
        return pool


class PinnedAdapter(HTTPAdapter):
    """A requests adapter that connects only to ``addresses`` (checked by ``destination_check``)."""

    def __init__(self, *, addresses: list[str], **kwargs):
        self.addresses = tuple(addresses)
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        self._pool_connections, self._pool_maxsize, self._pool_block = connections, maxsize, block
        self.poolmanager = _PinnedPoolManager(
            num_pools=connections, maxsize=maxsize, block=block, addresses=self.addresses, **pool_kwargs
        )
