"""Awards: each event pays once, totals follow the ledger, and gamification never breaks the caller."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from books.generation.assemble import book_mark_generated
from books.generation.redraw import redraw_mark_done
from books.models import Book, GenerationJob
from books.services import book_create
from books.tests.factories import book_factory
from exports.models import Export
from exports.services import export_register_download
from gamification import services
from gamification.ledger import News
from gamification.live import celebration_events
from gamification.models import Action, MissionTemplate, Player, UserBadge, XPEvent
from gamification.services import on_book_shared, on_page_regenerated, xp_award
from gamification.tests.factories import activity, book_generated, redraw_job

pytestmark = pytest.mark.django_db

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def _player(user) -> Player:
    return Player.objects.get(pk=user.pk)


def _ledger_total(user) -> int:
    return sum(XPEvent.objects.filter(user=user).values_list("amount", flat=True))


def test_a_finished_book_pays_its_xp_the_first_days_streak_and_the_first_book_badge(owner):
    MissionTemplate.objects.update(is_active=False)  # today's missions depend on the date; none here
    book_generated(owner, num_pages=8)
    player = _player(owner)
    actions = sorted(XPEvent.objects.filter(user=owner).values_list("action", "amount"))
    assert actions == [("badge_earned", 25), ("book_generated", 50), ("daily_streak", 5)]
    assert (player.xp, player.books_generated, player.pages_generated, player.streak_days) == (80, 1, 8, 1)
    assert player.xp == _ledger_total(owner)


def test_marking_a_book_generated_twice_pays_once(owner):
    """The pipeline's last step, run twice (a redelivered task): the second run finds the key paid."""
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    job = GenerationJob.objects.create(book=book, user=owner, status=GenerationJob.Status.RUNNING)
    book_mark_generated(book_id=book.id, job_id=job.id)
    book_mark_generated(book_id=book.id, job_id=job.id)
    assert XPEvent.objects.filter(user=owner, action=Action.BOOK_GENERATED).count() == 1
    assert _player(owner).books_generated == 1
    assert _player(owner).xp == _ledger_total(owner)


@pytest.mark.django_db(transaction=True)
def test_a_book_made_by_the_pipeline_pays_once_even_if_its_last_task_runs_again(owner, celery_eager):
    from books.tasks import book_assemble

    book = book_create(owner=owner, style="manga", num_pages=5, theme="gatos", language="pt-BR")
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED
    book_assemble(str(book.id))
    player = _player(owner)
    assert player.books_generated == 1
    assert player.styles_used == ["manga"]
    assert XPEvent.objects.filter(user=owner, key=f"book:{book.id}:generated").count() == 1


def test_a_failed_book_pays_nothing(owner):
    book = book_factory(owner=owner, status=Book.Status.FAILED)
    services.on_book_generated(book_id=book.id)
    assert not XPEvent.objects.exists()


def test_an_error_in_gamification_never_stops_a_book_from_being_ready(owner, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("gamification is down")

    monkeypatch.setattr(services, "activity_record", broken)
    book = book_factory(owner=owner, status=Book.Status.GENERATING)
    job = GenerationJob.objects.create(book=book, user=owner)
    book_mark_generated(book_id=book.id, job_id=job.id)
    book.refresh_from_db()
    assert book.status == Book.Status.GENERATED


def test_each_pdf_format_of_a_book_pays_once_and_the_zip_not_at_all(owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    exports = {
        fmt: Export.objects.create(book=book, format=fmt, content_hash="h", status=Export.Status.READY)
        for fmt in (Export.Format.PRINT, Export.Format.DIGITAL, Export.Format.ZIP)
    }
    for _ in range(3):
        export_register_download(export=exports[Export.Format.PRINT])
    export_register_download(export=exports[Export.Format.DIGITAL])
    export_register_download(export=exports[Export.Format.ZIP])
    assert XPEvent.objects.filter(action=Action.PDF_DOWNLOADED).count() == 2
    assert _player(owner).pdfs_downloaded == 2


def test_sharing_a_book_pays_once_however_many_links_it_gets(owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    on_book_shared(user=owner, book=book)
    on_book_shared(user=owner, book=book)
    assert _player(owner).books_shared == 1


def test_each_page_regeneration_pays_once(owner):
    book = book_factory(owner=owner, status=Book.Status.GENERATED)
    page = book.pages.get(number=1)
    redraw_job(owner, book)
    on_page_regenerated(user=owner, page=page)
    on_page_regenerated(user=owner, page=page)  # the same redraw reported twice
    redraw_job(owner, book)
    on_page_regenerated(user=owner, page=page)  # a second redraw
    assert _player(owner).pages_regenerated == 2


def test_the_ledger_refuses_a_second_row_with_the_same_key(owner):
    XPEvent.objects.create(user=owner, action=Action.BOOK_SHARED, key="share:x", amount=20)
    with pytest.raises(IntegrityError), transaction.atomic():
        XPEvent.objects.create(user=owner, action=Action.BOOK_SHARED, key="share:x", amount=20)


def test_a_direct_award_pays_once_per_key_and_levels_up(owner):
    assert xp_award(user=owner, action=Action.MISSION_COMPLETED, key="bonus:1", amount=120)
    assert not xp_award(user=owner, action=Action.MISSION_COMPLETED, key="bonus:1", amount=120)
    player = _player(owner)
    assert (player.xp, player.level) == (120, 2)


def test_weekly_xp_starts_over_on_monday_in_the_sites_time_zone(owner, time_machine, settings):
    settings.TIME_ZONE = "America/Sao_Paulo"
    time_machine.move_to(datetime(2025, 3, 16, 23, 0, tzinfo=SAO_PAULO), tick=False)  # a Sunday
    xp_award(user=owner, action=Action.MISSION_COMPLETED, key="a", amount=40)
    time_machine.move_to(datetime(2025, 3, 17, 0, 30, tzinfo=SAO_PAULO), tick=False)
    xp_award(user=owner, action=Action.MISSION_COMPLETED, key="b", amount=15)
    player = _player(owner)
    assert (player.xp, player.weekly_xp, player.week) == (55, 15, 202512)


def test_a_streak_grows_on_consecutive_days_and_restarts_after_a_gap(owner, time_machine):
    start = datetime(2025, 3, 10, 12, tzinfo=SAO_PAULO)
    for day in (0, 1, 1, 2, 5):
        time_machine.move_to(start + timedelta(days=day), tick=False)
        activity(owner)
    player = _player(owner)
    assert (player.streak_days, player.best_streak) == (1, 3)
    streak_pay = list(
        XPEvent.objects.filter(action=Action.DAILY_STREAK)
        .order_by("created_at")
        .values_list("amount", flat=True)
    )
    assert streak_pay == [5, 10, 15, 5]


def test_totals_always_equal_the_ledger(owner, other_user):
    for _ in range(3):
        book_generated(owner)
        activity(owner)
    book_generated(other_user, style="manga")
    for user in (owner, other_user):
        assert _player(user).xp == _ledger_total(user)
    assert UserBadge.objects.filter(user=owner, badge__slug="first-book").count() == 1


def test_level_ups_badges_and_missions_become_toasts(owner):
    from gamification.models import Badge

    news = News(level_before=1, level_after=2, badges=[Badge.objects.get(slug="first-pdf")])
    events = celebration_events(news)
    assert [event["kind"] for event in events] == ["badge", "level"]
    assert events[0]["title"] == "New badge: Ready to print"
    assert events[1]["title"] == "Level 2!"


def test_recomputing_rebuilds_xp_level_and_this_weeks_xp_from_the_ledger(owner, other_user, time_machine):
    from django.core.management import call_command

    time_machine.move_to(datetime(2025, 3, 10, 12, tzinfo=SAO_PAULO), tick=False)  # a Monday
    xp_award(user=owner, action=Action.MISSION_COMPLETED, key="last-week", amount=70)
    time_machine.move_to(datetime(2025, 3, 18, 12, tzinfo=SAO_PAULO), tick=False)
    book_generated(owner)
    activity(other_user)
    expected = {player.pk: (player.xp, player.level, player.weekly_xp) for player in Player.objects.all()}
    Player.objects.update(xp=0, level=1, weekly_xp=999, week=1)
    call_command("recompute_leaderboards", batch=1)
    assert {
        player.pk: (player.xp, player.level, player.weekly_xp) for player in Player.objects.all()
    } == expected
    assert Player.objects.get(pk=owner.pk).weekly_xp == Player.objects.get(pk=owner.pk).xp - 70


def test_recomputed_levels_match_the_curve_at_every_boundary(django_user_model, catalog):
    from gamification.rules import level_for_xp
    from gamification.services import players_recompute

    amounts = [0, 99, 100, 299, 300, 599, 600, 4499, 4500, 18999, 19000, 495000]
    for n, amount in enumerate(amounts):
        user = django_user_model.objects.create_user(email=f"p{n}@example.com")
        XPEvent.objects.create(user=user, action=Action.MISSION_COMPLETED, key="k", amount=amount)
    players_recompute()
    assert [(p.xp, p.level) for p in Player.objects.order_by("xp")] == [(a, level_for_xp(a)) for a in amounts]


@pytest.mark.django_db(transaction=True)
def test_a_page_drawn_again_pays_when_the_new_picture_is_in_and_only_once(owner, celery_eager):
    from books.editing import page_regenerate

    book = book_create(owner=owner, style="cartoon", num_pages=5, theme="gatos", language="pt-BR")
    page = book.pages.get(number=2)
    job = page_regenerate(page=page, user=owner, instructions="with a hat")
    assert GenerationJob.objects.get(id=job.id).status == GenerationJob.Status.SUCCEEDED
    redraw_mark_done(book_id=book.id, job=GenerationJob.objects.get(id=job.id))  # run twice
    assert _player(owner).pages_regenerated == 1
    assert XPEvent.objects.filter(user=owner, action=Action.PAGE_REGENERATED).count() == 1
