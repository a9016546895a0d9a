"""Provider registry: settings name providers by string, this maps names to adapters.

Adding an adapter is one line in ``_TEXT_FACTORIES`` / ``_IMAGE_FACTORIES`` (or a call to
``register_text_provider`` / ``register_image_provider``, which tests use for fakes).
Factories take a ``ProviderConfig`` and are imported lazily, so that an adapter's SDK is
only loaded when it is used.
"""

from __future__ import annotations

from collections.abc import Callable

from ai.providers.base import ImageProvider, ProviderConfig, TextProvider

TextFactory = Callable[[ProviderConfig], TextProvider]
ImageFactory = Callable[[ProviderConfig], ImageProvider]


def _offline_text(config: ProviderConfig) -> TextProvider:
    from ai.providers.offline import OfflineTextProvider

    return OfflineTextProvider()


def _offline_image(config: ProviderConfig) -> ImageProvider:
    from ai.providers.offline import OfflineImageProvider

    return OfflineImageProvider()


def _gemini_text(config: ProviderConfig) -> TextProvider:
    from ai.providers.gemini import GeminiTextProvider

    return GeminiTextProvider(config)


def _gemini_image(config: ProviderConfig) -> ImageProvider:
    from ai.providers.gemini import GeminiImageProvider

    return GeminiImageProvider(config)


def _openrouter_text(config: ProviderConfig) -> TextProvider:
    from ai.providers.openrouter import OpenRouterTextProvider

    return OpenRouterTextProvider(config)


def _openrouter_image(config: ProviderConfig) -> ImageProvider:
    from ai.providers.openrouter import OpenRouterImageProvider

    return OpenRouterImageProvider(config)


_TEXT_FACTORIES: dict[str, TextFactory] = {
    "offline": _offline_text,
    "gemini": _gemini_text,
    "openrouter": _openrouter_text,
}
_IMAGE_FACTORIES: dict[str, ImageFactory] = {
    "offline": _offline_image,
    "gemini": _gemini_image,
    "openrouter": _openrouter_image,
}


def register_text_provider(name: str, factory: TextFactory) -> None:
    _TEXT_FACTORIES[name] = factory


def register_image_provider(name: str, factory: ImageFactory) -> None:
    _IMAGE_FACTORIES[name] = factory


def known_providers() -> list[str]:
    return sorted(set(_TEXT_FACTORIES) | set(_IMAGE_FACTORIES))


def unregister_provider(name: str) -> None:
    _TEXT_FACTORIES.pop(name, None)
    _IMAGE_FACTORIES.pop(name, None)


def get_text_provider(name: str, config: ProviderConfig | None = None) -> TextProvider:
    return _build(name, _TEXT_FACTORIES, config or ProviderConfig(name=name, capability="text"))


def get_image_provider(name: str, config: ProviderConfig | None = None) -> ImageProvider:
    return _build(name, _IMAGE_FACTORIES, config or ProviderConfig(name=name, capability="image"))


def _build(name: str, factories: dict[str, Callable], config: ProviderConfig):
    factory = factories.get(name)
    if factory is None:
        known = ", ".join(sorted(factories))
        raise ValueError(f"Unknown AI {config.capability} provider {name!r}; known providers: {known}.")
    return factory(config)
