"""pt-BR first, English and Spanish on request: catalogs, the switcher, the user's saved choice."""

from __future__ import annotations

import gettext
import importlib
import re
import shutil
from datetime import datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from books.models import Book
from books.tests.factories import book_factory

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGS = [LOCALE / "pt_BR/LC_MESSAGES/django.po", LOCALE / "es/LC_MESSAGES/django.po"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\w*\}")
TAG = re.compile(r"</?[a-z][^>]*>")


@pytest.fixture
def site_default(settings):
    """The language the site really starts in (the suite runs in English by default)."""
    settings.LANGUAGE_CODE = importlib.import_module("fabrica.settings").LANGUAGE_CODE
    return settings.LANGUAGE_CODE


def _forms(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parts[-3])
def test_every_string_has_a_translation(path):
    catalog = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalog if not entry.obsolete and not all(_forms(entry))]
    fuzzy = [entry.msgid for entry in catalog if entry.fuzzy and not entry.obsolete]
    nplurals = int(re.search(r"nplurals=(\d+)", catalog.metadata["Plural-Forms"]).group(1))
    short_plurals = [e.msgid for e in catalog if e.msgid_plural and len(e.msgstr_plural) != nplurals]
    assert len(catalog) > 100
    assert untranslated == []
    assert fuzzy == []
    assert short_plurals == []  # a missing form falls back to the site's default language


@pytest.mark.parametrize(
    ("language", "books"), [("pt-br", "0 livros"), ("es", "0 libros"), ("en", "0 books")]
)
def test_zero_takes_the_plural(language, books):
    with translation.override(language):
        assert translation.ngettext("%(total)s book", "%(total)s books", 0) % {"total": 0} == books


def _placeholder_mistakes(entry: polib.POEntry) -> list[str]:
    singular = sorted(PLACEHOLDER.findall(entry.msgid))
    plural = sorted(PLACEHOLDER.findall(entry.msgid_plural)) if entry.msgid_plural else singular
    forms = _forms(entry)
    mistakes = []
    # The first form may leave out the count ("The page already drawn is kept."), never add one.
    if not set(PLACEHOLDER.findall(forms[0])) <= set(singular) | set(plural):
        mistakes.append(forms[0])
    for form in forms[1:] if entry.msgid_plural else forms:
        if sorted(PLACEHOLDER.findall(form)) != plural:
            mistakes.append(form)
    return mistakes + [
        form for form in forms if sorted(TAG.findall(form)) != sorted(TAG.findall(entry.msgid))
    ]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parts[-3])
def test_a_translation_keeps_the_placeholders_and_tags(path):
    catalog = polib.pofile(str(path))
    mistakes = {entry.msgid: _placeholder_mistakes(entry) for entry in catalog if not entry.obsolete}
    assert {msgid: forms for msgid, forms in mistakes.items() if forms} == {}


