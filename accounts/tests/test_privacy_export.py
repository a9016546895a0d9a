"""Consents and "download my data": the ZIP's real contents, the owner-only link, expiry and cleanup."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import DataExport
from accounts.privacy import data_export_build, data_export_request, data_exports_cleanup
from accounts.privacy_data import webhook_model
from accounts.tokens import api_token_create
from books.models import Book
from books.sharing import share_link_create
from exports.models import Export
from gamification.tests.factories import book_generated

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
START = reverse("accounts:data_export_start")
STATUS = reverse("accounts:data_export_status")
HTMX = {"HTTP_HX_REQUEST": "true"}


def png(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (8, 10), shade).save(out, format="PNG")
    return out.getvalue()


def book_with_files(owner) -> Book:
    """A finished book whose cover, pages and print PDF are really in storage."""
    book = book_generated(owner)
    book.title = "Dino Party"
    book.cover_image.save(f"books/{book.id}/cover-abc.png", ContentFile(png(1)), save=False)
    book.save()
    for page in book.pages.all():
        page.image.save(f"books/{book.id}/page-{page.number:02d}-abc.png", ContentFile(png(page.number)))
    export = Export.objects.create(book=book, format="print", content_hash="h", status=Export.Status.READY)
    export.file.save(f"{book.id}/{export.id}.pdf", ContentFile(b"%PDF-1.4 dino"))
    return book


def built(user) -> DataExport:
    export = DataExport.objects.create(user=user)
    return data_export_build(data_export_id=export.id)


def archive(export: DataExport) -> zipfile.ZipFile:
    with export.file.open("rb") as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


# --- Consents ------------------------------------------------------------------------------------


def test_the_profile_explains_both_consents_and_both_start_off(owner_client):
    page = owner_client.get(PROFILE).content.decode()
    assert 'id="privacy"' in page
    assert 'name="marketing_consent"' in page and 'name="analytics_consent"' in page
    assert "without your name or email" in page
    assert "checked" not in page.split('id="privacy"')[1].split("</form>")[0]


def test_consents_are_saved_and_can_be_taken_back(owner_client, owner):
    response = owner_client.post(reverse("accounts:consents"), {"analytics_consent": "on"})
    assert response.status_code == 302 and response["Location"].endswith("#privacy")
    owner.refresh_from_db()
    assert owner.analytics_consent and not owner.marketing_consent
    owner_client.post(reverse("accounts:consents"), {"marketing_consent": "on"})
    owner.refresh_from_db()
    assert owner.marketing_consent and not owner.analytics_consent


# --- Starting and following an export ------------------------------------------------------------


def test_asking_for_my_data_queues_one_export(owner_client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = owner_client.post(START)
    assert response.status_code == 302 and response["Location"].endswith("#privacy")
    assert DataExport.objects.filter(user=owner, status=DataExport.Status.PENDING).count() == 1
    assert len(callbacks) == 1  # the Celery job, sent once the row is committed


def test_a_second_request_while_one_is_running_is_refused(owner_client, owner):
    data_export_request(user=owner)
    response = owner_client.post(START)
    assert response.status_code == 409
    assert "already being prepared" in response.content.decode()
    htmx = owner_client.post(START, **HTMX)
    assert htmx.status_code == 200  # htmx swaps only 2xx; the fragment carries the refusal
    assert "data-export-error" in htmx.content.decode()
    assert DataExport.objects.filter(user=owner).count() == 1


def test_an_export_stuck_for_hours_does_not_block_a_new_one(owner):
    stuck = data_export_request(user=owner)
    DataExport.objects.filter(id=stuck.id).update(created_at=timezone.now() - timedelta(hours=2))
    data_export_request(user=owner)
    stuck.refresh_from_db()
    assert stuck.status == DataExport.Status.FAILED
    assert DataExport.objects.running().filter(user=owner).count() == 1


def test_the_status_fragment_polls_while_building_and_offers_the_link_when_ready(owner_client, owner):
    export = data_export_request(user=owner)
    running = owner_client.get(STATUS, **HTMX).content.decode()
    assert 'hx-trigger="every 2s"' in running and "data-export-download" not in running
    data_export_build(data_export_id=export.id)
    ready = owner_client.get(STATUS, **HTMX).content.decode()
    assert "every 2s" not in ready
    assert reverse("accounts:data_export_download", args=[export.id]) in ready
    assert owner_client.get(STATUS).status_code == 302  # no HTMX: the profile page


def test_the_whole_job_runs_from_the_button(
    owner_client, owner, celery_eager, django_capture_on_commit_callbacks
):
    book_with_files(owner)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(START, **HTMX)
    export = DataExport.objects.get(user=owner)
    assert export.status == DataExport.Status.READY and export.is_downloadable
    assert "data.json" in archive(export).namelist()


# --- What is in the ZIP ---------------------------------------------------------------------------


def test_the_zip_holds_my_profile_books_pages_and_their_pictures(owner):
    owner.analytics_consent = True
    owner.save()
    book = book_with_files(owner)
    zf = archive(built(owner))
    data = json.loads(zf.read("data.json"))
    assert data["profile"]["email"] == owner.email
    assert data["profile"]["consents"] == {"marketing_emails": False, "analytics": True}
    [row] = data["books"]
    assert row["title"] == "Dino Party" and len(row["pages"]) == book.num_pages
    first = row["pages"][0]
    assert first["text"] == "Page 1 text." and first["illustration_prompt"] == "a dinosaur, scene 1"
    for page in row["pages"]:
        assert zf.read(page["image_file"]) == png(page["number"])
        assert Image.open(io.BytesIO(zf.read(page["image_file"]))).size == (8, 10)
    assert row["cover_file"].endswith("/cover.png") and zf.read(row["cover_file"]) == png(1)
    [pdf] = [export["file"] for export in row["exports"]]
    assert pdf.startswith(row["folder"] + "/files/") and zf.read(pdf) == b"%PDF-1.4 dino"
    assert row["folder"].startswith("books/01-dino-party")
    assert data["missing_files"] == []
    assert "README.txt" in zf.namelist()


def test_every_file_in_the_zip_has_its_own_name(owner):
    book = book_with_files(owner)
    older = Export.objects.create(book=book, format="print", content_hash="old", status=Export.Status.READY)
    older.file.save(f"{book.id}/{older.id}.pdf", ContentFile(b"%PDF-1.4 the first version"))
    zf = archive(built(owner))
    names = zf.namelist()
    assert len(names) == len(set(names))
    [row] = json.loads(zf.read("data.json"))["books"]
    pdfs = {export["file"] for export in row["exports"]}
    assert len(pdfs) == 2 and {zf.read(name) for name in pdfs} == {
        b"%PDF-1.4 dino",
        b"%PDF-1.4 the first version",
    }


def test_the_zip_holds_xp_badges_missions_tokens_and_share_links_but_no_secrets(owner):
    book = book_generated(owner)
    token, raw_key = api_token_create(user=owner, name="laptop script")
    link = share_link_create(book=book, expiry="7d")
    zf = archive(built(owner))
    text = zf.read("data.json").decode()
    data = json.loads(text)
    game = data["gamification"]
    assert sum(event["amount"] for event in game["xp_ledger"]) == game["totals"]["xp"] > 0
    assert "first-book" in [badge["slug"] for badge in game["badges"]]
    assert isinstance(game["missions"], list)
    assert data["api_tokens"] == [
        {"name": "laptop script", "prefix": token.prefix, "created_at": data["api_tokens"][0]["created_at"],
         "last_used_at": None, "revoked_at": None}
    ]  # fmt: skip
    assert data["books"][0]["share_links"][0]["state"] == "active"
    for secret in (raw_key, token.key_hash, link.token):
        assert secret not in text


def test_the_zip_lists_webhooks_without_their_secret(owner):
    model = webhook_model()
    if model is None:
        assert json.loads(archive(built(owner)).read("data.json"))["webhooks"] == []
        return
    model.objects.create(
        owner=owner, url="https://example.com/hook", events=["book.generated"], secret_encrypted="SECRET-X"
    )
    text = archive(built(owner)).read("data.json").decode()
    [hook] = json.loads(text)["webhooks"]
    assert hook["url"] == "https://example.com/hook" and hook["events"] == ["book.generated"]
    assert "SECRET-X" not in text


def test_the_zip_holds_my_usage_statistics_when_that_app_records_them(owner):
    from django.apps import apps

    if not apps.is_installed("analytics"):
        assert json.loads(archive(built(owner)).read("data.json"))["usage_statistics"] == []
        return
    model = apps.get_model("analytics", "AnalyticsEvent")
    model.objects.create(name="book_created", user=owner, properties={"pages": 5})
    [event] = json.loads(archive(built(owner)).read("data.json"))["usage_statistics"]
    assert event["name"] == "book_created" and event["properties"] == {"pages": 5}


def test_a_picture_missing_from_storage_is_listed_not_fatal(owner):
    book = book_with_files(owner)
    page = book.pages.get(number=2)
    page.image.storage.delete(page.image.name)
    zf = archive(built(owner))
    data = json.loads(zf.read("data.json"))
    assert data["missing_files"] == [data["books"][0]["pages"][1]["image_file"]]


def test_building_twice_builds_once(owner):
    export = built(owner)
    assert data_export_build(data_export_id=export.id) is None
    assert DataExport.objects.get(id=export.id).file.name == export.file.name


def test_a_new_copy_replaces_the_old_one(owner, django_capture_on_commit_callbacks):
    old = built(owner)
    storage, name = old.file.storage, old.file.name
    with django_capture_on_commit_callbacks(execute=True):
        new = built(owner)
    assert list(DataExport.objects.filter(user=owner)) == [new]
    assert not storage.exists(name)


# --- Downloading ---------------------------------------------------------------------------------


def test_only_the_owner_can_download_it(owner_client, owner, other_user, client):
    export = built(owner)
    url = reverse("accounts:data_export_download", args=[export.id])
    response = owner_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("data.json")
    owner_client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(other_user)
    assert client.get(url).status_code == 404


def test_an_expired_link_is_gone(owner_client, owner):
    export = built(owner)
    DataExport.objects.filter(id=export.id).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert owner_client.get(reverse("accounts:data_export_download", args=[export.id])).status_code == 404


def test_the_link_lasts_the_configured_days(owner, settings):
    settings.DATA_EXPORT_TTL_DAYS = 3
    export = built(owner)
    assert timedelta(days=2, hours=23) < export.expires_at - timezone.now() <= timedelta(days=3)


# --- Cleanup -------------------------------------------------------------------------------------


def test_cleanup_deletes_expired_files_and_rows_only(owner, other_user, django_capture_on_commit_callbacks):
    expired, fresh = built(owner), built(other_user)
    DataExport.objects.filter(id=expired.id).update(expires_at=timezone.now() - timedelta(seconds=1))
    storage = expired.file.storage
    assert data_exports_cleanup(dry_run=True) == 1 and DataExport.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert data_exports_cleanup() == 1
    assert not storage.exists(expired.file.name)
    assert storage.exists(fresh.file.name)
    assert list(DataExport.objects.all()) == [fresh]
    assert data_exports_cleanup() == 0


def test_failed_attempts_are_cleaned_up_after_the_link_period(owner, settings):
    failed = DataExport.objects.create(user=owner, status=DataExport.Status.FAILED)
    assert data_exports_cleanup() == 0
    DataExport.objects.filter(id=failed.id).update(created_at=timezone.now() - timedelta(days=8))
    assert data_exports_cleanup() == 1 and not DataExport.objects.exists()


def test_staff_see_data_exports_in_the_admin_but_cannot_open_them(client, owner, django_user_model):
    export = built(owner)
    staff = django_user_model.objects.create_superuser(
        email="staff@example.com", password="x-long-passphrase"
    )
    client.force_login(staff)
    listing = client.get(reverse("admin:accounts_dataexport_changelist"))
    assert listing.status_code == 200 and owner.email in listing.content.decode()
    detail = client.get(reverse("admin:accounts_dataexport_change", args=[export.id])).content.decode()
    assert reverse("accounts:data_export_download", args=[export.id]) not in detail
    assert export.file.name not in detail
