"""Exports on S3: built, stored, downloaded through a presigned URL and cleaned up, against a real
S3-protocol server on loopback (moto in server mode), not a mocked boto3.

Without moto installed these tests skip, unless CI=true demands them.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "fabrica-exports-test"
CREDENTIALS = {"access_key": "integration", "secret_key": "integration-secret"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on 127.0.0.1, in a thread of this process, speaking real HTTP."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"integration: CI=true but moto[server] is not installed ({exc})", pytrace=False)
        pytest.skip("integration: moto[server] not installed (pip install -r requirements-dev.txt)")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings):
    """Pictures and exports on S3, as settings.py configures them when AWS_STORAGE_BUCKET_NAME is set."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": s3_endpoint,
            "region_name": "us-east-1",
            "signature_version": "s3v4",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            **CREDENTIALS,
        },
    }
    settings.STORAGES = {**settings.STORAGES, "default": storage, "exports": storage}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client, prefix: str) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]


def test_an_export_is_stored_in_the_bucket_and_downloaded_through_a_presigned_url(
    s3, owner, owner_client, celery_eager, django_capture_on_commit_callbacks
):
    from exports.models import Export
    from exports.services import export_request, exports_delete_expired
    from exports.tests.factories import generated_book

    book = generated_book(owner=owner)
    pictures = [key for key in _keys(s3, "books/") if str(book.id) in key]
    assert len(pictures) == 6  # the pictures themselves are in the bucket

    with django_capture_on_commit_callbacks(execute=True):
        export_request(book=book, format="print", paper="a4")
    export = Export.objects.get()
    assert export.status == Export.Status.READY
    assert _keys(s3, "exports/") == [f"exports/{book.id}/{export.id}.pdf"]
    stored = s3.get_object(Bucket=BUCKET, Key=export.file.name)["Body"].read()
    assert stored.startswith(b"%PDF") and len(stored) == export.size_bytes

    url = reverse("exports:file", args=[book.id, "print"]) + "?paper=a4"
    response = owner_client.get(url)
    assert response.status_code == 302
    presigned = response["Location"]
    query = parse_qs(urlsplit(presigned).query)
    assert presigned.startswith(f"{s3.meta.endpoint_url}/{BUCKET}/exports/")
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
    download = requests.get(presigned, timeout=10)
    assert download.status_code == 200 and download.content == stored
    assert (
        download.headers["Content-Disposition"]
        == 'attachment; filename="julia-e-o-jardim-magico-print-a4.pdf"'
    )
    assert download.headers["Content-Type"] == "application/pdf"
    export.refresh_from_db()
    assert export.download_count == 1

    Export.objects.filter(id=export.id).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert exports_delete_expired() == 1
    assert _keys(s3, "exports/") == []


def test_another_users_export_is_not_handed_out(s3, other_user, owner_client):
    from exports.tests.factories import generated_book

    book = generated_book(owner=other_user)
    response = owner_client.get(reverse("exports:file", args=[book.id, "zip"]))
    assert response.status_code == 404


def test_setting_a_bucket_switches_pictures_and_exports_to_s3():
    code = (
        "from django.conf import settings\n"
        "for alias in ('default', 'exports'):\n"
        "    backend, options = settings.STORAGES[alias]['BACKEND'], settings.STORAGES[alias]['OPTIONS']\n"
        "    print(alias, backend, options['bucket_name'], options['endpoint_url'])\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fabrica.settings",
        "AWS_STORAGE_BUCKET_NAME": "livros",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.splitlines() == [
        "default storages.backends.s3.S3Storage livros http://127.0.0.1:9000",
        "exports storages.backends.s3.S3Storage livros http://127.0.0.1:9000",
    ]
