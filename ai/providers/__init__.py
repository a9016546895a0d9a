"""Provider registry: settings name providers by string, this maps names to adapters.

Adding an adapter is one line in ``_TEXT_FACTORIES`` / ``_IMAGE_FACTORIES`` (or a call to
``register_text_provider`` / ``register_image_provider``, which tests use for fakes).
Factories are imported lazily so that an adapter's SDK is only loaded when it is used.
"""

from __future__ import annotations

from collections.abc import Callable

from ai.providers.base import ImageProvider, TextProvider


def _offline_text() -> TextProvider:
    from ai.providers.offline import OfflineTextProvider

    return OfflineTextProvider()


def _offline_image() -> ImageProvider:
    from ai.providers.offline import OfflineImageProvider

    return OfflineImageProvider()


_TEXT_FACTORIES: dict[str, Callable[[], TextProvider]] = {"offline": _offline_text}
_IMAGE_FACTORIES: dict[str, Callable[[], ImageProvider]] = {"offline": _offline_image}


def register_text_provider(name: str, factory: Callable[[], TextProvider]) -> None:
    _TEXT_FACTORIES[name] = factory


def register_image_provider(name: str, factory: Callable[[], ImageProvider]) -> None:
    _IMAGE_FACTORIES[name] = factory


def unregister_provider(name: str) -> None:
    _TEXT_FACTORIES.pop(name, None)
    _IMAGE_FACTORIES.pop(name, None)


def get_text_provider(name: str) -> TextProvider:
    return _build(name, _TEXT_FACTORIES, "text")


def get_image_provider(name: str) -> ImageProvider:
    return _build(name, _IMAGE_FACTORIES, "image")


def _build(name: str, factories: dict[str, Callable], capability: str):
    factory = factories.get(name)
    if factory is None:
        known = ", ".join(sorted(factories))
        raise ValueError(f"Unknown AI {capability} provider {name!r}; known providers: {known}.")
    return factory()
