import os
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from books.catalog import catalog_seed
from books.covers import cover_thumbnail, cover_thumbnail_name
from books.models import Book, GenerationJob, ShareLink
from books.quotas import quota_usage
from books.sharing import share_link_create, share_link_revoke
from books.tasks import book_purge, books_trash_purge
from books.tests.factories import book_factory
from exports.models import Export
from exports.tests.factories import generated_book

pytestmark = pytest.mark.django_db


def _trashed(owner, *, days_ago: float = 0, **fields) -> Book:
    deleted_at = timezone.now() - timedelta(days=days_ago)
    return book_factory(owner=owner, status=Book.Status.GENERATED, deleted_at=deleted_at, **fields)


def _book_with_files(owner) -> tuple[Book, list[str]]:
    """A finished book with pages, thumbnails, a cover, its thumbnail and a built PDF in storage."""
    book = generated_book(owner=owner)
    for page in book.pages.all():
        page.thumbnail.save(f"books/{book.id}/page-{page.number:02d}-thumb.png", ContentFile(b"png"))
    cover_thumbnail(book).close()
    export = Export.objects.create(book=book, content_hash="x", status=Export.Status.READY)
    export.file.save(f"{book.id}/{export.id}.pdf", ContentFile(b"%PDF-1.7"))
    names = [book.cover_image.name, cover_thumbnail_name(book)]
    for page in book.pages.all():
        names += [page.image.name, page.thumbnail.name]
    assert all(default_storage.exists(name) for name in names)
    assert export.file.storage.exists(export.file.name)
    return book, [*names, export.file.name]


