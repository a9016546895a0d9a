from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from allauth.account.signals import password_reset, user_signed_up
        from allauth.socialaccount.signals import pre_social_login

        from accounts import sessions
        from accounts.language import remember_signup_language

        user_signed_up.connect(remember_signup_language, dispatch_uid="accounts.remember_signup_language")
        # allauth's flows offer signals, not service calls, at these two points.
        password_reset.connect(sessions.on_password_reset, dispatch_uid="accounts.sign_out_on_reset")
        pre_social_login.connect(sessions.on_social_login, dispatch_uid="accounts.sign_out_on_takeover")
