"""Operations on the real stack: the readiness probe against real PostgreSQL and Redis."""

from __future__ import annotations

import pytest
import requests

from tests.integration.conftest import BIN, _free_port, _start, _stop, _wait_for

pytestmark = pytest.mark.integration


def test_readyz_is_ok_on_the_running_stack(stack):
    response = requests.get(f"{stack.base_url}/readyz", timeout=10)

    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"}


def test_readyz_names_redis_when_it_points_at_a_closed_port(stack):
    port, closed = _free_port(), _free_port()
    env = {**stack.env, "REDIS_URL": f"redis://127.0.0.1:{closed}/15"}
    server, _ = _start(
        "uvicorn-no-redis",
        [
            str(BIN / "uvicorn"), "fabrica.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--lifespan", "off",
        ],
        env,
        stack.tmp,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for("uvicorn without Redis (/healthz)", lambda: _answers(f"{base_url}/healthz"), [server])
        response = requests.get(f"{base_url}/readyz", timeout=15)
    finally:
        _stop(server)

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache", "broker"]
    assert body["checks"]["database"] == "ok"


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False
