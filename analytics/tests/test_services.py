"""Events are kept only for users who agreed, added up per day, shown on the dashboard, and
forgotten after the retention period."""

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from analytics.models import AnalyticsDaily, AnalyticsEvent, Event
from analytics.services import analytics_aggregate, analytics_purge, analytics_record
from analytics.tasks import analytics_daily
from books.services import book_create
from books.sharing import share_link_create
from exports.tests.factories import generated_book
from gamification.services import on_book_generated, on_page_regenerated, on_pdf_downloaded

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 10)


@pytest.fixture
def agreed(owner):
    get_user_model().objects.filter(id=owner.id).update(analytics_consent=True)
    owner.refresh_from_db()
    return owner


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _event(name: str, user, when: datetime) -> AnalyticsEvent:
    return AnalyticsEvent.objects.create(name=name, user=user, created_at=when)


# --- Consent --------------------------------------------------------------------------------------


def test_nothing_is_recorded_without_consent(owner):
    assert analytics_record(Event.BOOK_CREATED, user=owner) is None
    book_create(owner=owner, style="cartoon", num_pages=5, theme="dinosaurs")

    assert not AnalyticsEvent.objects.exists()


def test_a_user_who_agreed_is_recorded(agreed):
    book_create(owner=agreed, style="cartoon", num_pages=6, theme="dinosaurs")

    event = AnalyticsEvent.objects.get()
    assert (event.name, event.user) == (Event.BOOK_CREATED, agreed)
    assert event.properties == {"style": "cartoon", "pages": 6}  # never the child's story or theme


def test_consent_withdrawn_a_moment_ago_counts_even_for_an_old_copy_of_the_user(agreed):
    get_user_model().objects.filter(id=agreed.id).update(analytics_consent=False)

    assert agreed.analytics_consent  # the copy in hand still says yes
    assert analytics_record(Event.BOOK_CREATED, user=agreed) is None
    assert not AnalyticsEvent.objects.exists()


def test_visitors_who_are_not_signed_in_are_never_recorded(rf):
    from django.contrib.auth.models import AnonymousUser

    assert analytics_record(Event.SIGNUP, user=AnonymousUser()) is None
    assert analytics_record(Event.SIGNUP, user=None) is None
    assert not AnalyticsEvent.objects.exists()


def test_the_gamification_hooks_report_generated_books_redraws_shares_and_pdfs(agreed):
    book = generated_book(owner=agreed)

    on_book_generated(book_id=book.id)
    on_page_regenerated(user=agreed, page=book.pages.first())
    share_link_create(book=book, expiry="7d")
    on_pdf_downloaded(user=agreed, export=type("E", (), {"format": "print", "book_id": book.id})())

    names = sorted(AnalyticsEvent.objects.values_list("name", flat=True))
    expected = [Event.BOOK_GENERATED, Event.PAGE_REGENERATED, Event.SHARE_CREATED, Event.PDF_DOWNLOADED]
    assert names == sorted(expected)


def test_a_signup_is_recorded_only_with_consent(client, catalog):
    form = {
        "email": "new@example.com",
        "password1": "a-long-passphrase-5",
        "password2": "a-long-passphrase-5",
    }
    client.post(reverse("account_signup"), form)

    assert get_user_model().objects.filter(email="new@example.com").exists()
    assert not AnalyticsEvent.objects.exists()  # a new account has not agreed to anything yet


def test_the_signup_receiver_records_a_user_who_agreed(agreed, rf):
    from allauth.account.signals import user_signed_up

    request = rf.get("/")
    request.session = type("S", (), {"session_key": "abc123"})()
    user_signed_up.send(sender=type(agreed), request=request, user=agreed)

    event = AnalyticsEvent.objects.get()
    assert event.name == Event.SIGNUP and event.properties == {"via": "email"}
    assert event.visitor and "abc123" not in event.visitor


# --- Daily totals -----------------------------------------------------------------------------------


