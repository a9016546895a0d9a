"""The back office beyond the monitor's core actions: quota given back, the catalog as staff see it."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from ai.models import AICall, PromptTemplate
from books.backoffice import generation_jobs_give_back
from books.models import Book, GenerationJob, Style
from books.quotas import quota_usage
from books.tests.factories import book_factory

BOOKS = reverse("admin:books_book_changelist")
JOBS = reverse("admin:books_generationjob_changelist")

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="staff@example.com", password="a-long-passphrase-9"
    )
    client.force_login(admin)
    return client


def _act(client, url: str, action: str, *ids):
    return client.post(url, {"action": action, "_selected_action": [str(i) for i in ids]}, follow=True)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_giving_the_quota_back_restores_the_users_requests_for_today(owner, staff_client):
    book = book_factory(owner=owner, status=Book.Status.FAILED)
    GenerationJob.objects.create(book=book, user=owner, status=GenerationJob.Status.FAILED)
    GenerationJob.objects.create(book=book, user=owner, status=GenerationJob.Status.FAILED)
    assert quota_usage(user=owner).requests_today == 2

    response = _act(staff_client, BOOKS, "give_back_quota", book.id)

    assert quota_usage(user=owner).requests_today == 0
    assert _messages(response) == ["Gave back 2 requests; they no longer count against the daily quota."]


def test_giving_back_twice_says_nothing_changed(owner, staff_client):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    job = GenerationJob.objects.create(book=book, user=owner, quota_refunded=True)

    response = _act(staff_client, JOBS, "give_back_quota", job.id)

    assert _messages(response) == ["Those requests were already given back; nothing changed."]


def test_the_give_back_service_only_counts_requests_still_counting(owner):
    book = book_factory(owner=owner)
    GenerationJob.objects.create(book=book, user=owner)
    GenerationJob.objects.create(book=book, user=owner, quota_refunded=True)

    assert generation_jobs_give_back(jobs=GenerationJob.objects.all()) == 1
    assert generation_jobs_give_back(jobs=GenerationJob.objects.all()) == 0


def test_cancelling_from_the_jobs_list_stops_the_generating_book(owner, staff_client):
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    job = GenerationJob.objects.create(book=book, user=owner, status=GenerationJob.Status.RUNNING)

    response = _act(staff_client, JOBS, "cancel", job.id)

    book.refresh_from_db()
    assert book.status == Book.Status.FAILED
    assert quota_usage(user=owner).requests_today == 0
    assert _messages(response) == ["Stopped 1 book; its request was given back."]


def test_cancelling_a_finished_book_says_nothing_was_stopped(owner, staff_client):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)

    response = _act(staff_client, BOOKS, "cancel", book.id)

    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    assert _messages(response) == ["None of the selected books was being made; nothing to stop."]


def test_retrying_a_book_that_did_not_fail_is_explained(owner, staff_client):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)

    response = _act(staff_client, BOOKS, "retry_failed_pages", book.id)

    assert _messages(response) == ["None of the selected books has failed; nothing to retry."]


def test_the_jobs_list_names_the_provider_that_drew_the_book(owner, staff_client):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    GenerationJob.objects.create(book=book, user=owner, status=GenerationJob.Status.SUCCEEDED)
    AICall.objects.create(book=book, provider="openrouter", capability="image", outcome="error")
    AICall.objects.create(book=book, provider="gemini", capability="image", outcome="ok")
    AICall.objects.create(book=book, provider="offline", capability="text", outcome="ok")

    page = staff_client.get(JOBS).content.decode()

    assert '<td class="field-provider">gemini</td>' in page


def test_the_styles_list_shows_each_sample_picture_and_prompt_fragment(catalog, staff_client):
    cartoon = Style.objects.get(slug="cartoon")

    page = staff_client.get(reverse("admin:books_style_changelist")).content.decode()

    assert f'<img src="{cartoon.sample_image.url}"' in page
    assert cartoon.prompt_fragment[:40] in page


def test_a_style_page_previews_its_sample_and_edits_its_prompt_fragment(catalog, staff_client):
    cartoon = Style.objects.get(slug="cartoon")
    url = reverse("admin:books_style_change", args=[cartoon.id])

    page = staff_client.get(url).content.decode()
    staff_client.post(
        url,
        {
            "name": cartoon.name,
            "slug": cartoon.slug,
            "description": cartoon.description,
            "prompt_fragment": "cartoon style, extra thick outlines",
            "sort_order": 0,
            "is_active": "on",
        },
    )

    assert 'style="height:240px' in page
    cartoon.refresh_from_db()
    assert cartoon.prompt_fragment == "cartoon style, extra thick outlines"
    assert cartoon.sample_image  # kept when no new file is uploaded


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:gamification_badge_changelist",
        "admin:gamification_missiontemplate_changelist",
        "admin:ai_prompttemplate_changelist",
        "admin:ai_providersetting_changelist",
        "admin:accounts_tier_changelist",
        "admin:exports_export_changelist",
    ],
)
def test_every_catalog_list_opens_for_staff(catalog, staff_client, changelist):
    PromptTemplate.objects.create(name="image_page", body="{prompt}")
    assert staff_client.get(reverse(changelist)).status_code == 200
