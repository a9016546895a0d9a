"""schemathesis over ``/api/schema/`` on the live stack: no 5xx, and every answer is what the schema says.

Every operation of the schema is exercised with a valid Bearer token: schemathesis's examples,
coverage and fuzzing phases, positive and negative data, a bounded number of examples per
operation and a fixed seed (``derandomize``), so a CI run is reproducible. The checks are the
server never answering 5xx and each response's status code, content type, headers and body being
the ones documented for the operation.

Random ids only ever reach the 404 branch, so most cases that name a book, page, export or share
link are pointed at real ones (made through the API beforehand) and the rest keep the generated
value: both the 404s and the real answers (200, 202, 204, 409, PNG pictures) are checked.

The API's own limits are raised for this run only, on a second uvicorn over the same database,
Redis and Celery worker: the per-user throttles through ``API_RATE_LIMIT``/``API_BOOK_CREATE_RATE``
in its environment, the daily quota and books-at-once limit through the test user's overrides.
Otherwise 429 (which is documented, so it would pass) would answer nearly every case.
"""

from __future__ import annotations

import json
import time
import zlib
from collections import Counter
from dataclasses import dataclass

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integration.conftest import BIN, Stack, _free_port, _healthz_ok, _start, _stop, _wait_for

pytestmark = [pytest.mark.integration]

EMAIL = "schemathesis@fabrica.local"
MAX_EXAMPLES = 10
GENERATION_TIMEOUT = 120
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Per user; the defaults (120/min, 10/min) would turn most of this run into 429s.
UNTHROTTLED = {"API_RATE_LIMIT": "100000/min", "API_BOOK_CREATE_RATE": "100000/min"}


@dataclass(frozen=True)
class Objects:
    """Real objects of the test user's, to aim the generated cases at."""

    book: str  # generated; edited, exported, shared and redrawn by the cases
    spare: str  # generated; the one DELETE trashes and /restore/ brings back
    pages: int
    export: str
    share_token: str


@pytest.fixture(scope="module")
def api_base_url(stack: Stack):
    """A second uvicorn on the same database, Redis and worker, with the API's throttles raised."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    server, _ = _start(
        "uvicorn-schemathesis",
        [
            str(BIN / "uvicorn"), "fabrica.asgi:application", "--host", "127.0.0.1", "--port", str(port),
            "--lifespan", "off",
        ],
        {**stack.env, **UNTHROTTLED},
        stack.tmp,
    )  # fmt: skip
    try:
        _wait_for("uvicorn for schemathesis (/healthz)", lambda: _healthz_ok(base_url), [server])
        yield base_url
    finally:
        _stop(server)


@pytest.fixture(scope="module")
def token(stack: Stack) -> str:
    """A user whose quotas do not get in the way, and a personal token of theirs."""
    stack.manage(
        "shell",
        "-c",
        "from accounts.models import Tier, User\n"
        f"User.objects.create_user(email={EMAIL!r}, password='schemathesis-2026', tier=Tier.default(),\n"
        "    daily_requests_override=100000, max_concurrent_books_override=1000)\n",
    )
    return stack.manage("api_token", EMAIL, "--name", "schemathesis").strip()


def _poll(session: requests.Session, url: str, done: tuple[str, ...]) -> dict:
    deadline = time.monotonic() + GENERATION_TIMEOUT
    while True:
        body = session.get(url, timeout=10).json()
        if body["status"] in done:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"{url} still {body['status']} after {GENERATION_TIMEOUT} s")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def objects(api_base_url: str, token: str) -> Objects:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    books = []
    for theme in ("uma coruja que conta estrelas", "um barco de papel"):
        made = session.post(
            f"{api_base_url}/api/v1/books/",
            json={"style": "cartoon", "num_pages": 5, "theme": theme},
            timeout=10,
        )
        assert made.status_code == 202, made.text
        books.append(made.headers["Location"])
    book, spare = (_poll(session, url, ("generated", "failed")) for url in books)
    assert book["status"] == spare["status"] == "generated", (book["error"], spare["error"])
    asked = session.post(
        f"{api_base_url}/api/v1/books/{book['id']}/exports/", json={"format": "zip"}, timeout=10
    )
    assert asked.status_code in (200, 202), asked.text
    export = _poll(session, asked.headers["Location"], ("ready", "failed"))
    assert export["status"] == "ready", export["error"]
    shared = session.post(
        f"{api_base_url}/api/v1/books/{book['id']}/share/", json={"expiry": "7d"}, timeout=10
    )
    assert shared.status_code == 201, shared.text
    return Objects(
        book=book["id"],
        spare=spare["id"],
        pages=len(book["pages"]),
        export=export["id"],
        share_token=shared.json()["token"],
    )


@pytest.fixture(scope="module")
def api_schema(api_base_url: str, token: str):
    schema = schemathesis.openapi.from_url(f"{api_base_url}/api/schema/?format=json", timeout=30)
    schema.config.update(base_url=api_base_url, headers={"Authorization": f"Bearer {token}"})
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    # schemathesis 4.32's lazy schemas read and write ``node._nodeid``, which pytest 9.2's nodes no
    # longer have (their id is ``nodeid``): give the test node one so the per-operation subtests run.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


def _aim(case, objects: Objects) -> None:
    """Point three cases in four at the user's real objects; the fourth keeps its generated (404) value.

    The choice hangs on the generated values, so it is as reproducible as they are.
    """
    params = case.path_parameters
    if not params or zlib.crc32(json.dumps(params, sort_keys=True, default=str).encode()) % 4 == 0:
        return
    if "book_id" in params:
        trashing = case.operation.method.upper() == "DELETE" and case.operation.path.endswith("{book_id}/")
        restoring = case.operation.path.endswith("/restore/")
        params["book_id"] = objects.spare if trashing or restoring else objects.book
    if isinstance(params.get("number"), int) and not isinstance(params["number"], bool):
        params["number"] = params["number"] % objects.pages + 1
    if "key" in params:
        params["key"] = objects.share_token
    if "export_id" in params:
        params["export_id"] = objects.export


# Requests sent, by operation: printed at the end of the run (the report's operations and examples).
CALLS: Counter[str] = Counter()


@pytest.fixture(scope="module")
def run_report(request):
    started = time.monotonic()
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None or capture is None or not CALLS:
        return
    counts, seconds = sorted(CALLS.values()), time.monotonic() - started
    with capture.global_and_fixture_disabled():  # teardown output is captured otherwise
        reporter.write_line(
            f"\nschemathesis: {len(counts)} operations, {sum(counts)} requests "
            f"({counts[0]} to {counts[-1]} an operation) in {seconds:.0f} s"
        )


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_the_schema_says(case, objects, run_report):
    _aim(case, objects)
    CALLS[case.operation.label] += 1
    case.call_and_validate(checks=CHECKS, timeout=30)
