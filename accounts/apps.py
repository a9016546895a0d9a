from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from allauth.account.signals import user_signed_up

        from accounts.language import remember_signup_language

        user_signed_up.connect(remember_signup_language, dispatch_uid="accounts.remember_signup_language")
