"""A finished book, staff users, and a browser that comes from a known address."""

from __future__ import annotations

import pytest

from exports.tests.factories import generated_book


@pytest.fixture
def book(owner):
    return generated_book(owner=owner)


@pytest.fixture
def superuser(catalog, django_user_model):
    return django_user_model.objects.create_superuser(
        email="boss@example.com", password="a-long-passphrase-9"
    )


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client
