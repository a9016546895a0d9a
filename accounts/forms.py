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
