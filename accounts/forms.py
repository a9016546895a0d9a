from allauth.account.forms import ChangePasswordForm
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from books.models import Style


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "default_style", "language", "paper_size", "age_range"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_style"].queryset = Style.objects.filter(is_active=True)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What will use it, so you recognise it later (e.g. “school laptop script”)."),
    )


class ConsentForm(forms.ModelForm):
    """The two LGPD/GDPR consents; both start off and can be turned off again at any time."""

    class Meta:
        model = User
        fields = ["marketing_consent", "analytics_consent"]
        help_texts = {
            "marketing_consent": _(
                "Now and then an email with new styles, ideas for books and tips. Never shared with anyone."
            ),
            "analytics_consent": _(
                "Lets us count which pages and features are used, without your name or email, "
                "to make the site better. Nothing is counted while this is off."
            ),
        }


class AccountDeleteForm(forms.Form):
    """Confirms who is asking: the password, or the email for accounts that sign in only with Google."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    email = forms.CharField(
        label=_("Type your email address to confirm"), widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        del self.fields["email" if user.has_usable_password() else "password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.user.email.lower():
            raise forms.ValidationError(
                _("That is not the email address of this account."), code="wrong_email"
            )
        return email


class PasswordChangeForm(ChangePasswordForm):
    """allauth's form with the choice to sign out everywhere else (on unless the parent unticks it)."""

    sign_out_everywhere = forms.BooleanField(
        label=_("Sign out everywhere else"),
        required=False,
        initial=True,
        help_text=_(
            "Ends your other sessions and revokes your API tokens: scripts using them will need a new one."
        ),
    )