def test_the_day_is_added_up_per_event_with_distinct_users(agreed, other_user):
    _event(Event.BOOK_CREATED, agreed, _at(DAY, 9))
    _event(Event.BOOK_CREATED, agreed, _at(DAY, 15))
    _event(Event.BOOK_CREATED, other_user, _at(DAY, 23))
    _event(Event.PDF_DOWNLOADED, agreed, _at(DAY, 10))
    _event(Event.BOOK_CREATED, agreed, _at(DAY + timedelta(days=1), 0))  # the next day
    _event(Event.BOOK_CREATED, agreed, _at(DAY, 0) - timedelta(seconds=1))  # the day before

    assert analytics_aggregate(day=DAY) == 2

    totals = {row.name: (row.count, row.unique_users) for row in AnalyticsDaily.objects.filter(day=DAY)}
    assert totals == {Event.BOOK_CREATED: (3, 2), Event.PDF_DOWNLOADED: (1, 1)}


def test_running_the_totals_again_changes_nothing_and_catches_up_on_new_events(agreed):
    _event(Event.SHARE_CREATED, agreed, _at(DAY, 9))
    analytics_aggregate(day=DAY)
    analytics_aggregate(day=DAY)
    assert AnalyticsDaily.objects.get().count == 1

    _event(Event.SHARE_CREATED, agreed, _at(DAY, 11))
    analytics_aggregate(day=DAY)

    assert AnalyticsDaily.objects.get().count == 2


def test_the_hourly_task_writes_yesterday_and_today(agreed):
    today = timezone.localdate()
    _event(Event.BOOK_CREATED, agreed, timezone.now())
    _event(Event.BOOK_CREATED, agreed, _at(today - timedelta(days=1), 12))
    _event(Event.BOOK_CREATED, agreed, _at(today - timedelta(days=2), 12))  # final since yesterday's run

    analytics_daily()

    assert set(AnalyticsDaily.objects.values_list("day", flat=True)) == {today, today - timedelta(days=1)}


def test_the_task_is_scheduled_by_seed_catalog(catalog):
    assert PeriodicTask.objects.get(name="analytics: daily totals").task == "analytics.tasks.analytics_daily"


def test_the_dashboard_shows_the_last_30_days_of_totals(client, django_user_model):
    staff = django_user_model.objects.create_superuser(email="boss@example.com", password="x-long-pass-1")
    client.force_login(staff)
    today = timezone.localdate()
    AnalyticsDaily.objects.create(day=today, name=Event.BOOK_CREATED, count=4, unique_users=3)
    AnalyticsDaily.objects.create(
        day=today - timedelta(days=29), name=Event.BOOK_CREATED, count=5, unique_users=1
    )
    AnalyticsDaily.objects.create(
        day=today - timedelta(days=30), name=Event.BOOK_CREATED, count=100, unique_users=1
    )

    html = client.get("/admin/").content.decode()

    row = html[html.index('data-event="book_created"') :]
    row = row[: row.index("</tr>")]
    assert "<strong>9</strong>" in row  # 4 + 5; the day 30 days ago is outside the window
    assert "<td>3</td>" in row


# --- Retention ----------------------------------------------------------------------------------------


def test_old_events_are_purged_and_the_daily_totals_stay(agreed, settings):
    settings.ANALYTICS_RETENTION_DAYS = 30
    old = _event(Event.BOOK_CREATED, agreed, timezone.now() - timedelta(days=31))
    recent = _event(Event.BOOK_CREATED, agreed, timezone.now() - timedelta(days=29))
    analytics_aggregate(day=timezone.localtime(old.created_at).date())

    assert analytics_purge(dry_run=True) == 1
    assert AnalyticsEvent.objects.count() == 2

    assert analytics_purge(dry_run=False) == 1
    assert list(AnalyticsEvent.objects.all()) == [recent]
    assert AnalyticsDaily.objects.get().count == 1


def test_deleting_an_account_keeps_the_counts_but_not_the_link(agreed):
    _event(Event.BOOK_CREATED, agreed, timezone.now())

    agreed.delete()

    assert AnalyticsEvent.objects.get().user is None
