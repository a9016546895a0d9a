"""A provider call is seconds of waiting on the network: the thread's pooled database connection
goes back to the pool meanwhile, so a worker's threads can share a few (fabrica/db_pool.py)."""

from __future__ import annotations

import pytest
from django.db import connections, transaction

from ai.providers.offline import OfflineImageProvider
from ai.schemas import ImageRequest
from ai.services import image_generate
from ai.tests.helpers import Scripted

PICTURE = ImageRequest(
    prompt="a cat under a tree", style="cartoon", seed="connections", width=480, height=600
)


@pytest.fixture
def pooled(monkeypatch):
    """The default connection as it is on PostgreSQL with DB_POOL on; ``close`` gives it back."""
    connection = connections["default"]
    monkeypatch.setitem(
        connection.settings_dict, "OPTIONS", {**connection.settings_dict["OPTIONS"], "pool": {"max_size": 8}}
    )
    handed_back = []
    monkeypatch.setattr(connection, "close", lambda: handed_back.append(True))
    return handed_back


def _drawing_that_notes(handed_back: list, seen: list):
    def draw():
        seen.append(len(handed_back))  # connections handed back before the provider was asked
        return OfflineImageProvider().generate_image(PICTURE)

    return draw


@pytest.mark.django_db(transaction=True)
def test_the_connection_goes_back_to_the_pool_before_the_provider_is_asked(settings, fakes, pooled):
    settings.AI_IMAGE_PROVIDERS = ["slow"]
    seen: list[int] = []
    fakes("image", Scripted("slow", _drawing_that_notes(pooled, seen)))

    image_generate(request=PICTURE)

    assert seen == [1]


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_connection_stays(settings, fakes, pooled):
    settings.AI_IMAGE_PROVIDERS = ["slow"]
    seen: list[int] = []
    fakes("image", Scripted("slow", _drawing_that_notes(pooled, seen)))

    with transaction.atomic():
        image_generate(request=PICTURE)

    assert seen == [0]
