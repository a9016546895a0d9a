"""Staff disabling an account on the real stack: the disable runs in its own process (as the
admin's would in a web worker), the open WebSocket on uvicorn is closed through Redis, and the
share link stops answering until the account is enabled again."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from tests.integration.conftest import Stack, log_in, ws_headers

pytestmark = [pytest.mark.integration]
PASSWORD = "desativada-senha-longa-2026"


def _shell(stack: Stack, code: str):
    return json.loads(stack.manage("shell", "-c", code).strip().splitlines()[-1])


def _parent_with_a_shared_book(stack: Stack) -> tuple[str, str]:
    email = f"disabled-{uuid.uuid4().hex[:8]}@fabrica.local"
    token = _shell(
        stack,
        "import json\n"
        "from accounts.models import Tier, User\n"
        "from books.sharing import share_link_create\n"
        "from exports.tests.factories import generated_book\n"
        f"user = User.objects.create_user(email={email!r}, password={PASSWORD!r}, tier=Tier.default())\n"
        "link = share_link_create(book=generated_book(owner=user), expiry='7d')\n"
        "print(json.dumps(link.token))",
    )
    return email, token


def _set_active(stack: Stack, email: str, active: bool) -> None:
    service = "user_enable" if active else "user_disable"
    stack.manage(
        "shell",
        "-c",
        f"from accounts.backoffice import {service}\nfrom accounts.models import User\n"
        f"{service}(user=User.objects.get(email={email!r}))",
    )


def test_disabling_closes_the_socket_and_stops_the_share_until_enabled(stack):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    email, token = _parent_with_a_shared_book(stack)
    session = log_in(stack, email, PASSWORD)
    share = f"{stack.base_url}/s/{token}/"
    assert requests.get(share, timeout=10).status_code == 200

    url = f"{stack.ws_url}/ws/me/events/"
    with connect(url, additional_headers=ws_headers(session, stack), open_timeout=10) as socket:
        _set_active(stack, email, False)
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=15)
    assert closed.value.rcvd.code == 4403

    assert requests.get(share, timeout=10).status_code == 410
    assert requests.get(f"{share}download/", timeout=10).status_code == 410

    _set_active(stack, email, True)
    assert requests.get(share, timeout=10).status_code == 200
