from django.apps import AppConfig
from django.conf import settings


class AiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ai"
    verbose_name = "AI"

    def ready(self) -> None:
        from ai import checks  # noqa: F401 (registers the system checks)
        from ai.budget import budgets_check
        from ai.capacity import providers_in_flight
        from fabrica.workload import provider_inflight_source

        provider_inflight_source(providers_in_flight)
        budgets_check(settings)  # at start-up: a budget that cannot add up never runs a book
