from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-ups start on the default tier."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        from accounts.models import Tier

        user.tier = Tier.default()
        if commit:
            user.save()
        return user