def test_deleting_asks_first_without_javascript(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATED, title="Dino Day")
    detail = owner_client.get(reverse("books:detail", args=[book.id])).content.decode()
    assert f'href="{reverse("books:delete", args=[book.id])}"' in detail
    response = owner_client.get(reverse("books:delete", args=[book.id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Move “Dino Day” to the trash?" in html
    assert f'method="post" action="{reverse("books:delete", args=[book.id])}"' in html
    book.refresh_from_db()
    assert book.deleted_at is None


def test_a_deleted_book_leaves_the_library_and_waits_in_the_trash(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATED, title="Dino Day")
    response = owner_client.post(reverse("books:delete", args=[book.id]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("books:list")
    assert "“Dino Day” is in the trash" in response.content.decode()
    book.refresh_from_db()
    assert book.deleted_at is not None
    assert "Dino Day" not in [b.display_title for b in response.context["page_obj"].object_list]
    assert owner_client.get(reverse("books:detail", args=[book.id])).status_code == 404
    trash = owner_client.get(reverse("books:trash")).content.decode()
    assert "Dino Day" in trash
    assert reverse("books:trash_restore", args=[book.id]) in trash


def test_a_book_being_drawn_cannot_be_deleted(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    response = owner_client.post(reverse("books:delete", args=[book.id]), follow=True)
    assert "You can delete it once it is ready" in response.content.decode()
    book.refresh_from_db()
    assert book.deleted_at is None


def test_restoring_brings_the_book_back(owner_client, owner):
    book = _trashed(owner, days_ago=3, title="Dino Day")
    response = owner_client.post(reverse("books:trash_restore", args=[book.id]), follow=True)
    assert "“Dino Day” is back in your library" in response.content.decode()
    book.refresh_from_db()
    assert book.deleted_at is None
    assert owner_client.get(reverse("books:detail", args=[book.id])).status_code == 200


def test_restoring_does_not_bring_back_the_books_old_share_links(owner_client, owner, client):
    book = generated_book(owner=owner)
    link = share_link_create(book=book, expiry=ShareLink.Expiry.NEVER)
    already_stopped = share_link_revoke(link=share_link_create(book=book, expiry=ShareLink.Expiry.WEEK))
    stopped_at = already_stopped.revoked_at
    owner_client.post(reverse("books:delete", args=[book.id]))
    owner_client.post(reverse("books:trash_restore", args=[book.id]))

    response = client.get(reverse("share:book", args=[link.token]))
    assert response.status_code == 410
    assert "has stopped sharing it" in response.content.decode()
    link.refresh_from_db()
    already_stopped.refresh_from_db()
    assert link.revoked_at is not None and already_stopped.revoked_at == stopped_at
    # A new link works: the book is shared again only when the parent asks.
    fresh = share_link_create(book=Book.objects.get(id=book.id), expiry=ShareLink.Expiry.WEEK)
    assert client.get(reverse("share:book", args=[fresh.token])).status_code == 200


def test_the_trash_says_when_each_book_goes_for_good(owner_client, owner):
    _trashed(owner, days_ago=10, title="Dino Day")
    html = owner_client.get(reverse("books:trash")).content.decode()
    purge_day = timezone.localdate() + timedelta(days=20)
    assert f"gone for good on {purge_day:%m/%d/%Y}" in html


def test_an_empty_trash_says_so(owner_client):
    assert "The trash is empty" in owner_client.get(reverse("books:trash")).content.decode()


def test_deleting_forever_asks_first_then_removes_the_book_and_every_file(
    owner_client, owner, settings, django_capture_on_commit_callbacks
):
    book, files = _book_with_files(owner)
    Book.objects.filter(id=book.id).update(deleted_at=timezone.now())
    url = reverse("books:trash_delete", args=[book.id])
    confirm = owner_client.get(url).content.decode()
    assert "forever?" in confirm and f'action="{url}"' in confirm
    assert Book.objects.filter(id=book.id).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url, follow=True)
    assert "was deleted for good" in response.content.decode()
    assert not Book.objects.filter(id=book.id).exists()
    assert not Export.objects.filter(book_id=book.id).exists()
    export_storage = Export._meta.get_field("file").storage
    assert [name for name in files if default_storage.exists(name) or export_storage.exists(name)] == []
    # Nor the folders named after the book (pictures, built files).
    folders = [Path(root).name for root, _dirs, _files in os.walk(settings.MEDIA_ROOT)]
    assert str(book.id) not in folders


def test_a_book_outside_the_trash_cannot_be_deleted_forever(owner_client, owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    assert owner_client.post(reverse("books:trash_delete", args=[book.id])).status_code == 404
    assert owner_client.post(reverse("books:trash_restore", args=[book.id])).status_code == 404
    assert Book.objects.filter(id=book.id, deleted_at__isnull=True).exists()


def test_another_users_trash_is_out_of_reach(client, owner, other_user):
    trashed = _trashed(owner, title="Mine")
    kept = book_factory(owner=owner, status=Book.Status.GENERATED)
    client.force_login(other_user)
    assert "Mine" not in client.get(reverse("books:trash")).content.decode()
    for url in (
        reverse("books:trash_restore", args=[trashed.id]),
        reverse("books:trash_delete", args=[trashed.id]),
        reverse("books:delete", args=[kept.id]),
    ):
        assert client.get(url).status_code in (404, 405)
        assert client.post(url).status_code == 404
    assert Book.objects.filter(id=trashed.id, deleted_at__isnull=False).exists()
    assert Book.objects.filter(id=kept.id, deleted_at__isnull=True).exists()


def test_a_visitor_is_sent_to_sign_in(client, owner):
    book = _trashed(owner)
    for url in (reverse("books:trash"), reverse("books:trash_restore", args=[book.id])):
        assert reverse("account_login") in client.post(url)["Location"]


def test_requests_made_today_still_count_after_deleting_forever(owner_client, owner):
    book = _trashed(owner)
    GenerationJob.objects.create(book=book, user=owner)
    before = quota_usage(user=owner).requests_today
    owner_client.post(reverse("books:trash_delete", args=[book.id]))
    assert not Book.objects.filter(id=book.id).exists()
    assert quota_usage(user=owner).requests_today == before == 1


def test_the_purge_deletes_books_after_30_days_in_the_trash(owner, celery_eager):
    old, _files = _book_with_files(owner)
    Book.objects.filter(id=old.id).update(deleted_at=timezone.now() - timedelta(days=31))
    recent = _trashed(owner, days_ago=29)
    alive = book_factory(owner=owner, status=Book.Status.GENERATED)
    assert books_trash_purge.delay().get() == 1
    assert set(Book.objects.values_list("id", flat=True)) == {recent.id, alive.id}


def test_the_purge_is_safe_to_run_twice(owner):
    book = _trashed(owner, days_ago=31)
    assert book_purge(str(book.id)) is True
    assert book_purge(str(book.id)) is False


def test_a_book_restored_before_its_purge_runs_is_kept(owner):
    book = _trashed(owner, days_ago=31)
    Book.objects.filter(id=book.id).update(deleted_at=None)
    assert book_purge(str(book.id)) is False
    assert Book.objects.filter(id=book.id).exists()


def test_the_purge_waits_the_full_30_days(owner):
    book = _trashed(owner)
    with time_machine.travel(timezone.now() + timedelta(days=29, hours=23)):
        assert books_trash_purge() == 0
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        assert book_purge(str(book.id)) is True


def test_the_purge_schedule_is_registered_once(catalog):
    catalog_seed()
    catalog_seed()
    task = PeriodicTask.objects.get(task="books.tasks.books_trash_purge")
    assert task.enabled and task.interval.every == 3600
