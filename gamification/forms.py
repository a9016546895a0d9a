from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def _time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(name for name in available_timezones() if "/" in name or name == "UTC")
    return [(name, name.replace("_", " ")) for name in names]


class PlayerSettingsForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("My time zone"),
        choices=_time_zone_choices,
        help_text=_("Daily missions and streaks start over at midnight in this time zone."),
    )
    on_leaderboards = forms.BooleanField(
        label=_("Show me on the global leaderboards"),
        required=False,
        help_text=_("Friends always see each other. Boards show your display name, never your email."),
    )


class FriendRequestForm(forms.Form):
    name_or_email = forms.CharField(
        label=_("Their display name or email address"),
        max_length=254,
        help_text=_("Type it exactly. They will see your request and can accept or decline it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