def test_the_catalogs_compile_without_gettext(tmp_path, settings):
    shutil.copytree(LOCALE, tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    call_command("compile_translations", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    with open(tmp_path / "locale/pt_BR/LC_MESSAGES/django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    assert catalog.gettext("My books") == "Meus livros"
    assert catalog.ngettext("%(total)s book", "%(total)s books", 3) == "%(total)s livros"
    before = (tmp_path / "locale/es/LC_MESSAGES/django.mo").stat().st_mtime_ns
    call_command("compile_translations", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    assert (tmp_path / "locale/es/LC_MESSAGES/django.mo").stat().st_mtime_ns == before


def test_a_visitor_gets_brazilian_portuguese_by_default(catalog, site_default):
    page = Client().get("/").content.decode()
    assert site_default == "pt-br"
    assert '<html lang="pt-br">' in page
    assert "Livros de colorir personalizados" in page
    assert "Criar conta grátis" in page


def test_the_browser_language_is_followed(catalog, site_default):
    page = Client(headers={"accept-language": "es"}).get("/").content.decode()
    assert '<html lang="es">' in page
    assert "Crear una cuenta gratis" in page


@pytest.mark.parametrize(
    ("language", "greeting"), [("en", "Create a free account"), ("es", "Crear una cuenta gratis")]
)
def test_the_header_switcher_changes_the_language(catalog, site_default, language, greeting):
    visitor = Client()
    assert "Criar conta grátis" in visitor.get("/").content.decode()
    response = visitor.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == language
    page = visitor.get(response["Location"]).content.decode()
    assert f'<html lang="{language}">' in page
    assert greeting in page


def test_the_switcher_is_a_plain_form_on_every_page(client, catalog):
    page = client.get(reverse("account_login")).content.decode()
    form = re.search(
        r'<form class="lang-switch" method="post" action="/i18n/setlang/">.*?</form>', page, re.S
    )
    assert form
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    assert 'name="next" value="/accounts/login/"' in form.group(0)
    assert re.findall(r'<button type="submit" name="language" value="([\w-]+)"', form.group(0)) == [
        "pt-br",
        "en",
        "es",
    ]


def test_a_signed_in_users_choice_is_saved_to_their_preferences(owner_client, owner):
    owner_client.post(reverse("set_language"), {"language": "es", "next": "/"})
    owner.refresh_from_db()
    assert owner.language == User.Language.ES
    assert "¡Hola, owner!" in owner_client.get("/").content.decode()


def test_changing_the_language_in_the_preferences_switches_the_site(owner_client, owner):
    preferences = {"display_name": "", "default_style": "", "paper_size": "a4", "age_range": "4-6"}
    response = owner_client.post(reverse("accounts:preferences"), {**preferences, "language": "es"})
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert "Mis libros" in owner_client.get("/").content.decode()


def test_an_ordinary_request_leaves_the_language_cookie_alone(owner_client):
    assert django_settings.LANGUAGE_COOKIE_NAME not in owner_client.get("/").cookies


def test_signing_in_switches_to_the_users_language(catalog, owner, site_default):
    owner.language = User.Language.ES
    owner.save()
    visitor = Client()
    response = visitor.post(
        reverse("account_login"), {"login": "owner@example.com", "password": "a-long-passphrase-1"}
    )
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = visitor.get("/").content.decode()
    assert "¡Hola, owner!" in page
    assert "Mis libros" in page


def test_a_new_account_keeps_the_language_it_was_made_in(catalog, site_default):
    visitor = Client()
    visitor.post(reverse("set_language"), {"language": "en", "next": "/"})
    visitor.post(
        reverse("account_signup"),
        {"email": "parent@example.com", "password1": "lapis-de-cor-42", "password2": "lapis-de-cor-42"},
    )
    assert User.objects.get(email="parent@example.com").language == User.Language.EN
    assert "Hello, parent!" in visitor.get("/").content.decode()


def test_the_sign_in_pages_follow_the_chosen_language(catalog, site_default):
    visitor = Client()
    visitor.post(reverse("set_language"), {"language": "es", "next": "/"})
    page = visitor.get(reverse("account_login")).content.decode()
    assert "Contraseña" in page  # allauth's own catalog
    assert "Crear una cuenta" in page  # the site's header
    assert "Saltar al contenido" in page


@pytest.mark.parametrize(
    ("language", "date"),
    [("pt-br", "5 de Março de 2026"), ("en", "March 5, 2026"), ("es", "5 de marzo de 2026")],
)
def test_dates_are_written_the_local_way(owner, language, date):
    created = timezone.make_aware(datetime(2026, 3, 5, 15, 0))
    book_factory(owner=owner, status=Book.Status.GENERATED, created_at=created)
    client = Client(headers={"accept-language": language})
    client.force_login(owner)
    assert date in client.get("/").content.decode()


def test_messages_from_python_are_translated():
    from books.models import Book

    with translation.override("pt-br"):
        assert str(Book.Status.GENERATED.label) == "Pronto"
    with translation.override("es"):
        assert str(Book.Status.GENERATED.label) == "Listo"
        assert translation.gettext("Your book is ready!") == "¡Tu libro está listo!"


def test_a_task_speaks_the_language_it_was_queued_in():
    from types import SimpleNamespace

    from fabrica.celery import _task_language_activate, _task_language_restore, _task_language_send

    headers = {}
    with translation.override("es"):
        _task_language_send(headers=headers)
    assert headers["language"] == "es"
    task = SimpleNamespace(request=SimpleNamespace(language="es"))
    with translation.override("pt-br"):
        _task_language_activate(task=task)
        assert translation.gettext("Writing the story…") == "Escribiendo la historia…"
        _task_language_restore(task=task)
        assert translation.get_language() == "pt-br"


def test_a_task_queued_without_a_language_leaves_the_current_one_alone():
    from types import SimpleNamespace

    from fabrica.celery import _task_language_activate, _task_language_restore

    task = SimpleNamespace(request=SimpleNamespace())
    with translation.override("es"):
        _task_language_activate(task=task)
        _task_language_restore(task=task)
        assert translation.get_language() == "es"


def test_strings_behind_a_lazy_alias_are_translated_too(owner):
    # books.selectors names gettext_lazy "_lazy"; the project's makemessages reads that alias.
    book_factory(owner=owner, status=Book.Status.GENERATED)
    client = Client(headers={"accept-language": "pt-br"})
    client.force_login(owner)
    page = client.get(reverse("books:list")).content.decode()
    assert "Mais novos primeiro" in page
    assert "Newest first" not in page
