"""The user's own data on the real stack: "download my data" built by the Celery worker and fetched
over HTTP, "delete my account" through the form; and both on S3 (moto's server on loopback), where
every file of the account must leave the bucket.
"""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from tests.integration.conftest import Stack, log_in
from tests.integration.test_s3_exports import BUCKET, _keys, s3, s3_endpoint  # noqa: F401

pytestmark = [pytest.mark.integration]

HTMX = {"HX-Request": "true"}
BUILD_TIMEOUT = 120


def _new_parent(stack: Stack) -> tuple[requests.Session, str, str]:
    email, password = f"privacy-{uuid.uuid4().hex[:8]}@fabrica.local", "uma-senha-bem-longa-2026"
    stack.manage(
        "shell",
        "-c",
        "from allauth.account.models import EmailAddress\n"
        "from accounts.models import Tier, User\n"
        f"user = User.objects.create_user(email={email!r}, password={password!r},\n"
        "    tier=Tier.default(), language='en')\n"
        "EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)\n",
    )
    return log_in(stack, email, password), email, password


def _post(session: requests.Session, url: str, data: dict | None = None, **kwargs) -> requests.Response:
    headers = {"X-CSRFToken": session.cookies["csrftoken"], "Referer": url, **kwargs.pop("headers", {})}
    return session.post(url, data=data or {}, headers=headers, timeout=10, allow_redirects=False, **kwargs)


def _wait_for_link(session: requests.Session, stack: Stack) -> str:
    status_url = f"{stack.base_url}/me/data-export/status/"
    deadline = time.monotonic() + BUILD_TIMEOUT
    while time.monotonic() < deadline:
        fragment = session.get(status_url, headers=HTMX, timeout=10).text
        assert 'data-export-status="failed"' not in fragment, fragment
        if "data-export-download" in fragment:
            start = fragment.index('href="', fragment.index("data-export-download") - 200) + len('href="')
            return fragment[start : fragment.index('"', start)]
        time.sleep(0.5)
    raise AssertionError("the data export was not ready in time")


def test_download_my_data_then_delete_my_account_on_the_real_stack(stack, other_parent):
    session, email, password = _new_parent(stack)
    started = _post(session, f"{stack.base_url}/me/data-export/", headers=HTMX)
    assert started.status_code == 202 and 'hx-trigger="every 2s"' in started.text
    busy = _post(session, f"{stack.base_url}/me/data-export/")
    assert busy.status_code in (302, 409)  # 409 while the worker is still on it

    link = _wait_for_link(session, stack)
    download = session.get(f"{stack.base_url}{link}", timeout=30)
    assert download.status_code == 200 and download.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["email"] == email and data["books"] == []
    assert other_parent.get(f"{stack.base_url}{link}", timeout=10).status_code == 404

    wrong = _post(session, f"{stack.base_url}/me/delete/", {"password": "not-it"})
    assert wrong.status_code == 400 and "That is not your password." in wrong.text
    deleted = _post(session, f"{stack.base_url}/me/delete/", {"password": password})
    assert deleted.status_code == 302 and deleted.headers["Location"] == "/"
    assert session.get(f"{stack.base_url}/me/", allow_redirects=False, timeout=10).status_code == 302
    again = requests.Session()
    login_url = f"{stack.base_url}/accounts/login/"
    again.get(login_url, timeout=10)
    refused = again.post(
        login_url,
        data={"login": email, "password": password, "csrfmiddlewaretoken": again.cookies["csrftoken"]},
        headers={"Referer": login_url},
        allow_redirects=False,
        timeout=10,
    )
    assert refused.status_code == 200  # the form again, with an error: the account is gone


@pytest.mark.django_db
def test_on_s3_the_archive_holds_the_pictures_and_deleting_the_account_empties_the_bucket(
    s3,  # noqa: F811
    owner,
    other_user,
    owner_client,
    django_capture_on_commit_callbacks,
    celery_eager,
):
    from accounts.models import DataExport
    from accounts.privacy import data_export_build
    from exports.services import export_request
    from exports.tests.factories import generated_book

    book = generated_book(owner=owner)
    others = generated_book(owner=other_user)
    with django_capture_on_commit_callbacks(execute=True):
        export_request(book=book, format="zip")
    export = data_export_build(data_export_id=DataExport.objects.create(user=owner).id)
    assert _keys(s3, f"data-exports/{owner.pk}/") == [export.file.name]

    response = owner_client.get(reverse("accounts:data_export_download", args=[export.id]))
    assert response.status_code == 302
    presigned = response["Location"]
    assert "X-Amz-Signature" in parse_qs(urlsplit(presigned).query)
    archive = zipfile.ZipFile(io.BytesIO(requests.get(presigned, timeout=10).content))
    data = json.loads(archive.read("data.json"))
    pages = data["books"][0]["pages"]
    for page in pages:
        stored = s3.get_object(Bucket=BUCKET, Key=book.pages.get(number=page["number"]).image.name)
        assert archive.read(page["image_file"]) == stored["Body"].read()
    assert data["missing_files"] == []

    owned = [
        key for key in _keys(s3, "") if str(book.id) in key or key.startswith(f"data-exports/{owner.pk}/")
    ]
    assert len(owned) >= len(pages) + 3  # pages, cover, the ZIP export, the data archive
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            owner_client.post(
                reverse("accounts:delete_account"), {"password": "a-long-passphrase-1"}
            ).status_code
            == 302
        )
    left = set(_keys(s3, ""))
    assert not left & set(owned)
    assert [key for key in left if str(others.id) in key]  # someone else's pictures stay


def _pages_running(stack: Stack, book_id: str) -> int:
    code = (
        "from books.models import Page\n"
        f"print(Page.objects.filter(book_id={book_id!r}, status='running').count())"
    )
    return int(stack.manage("shell", "-c", code).strip().splitlines()[-1])


def test_deleting_the_account_while_pages_are_drawing_leaves_no_picture_behind(stack):
    """Pages the worker is drawing when the account goes are written after the deletion; they
    must not stay on disk (the task discards what it wrote for a page that no longer exists)."""
    from tests.integration.conftest import book_post

    media = stack.tmp / "media"
    with stack.worker_env(AI_OFFLINE_IMAGE_DELAY="3"):
        session, _email, password = _new_parent(stack)
        book_id = book_post(session, stack, num_pages="5", theme="um polvo que aprende a nadar")
        deadline = time.monotonic() + BUILD_TIMEOUT
        while _pages_running(stack, book_id) == 0:
            assert time.monotonic() < deadline, "no page started drawing"
            time.sleep(0.3)
        deleted = _post(session, f"{stack.base_url}/me/delete/", {"password": password})
        assert deleted.status_code == 302
        time.sleep(8)  # the pictures in flight (3 s each) are saved, then found orphaned

        left = [path for path in media.rglob("*") if book_id in str(path)]
        assert left == [], left
