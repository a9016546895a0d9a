from django.apps import AppConfig


class AiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ai"
    verbose_name = "AI"

    def ready(self) -> None:
        from ai import checks  # noqa: F401 (registers the system checks)
