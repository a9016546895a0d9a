from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks.addresses import URL_MAX_LENGTH
from webhooks.models import Event


class WebhookForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=URL_MAX_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/fabrica-webhook"}),
        help_text=_("A public https:// address of yours that accepts POST requests."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        initial=[Event.BOOK_GENERATED],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
