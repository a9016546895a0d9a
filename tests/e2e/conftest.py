"""Browser end-to-end tests: Debian's Chromium, driven by Playwright, against ``manage.py serve``.

The site runs as a real subprocess in embedded mode (in-process Celery worker, in-memory
channel layer) on a throwaway SQLite database and media folder. Screenshots of the key
pages go to ``test-artifacts/screenshots/`` (git-ignored) for a human to look at.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(Path(sys.executable).parent / "python")
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
STARTUP_SECONDS = 45
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}

_LOGS: list[Path] = []


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: drives Chromium through Playwright against a served site")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        for path in _LOGS:
            try:
                tail = "\n".join(path.read_text(errors="replace").splitlines()[-60:])
            except OSError as exc:
                tail = f"(cannot read {path}: {exc})"
            report.sections.append((f"{path.name} (last 60 lines)", tail))
    return report


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"e2e: CI=true but {reason}", pytrace=False)
    pytest.skip(f"e2e: {reason} (set CI=true to require it)")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -r requirements-dev.txt)")
    return str(CHROMIUM)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthz_ok(base_url: str) -> bool:
    try:
        return requests.get(f"{base_url}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} exited with {result.returncode}:\n{result.stderr[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group this fixture started
        process.wait(timeout=5)


# Package scope: the server and the browser stop when the e2e tests end, before the rest of the suite.
@pytest.fixture(scope="package")
def live_server_url(chromium_path, tmp_path_factory) -> Iterator[str]:
    """``manage.py serve`` in embedded mode on a free port, migrated and seeded."""
    tmp = tmp_path_factory.mktemp("e2e")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DATABASE_URL", "AWS_STORAGE_BUCKET_NAME", "SECRET_KEY")
    }
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        DJANGO_SETTINGS_MODULE="fabrica.settings",
        PYTHONUNBUFFERED="1",
        CELERY_TASK_ALWAYS_EAGER="0",
        AI_TEXT_PROVIDERS="offline",
        AI_IMAGE_PROVIDERS="offline",
        AI_OFFLINE_FAILURE_RATE="0",
        # Slow enough for the progress bar to be seen moving, fast enough for a short suite.
        AI_OFFLINE_IMAGE_DELAY="0.4",
        EMBEDDED_WORKER_CONCURRENCY="4",
    )
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_catalog")
    port = _free_port()
    log = tmp / "serve.log"
    _LOGS.append(log)
    with log.open("wb") as out:
        server = subprocess.Popen(
            [PYTHON, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthz_ok(base_url):
            if server.poll() is not None:
                pytest.fail(f"manage.py serve exited with {server.returncode} (see serve.log)")
            if time.monotonic() > deadline:
                pytest.fail(f"manage.py serve did not answer /healthz within {STARTUP_SECONDS} s")
            time.sleep(0.2)
        yield base_url
    finally:
        _stop(server)


@pytest.fixture(scope="package")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True)
        yield browser
        browser.close()


# Console errors about the Content Security Policy seen during the current test (any tab).
_CSP_VIOLATIONS: list[str] = []


def _watch_csp(message) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        _CSP_VIOLATIONS.append(f"{message.text} (at {message.location.get('url', '?')})")


@pytest.fixture(autouse=True)
def no_csp_violations():
    """Every browser test also fails if the page broke the Content Security Policy."""
    _CSP_VIOLATIONS.clear()
    yield
    if _CSP_VIOLATIONS:
        found = "\n".join(dict.fromkeys(_CSP_VIOLATIONS))
        _CSP_VIOLATIONS.clear()
        pytest.fail(f"Content Security Policy violations in the browser console:\n{found}", pytrace=False)


def _context(browser, base_url: str, **options):
    context = browser.new_context(base_url=base_url, accept_downloads=True, locale="pt-BR", **options)
    context.set_default_timeout(15_000)
    context.on("console", _watch_csp)
    return context


@pytest.fixture
def page(browser, live_server_url):
    """A desktop-sized tab in a fresh browser context (no cookies)."""
    context = _context(browser, live_server_url, viewport=DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def mobile_page(browser, live_server_url):
    """A phone-sized tab (390×844, touch) in a fresh browser context."""
    context = _context(
        browser, live_server_url, viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def new_context(browser, live_server_url):
    """Open more fresh browser contexts (another visitor) inside a test; all closed afterwards."""
    contexts = []

    def make(**options):
        contexts.append(_context(browser, live_server_url, viewport=DESKTOP, **options))
        return contexts[-1]

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
