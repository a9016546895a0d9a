"""The audit log and analytics on the real stack: sign-ins through allauth on uvicorn land in
PostgreSQL with the client's address, and the daily-totals task runs in the Celery worker."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import requests

from tests.integration.conftest import Stack, book_post, log_in

pytestmark = [pytest.mark.integration]
PASSWORD = "uma-senha-bem-longa-2026"


def _shell(stack: Stack, code: str):
    """Run ``code`` in the stack's Django and return what it printed, as JSON."""
    return json.loads(stack.manage("shell", "-c", code).strip().splitlines()[-1])


def _new_user(stack: Stack, *, consent: bool) -> str:
    email = f"audit-{uuid.uuid4().hex[:8]}@fabrica.local"
    stack.manage(
        "shell",
        "-c",
        "from accounts.models import Tier, User\n"
        f"User.objects.create_user(email={email!r}, password={PASSWORD!r}, tier=Tier.default(),"
        f" analytics_consent={consent})\n",
    )
    return email


def _entries(stack: Stack, email: str) -> list[dict]:
    return _shell(
        stack,
        "import json\nfrom audit.models import AuditEntry\n"
        f"print(json.dumps(list(AuditEntry.objects.filter(actor_label={email!r}).order_by('id')"
        ".values('action', 'ip', 'user_agent'))))",
    )


def test_sign_ins_and_failed_sign_ins_are_recorded_with_the_address(stack):
    email = _new_user(stack, consent=False)
    login_url = f"{stack.base_url}/accounts/login/"
    stranger = requests.Session()
    stranger.get(login_url, timeout=10)
    stranger.post(
        login_url,
        data={"login": email, "password": "not-it", "csrfmiddlewaretoken": stranger.cookies["csrftoken"]},
        headers={"Referer": login_url},
        timeout=10,
    )
    log_in(stack, email, PASSWORD)

    entries = _entries(stack, email)

    assert [entry["action"] for entry in entries] == ["auth.login_failed", "auth.login"]
    assert all(entry["ip"] == "127.0.0.1" and "python-requests" in entry["user_agent"] for entry in entries)


def test_a_consenting_users_book_is_counted_by_the_workers_daily_task(stack):
    agreed, declined = _new_user(stack, consent=True), _new_user(stack, consent=False)
    for email in (agreed, declined):
        book_post(log_in(stack, email, PASSWORD), stack)
    assert _events(stack, agreed) == 1 and _events(stack, declined) == 0

    stack.manage("shell", "-c", "from analytics.tasks import analytics_daily; analytics_daily.delay()")

    deadline = time.monotonic() + 60
    while _daily(stack) != _events(stack) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _daily(stack) == _events(stack) >= 1


def _events(stack: Stack, email: str | None = None) -> int:
    """Books created today by users who agreed (by ``email`` if given)."""
    who = f"user__email={email!r}" if email else ""
    return _shell(
        stack,
        "from django.utils import timezone\nfrom analytics.models import AnalyticsEvent\n"
        "today = AnalyticsEvent.objects.filter(name='book_created', created_at__date=timezone.localdate())\n"
        f"print(today.filter({who}).count())",
    )


def _daily(stack: Stack) -> int:
    return _shell(
        stack,
        "from django.utils import timezone\nfrom analytics.models import AnalyticsDaily\n"
        "row = AnalyticsDaily.objects.filter(day=timezone.localdate(), name='book_created').first()\n"
        "print(row.count if row else 0)",
    )


def test_deleting_the_account_leaves_nothing_of_the_person_in_the_audit_log(stack):
    """On PostgreSQL (jsonb details), through the real sign-in and delete forms."""
    email = _new_user(stack, consent=False)
    login_url = f"{stack.base_url}/accounts/login/"
    stranger = requests.Session()
    stranger.get(login_url, timeout=10)
    stranger.post(
        login_url,
        data={"login": email, "password": "not-it", "csrfmiddlewaretoken": stranger.cookies["csrftoken"]},
        headers={"Referer": login_url},
        timeout=10,
    )
    session = log_in(stack, email, PASSWORD)
    book_post(session, stack, num_pages="5", title="O Livro Secreto da Família")
    user_id = _shell(stack, f"from accounts.models import User\nprint(User.objects.get(email={email!r}).pk)")
    assert len(_entries(stack, email)) >= 2

    delete_url = f"{stack.base_url}/me/delete/"
    deleted = session.post(
        delete_url,
        data={"password": PASSWORD},
        headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": delete_url},
        allow_redirects=False,
        timeout=10,
    )
    assert deleted.status_code == 302

    rows = _shell(
        stack,
        "import json\nfrom audit.models import AuditEntry\n"
        "print(json.dumps([json.dumps(row, default=str) for row in AuditEntry.objects.values()]))",
    )
    assert not [row for row in rows if email in row or "O Livro Secreto" in row]
    assert not [row for row in rows if json.loads(row)["actor_id"] == user_id]
