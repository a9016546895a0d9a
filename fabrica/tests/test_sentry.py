"""Sentry: with SENTRY_DSN set, an error in a view reaches the Sentry server over HTTP.

The "Sentry server" is a tiny HTTP server on loopback that keeps the envelopes it receives; the
site runs in a subprocess (the SDK is started by the settings, once per process), so this test
process never has a live SDK.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.urls import path

ROOT = Path(__file__).resolve().parents[2]


class SentryTestError(Exception):
    """Raised by the view below; its name must reach Sentry."""


def boom(request):
    raise SentryTestError("the sentry test view always fails")


# The subprocess serves this module as its ROOT_URLCONF.
urlpatterns = [path("boom/", boom)]


class _Envelopes(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]]

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # the SDK prefers brotli when the module is installed
            import brotli

            body = brotli.decompress(body)
        self.server.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Envelopes)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


SCRIPT = """
import django, sentry_sdk
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

assert settings.SENTRY_ENABLED, "SENTRY_DSN was set but the SDK did not start"
with override_settings(ROOT_URLCONF="fabrica.tests.test_sentry", ALLOWED_HOSTS=["testserver"]):
    response = Client(raise_request_exception=False).get("/boom/", HTTP_X_REQUEST_ID="req-sentry-42",
                                                          HTTP_COOKIE="family=secret-cookie")
print("status", response.status_code)
sentry_sdk.flush(timeout=10)
"""


def _run(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "fabrica.settings",
            "DATABASE_URL": "sqlite://:memory:",
            "REDIS_URL": "",
            "DEBUG": "1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def _items(body: bytes) -> list[tuple[dict, bytes]]:
    """An envelope: a header line, then items, each a header line and a payload (of ``length``
    bytes when the header says so, else up to the next newline)."""
    _, _, rest = body.partition(b"\n")
    items = []
    while rest.strip():
        header_line, _, rest = rest.partition(b"\n")
        header = json.loads(header_line)
        if "length" in header:
            payload, rest = rest[: header["length"]], rest[header["length"] + 1 :]
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((header, payload))
    return items


def _events(received: list[tuple[str, bytes]]) -> list[dict]:
    return [
        json.loads(payload)
        for _, body in received
        for header, payload in _items(body)
        if header.get("type") == "event"
    ]


def test_an_error_in_a_view_arrives_at_sentry_with_its_type_and_no_personal_data(sentry_server):
    port = sentry_server.server_address[1]

    result = _run(
        {
            "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/1",
            "SENTRY_ENVIRONMENT": "ci-test",
            "SENTRY_RELEASE": "fabrica@test-1",
        }
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "status 500" in result.stdout
    assert sentry_server.received, "no envelope reached the Sentry server"
    assert all(path == "/api/1/envelope/" for path, _ in sentry_server.received)
    events = _events(sentry_server.received)
    errors = [e for e in events if e.get("exception")]
    assert errors, events
    event = errors[0]
    assert event["exception"]["values"][-1]["type"] == "SentryTestError"
    assert event["environment"] == "ci-test"
    assert event["release"] == "fabrica@test-1"
    assert event["tags"]["request_id"] == "req-sentry-42"
    # send_default_pii=False: a cookie never leaves the site.
    assert "secret-cookie" not in json.dumps(event)


def test_without_a_dsn_nothing_is_sent(sentry_server):
    result = _run({})

    assert result.returncode != 0
    assert "SENTRY_DSN was set but the SDK did not start" in result.stderr
    assert sentry_server.received == []


def test_a_bad_sample_rate_is_refused_with_its_name():
    port = 9  # never contacted: the settings refuse to load first
    result = _run({"SENTRY_DSN": f"http://k@127.0.0.1:{port}/1", "SENTRY_TRACES_SAMPLE_RATE": "lots"})

    assert result.returncode != 0
    assert "SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1" in result.stderr
