"""``{% privacy_section %}``: the profile's "Your data and privacy" card."""

from __future__ import annotations

from django import template

from accounts.forms import ConsentForm
from accounts.privacy import data_export_latest

register = template.Library()


@register.inclusion_tag("accounts/_privacy.html", takes_context=True)
def privacy_section(context) -> dict:
    """The consents form and the latest "download my data" archive; a view may pass either in."""
    user = context["request"].user
    return {
        "request": context["request"],
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "consent_form": context.get("consent_form") or ConsentForm(instance=user),
        "data_export": context.get("data_export") or data_export_latest(user=user),
        "data_export_error": context.get("data_export_error"),
    }
