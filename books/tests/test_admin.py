"""The generation monitor: staff retry, cancel and give requests back through the site's services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse

from ai.errors import ProviderError
from ai.providers import register_image_provider, unregister_provider
from ai.providers.offline import OfflineImageProvider
from books.admin import CANCEL_MESSAGE
from books.models import Book, GenerationJob, Page
from books.services import book_create
from books.tests.factories import book_factory

BOOKS = reverse("admin:books_book_changelist")
JOBS = reverse("admin:books_generationjob_changelist")


class RefusesPage3(OfflineImageProvider):
    name = "refuses-3"

    def __init__(self):
        self.refusing = True
        self.seeds: list[str] = []

    def generate_image(self, request):
        self.seeds.append(request.seed)
        if self.refusing and request.seed.endswith(":3"):
            raise ProviderError("The illustrator refused this scene.", transient=False)
        return super().generate_image(request)


@pytest.fixture
def illustrator(settings):
    settings.PAGE_IMAGE_WIDTH, settings.PAGE_IMAGE_HEIGHT = 480, 600
    settings.AI_RETRY_BACKOFF_SECONDS = 0
    settings.AI_OFFLINE_FAILURE_RATE = 0
    settings.AI_TEXT_PROVIDERS = ["offline"]
    settings.AI_IMAGE_PROVIDERS = ["refuses-3"]
    cache.clear()
    provider = RefusesPage3()
    register_image_provider("refuses-3", lambda config: provider)
    yield provider
    unregister_provider("refuses-3")
    cache.clear()


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="staff@example.com", password="a-long-passphrase-9"
    )
    client.force_login(admin)
    return client


def _act(client, url: str, action: str, *ids):
    return client.post(url, {"action": action, "_selected_action": [str(i) for i in ids]})


@pytest.mark.django_db(transaction=True)
def test_retrying_a_failed_book_from_the_admin_draws_the_failed_page_again(
    owner, staff_client, illustrator, celery_eager
):
    book = book_create(owner=owner, style="cartoon", num_pages=5, theme="a turtle who learns to swim")
    book.refresh_from_db()
    assert book.status == Book.Status.FAILED
    assert book.pages.get(number=3).status == Page.Status.FAILED
    illustrator.refusing = False
    before = len(illustrator.seeds)

    response = _act(staff_client, BOOKS, "retry_failed_pages", book.id)

    assert response.status_code == 302
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert book.pages.get(number=3).status == Page.Status.DONE
    assert f"{book.id}:3" in illustrator.seeds[before:]
    assert book.jobs.order_by("-id").first().status == GenerationJob.Status.SUCCEEDED


@pytest.mark.django_db
def test_cancelling_stops_the_book_and_gives_the_request_back(owner, staff_client):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    job = GenerationJob.objects.create(book=book, user=owner, status=GenerationJob.Status.RUNNING)

    _act(staff_client, BOOKS, "cancel", book.id)

    book.refresh_from_db()
    job.refresh_from_db()
    assert book.status == Book.Status.FAILED
    assert book.error_message == CANCEL_MESSAGE
    assert (job.status, job.quota_refunded) == (GenerationJob.Status.FAILED, True)


@pytest.mark.django_db
def test_giving_the_quota_back_marks_the_job_refunded(owner, staff_client):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    job = GenerationJob.objects.create(book=book, user=owner, status=GenerationJob.Status.SUCCEEDED)

    _act(staff_client, JOBS, "give_back_quota", job.id)

    job.refresh_from_db()
    assert job.quota_refunded


@pytest.mark.django_db
def test_the_monitor_lists_status_duration_provider_and_error(owner, staff_client):
    book_factory(owner=owner, status=Book.Status.FAILED, error_message="We could not draw page 2")

    books = staff_client.get(BOOKS).content.decode()
    jobs = staff_client.get(JOBS)

    assert "We could not draw page 2" in books
    assert "Duration" in books and "Provider" in books
    assert jobs.status_code == 200


@pytest.mark.django_db
def test_a_user_who_is_not_staff_cannot_run_the_actions(owner, owner_client):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)

    response = _act(owner_client, BOOKS, "cancel", book.id)

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATING


@pytest.mark.django_db
def test_staff_who_may_only_view_books_cannot_run_the_actions(owner, client, django_user_model):
    viewer = django_user_model.objects.create_user(
        email="viewer@example.com", password="a-long-passphrase-8", is_staff=True
    )
    viewer.user_permissions.add(Permission.objects.get(codename="view_book"))
    client.force_login(viewer)
    book = book_factory(owner=owner, status=Book.Status.GENERATING)

    page = client.get(BOOKS).content.decode()
    _act(client, BOOKS, "cancel", book.id)

    assert 'value="cancel"' not in page
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATING
