import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from accounts.models import Tier
from books.models import Style

pytestmark = pytest.mark.django_db


def test_seeding_twice_creates_the_four_styles_once(capsys):
    call_command("seed_catalog")
    call_command("seed_catalog")
    assert list(Style.objects.values_list("slug", flat=True)) == ["cartoon", "manga", "realistic", "classic"]
    assert Tier.objects.filter(is_default=True).count() == 1
    assert "Catalog is up to date." in capsys.readouterr().out


def test_seeding_keeps_what_staff_changed():
    call_command("seed_catalog")
    Style.objects.filter(slug="manga").update(name="Mangá Kawaii", is_active=False)
    PeriodicTask.objects.filter(task="books.tasks.books_watchdog").update(enabled=False)
    call_command("seed_catalog")
    manga = Style.objects.get(slug="manga")
    assert (manga.name, manga.is_active) == ("Mangá Kawaii", False)
    assert not PeriodicTask.objects.get(task="books.tasks.books_watchdog").enabled
