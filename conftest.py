"""Shared fixtures: the catalog, an owner, another user, and Celery run eagerly when a test asks."""

from __future__ import annotations

import os

import pytest

_LIVE_STACK_MARKERS = ("integration", "reliability", "e2e")


def pytest_configure(config):
    # FABRICA_TEST_DATE=2026-12-05 runs the whole suite as if it were that day (the clock
    # still ticks), to find tests that only pass on some dates.
    if date := os.environ.get("FABRICA_TEST_DATE"):
        import time_machine

        time_machine.travel(f"{date} 12:00:00-03:00", tick=True).start()


def pytest_sessionstart(session):
    # The .mo files are build output (not in git): build them, then forget any catalog Django
    # loaded before they existed (importing the models already reads the default language's).
    from accounts.management.commands.compile_translations import translations_compile

    if translations_compile():
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None
        trans_real.translation_catalog_exists.cache_clear()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hasher(request, settings):
    """PBKDF2 costs ~0.2 s a user; unit tests do not test it. Live-stack tests keep the real
    hashers, because the server process they log in to verifies with its own settings."""
    if not any(request.node.get_closest_marker(name) for name in _LIVE_STACK_MARKERS):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read the English source strings; accounts/tests/test_i18n.py tests the pt-BR default."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def catalog(db):
    from books.catalog import catalog_seed

    catalog_seed()


@pytest.fixture
def owner(catalog, django_user_model):
    return django_user_model.objects.create_user(email="owner@example.com", password="a-long-passphrase-1")


@pytest.fixture
def other_user(catalog, django_user_model):
    return django_user_model.objects.create_user(email="other@example.com", password="a-long-passphrase-2")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def celery_eager():
    """Run tasks in-process. Pair with ``django_db(transaction=True)`` so on-commit enqueues fire."""
    from fabrica.celery import app

    app.conf.task_always_eager = True
    # A task's errors stay in that task, as with a real worker, instead of surfacing in the enqueuer.
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_always_eager = False
