"""Rendering tests here are pure Python: only database tests get Django's settings fixtures,
so the rendering modules also run with ``-p no:django``."""

import pytest


@pytest.fixture(autouse=True)
def _media_root(request, tmp_path):
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("settings").MEDIA_ROOT = tmp_path / "media"
