from django.apps import AppConfig
from django.conf import settings


class AiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ai"
    verbose_name = "AI"

    def ready(self) -> None:
        from ai.budget import budgets_check

        budgets_check(settings)  # at start-up: a budget that cannot add up never runs a book
