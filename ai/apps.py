from django.apps import AppConfig


class AiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ai"
    verbose_name = "AI"

    def ready(self) -> None:
        from ai import checks  # noqa: F401 (registers the system checks)
        from ai.capacity import providers_in_flight
        from fabrica.workload import provider_inflight_source

        provider_inflight_source(providers_in_flight)
