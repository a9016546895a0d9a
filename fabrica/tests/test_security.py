"""Security settings: `check --deploy` on the production environment, the headers a production
response carries, and the Content Security Policy (no inline code anywhere in the templates)."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What an operator sets (README, Production), with PostgreSQL/Redis URLs that nothing connects to.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "livros.example.com",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "DATABASE_URL": "sqlite:///:memory:",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_PROXY_SSL_HEADER": "1",
}


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRY_", "CSP_", "SECURE_"))}
    return subprocess.run(
        [sys.executable, *code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "fabrica.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues_on_the_production_environment():
    result = _python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


# A production process answering one request from behind the TLS proxy (a page that needs no
# database: the settings' headers apply to every response); prints the headers. Secure cookies
# are covered by check --deploy (security.W012, W016).
HEADERS_SCRIPT = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz", HTTP_HOST="livros.example.com", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({"status": response.status_code, "headers": dict(response.headers)}))
"""


def _production_response(**env: str) -> dict:
    result = _python(["-c", HEADERS_SCRIPT], **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production_response() -> dict:
    return _production_response()


def test_production_responses_carry_the_security_headers(production_response):
    headers = production_response["headers"]

    assert production_response["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in policy.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


def test_the_production_policy_allows_no_inline_script_and_sockets_to_this_host_only(production_response):
    policy = _directives(production_response["headers"]["Content-Security-Policy"])

    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # Behind TLS the page's WebSocket is wss:// to its own host, nothing else.
    assert policy["connect-src"] == ["'self'", "wss://livros.example.com"]
    assert "Content-Security-Policy-Report-Only" not in production_response["headers"]


def test_report_only_mode_sends_the_same_policy_without_enforcing_it(production_response):
    report_only = _production_response(CSP_REPORT_ONLY="1", CSP_REPORT_URI="/csp-reports/")

    headers = report_only["headers"]
    assert "Content-Security-Policy" not in headers
    policy = _directives(headers["Content-Security-Policy-Report-Only"])
    assert policy.pop("report-uri") == ["/csp-reports/"]
    enforced = _directives(production_response["headers"]["Content-Security-Policy"])
    assert {key: sorted(value) for key, value in policy.items()} == {
        key: sorted(value) for key, value in enforced.items()
    }


def test_with_s3_pictures_and_downloads_may_come_from_the_bucket_endpoint():
    response = _production_response(
        AWS_STORAGE_BUCKET_NAME="livros", AWS_S3_ENDPOINT_URL="https://s3.example.net:9000"
    )

    policy = _directives(response["headers"]["Content-Security-Policy"])
    assert "https://s3.example.net:9000" in policy["img-src"]
    assert "https://s3.example.net:9000" in policy["form-action"]


def test_the_page_answers_ws_and_wss_of_its_host_in_development(client, db):
    response = client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000")

    policy = _directives(response["Content-Security-Policy"])
    assert policy["connect-src"] == ["'self'", "ws://127.0.0.1:8000", "wss://127.0.0.1:8000"]
    assert policy["script-src"] == ["'self'"]


def test_the_api_docs_are_the_only_pages_without_the_policy(client, db):
    assert "Content-Security-Policy" in client.get("/")
    assert "Content-Security-Policy" not in client.get("/api/docs/")


# --- templates: no inline code (the policy would block it, so it would silently not run) -----------

TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
EVAL_ATTRIBUTE = re.compile(r"\bhx-on[:-]|\bhx-vals=['\"]\s*js:|\bhx-vars=", re.I)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT / "templates")))
def test_no_template_has_inline_scripts_or_event_handlers(template):
    text = template.read_text()

    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to static/js/"
    assert not EVENT_HANDLER.search(text), "on…= handler: add the listener in static/js/"
    assert not EVAL_ATTRIBUTE.search(text), "htmx code in an attribute needs eval, which the policy forbids"


def test_every_htmx_trigger_filter_has_a_csp_safe_implementation():
    """htmx runs with allowEval off; js/htmx-filters.js must know each [filter] the templates use."""
    filters_js = (ROOT / "static" / "js" / "htmx-filters.js").read_text()
    used = {
        match.strip()
        for template in TEMPLATES
        for trigger in re.findall(r'hx-trigger="([^"]*)"', template.read_text())
        for match in re.findall(r"\[([^\]]+)\]", trigger)
    }

    assert used, "no filter found: the check below would prove nothing"
    for name in used:
        assert f'"{name}":' in filters_js, f"{name} is used in a template but not in htmx-filters.js"


REDIRECT_SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# No collectstatic here: the 404 page links its assets unhashed instead of reading a manifest.
unhashed = "django.contrib.staticfiles.storage.StaticFilesStorage"
plain = {**settings.STORAGES, "staticfiles": {"BACKEND": unhashed}}
client = Client(HTTP_HOST="livros.example.com", REMOTE_ADDR="203.0.113.7")
with override_settings(STORAGES=plain):
    codes = {path: client.get(path).status_code for path in ("/", "/healthz", "/readyz", "/metrics")}
print(json.dumps(codes))
"""


def test_plain_http_is_sent_to_https_except_the_probes_and_the_scraper():
    result = _python(["-c", REDIRECT_SCRIPT], **PRODUCTION)

    assert result.returncode == 0, result.stderr[-3000:]
    codes = json.loads(result.stdout.strip().splitlines()[-1])
    assert codes["/"] == 301
    assert codes["/healthz"] == 200
    assert codes["/readyz"] == 503  # answered (nothing is reachable here), not redirected
    assert codes["/metrics"] == 404  # not loopback: hidden in production, not redirected
