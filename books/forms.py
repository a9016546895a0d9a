from django import forms
from django.utils.translation import gettext_lazy as _

from books.models import Book, Style


class CharactersForm(forms.Form):
    character_sheet = forms.CharField(
        label=_("Characters"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Keep the characters under %(limit_value)s characters.")},
    )


class BookForm(forms.Form):
    """Parses the create form; the rules themselves live in ``books.services``."""

    style = forms.ChoiceField(
        label=_("Style"),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("Choose one of the available styles."),
            "required": _("Choose a style."),
        },
    )
    num_pages = forms.IntegerField(
        label=_("Pages"),
        initial=8,
        error_messages={"invalid": _("Enter the number of pages, from 5 to 20.")},
        widget=forms.NumberInput(attrs={"type": "range", "min": 5, "max": 20, "step": 1}),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("pt-BR", "Português"), ("en", "English"), ("es", "Español")]
    )
    age_range = forms.ChoiceField(
        label=_("Child's age"),
        choices=[
            ("2-3", _("2–3 years")),
            ("4-6", _("4–6 years")),
            ("7-9", _("7–9 years")),
            ("10-12", _("10–12 years")),
        ],
    )
    narrative_source = forms.ChoiceField(
        label=_("Story"), choices=Book.Narrative.choices, initial="generated", widget=forms.RadioSelect
    )
    theme = forms.CharField(
        label=_("What is the story about?"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. a dinosaur who learns to share")}),
    )
    educational_goal = forms.CharField(
        label=_("What should it teach?"),
        required=False,
        max_length=120,
        widget=forms.TextInput(
            attrs={"placeholder": _("friendship, numbers, nature, hygiene…"), "list": "goals"}
        ),
    )
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=200)
    story = forms.CharField(label=_("Your story"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    liberty = forms.ChoiceField(
        label=_("How closely should we follow it?"),
        choices=Book.Liberty.choices,
        initial=Book.Liberty.FAITHFUL,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose how closely we should follow your story.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["style"].choices = [(s.slug, s.name) for s in Style.objects.filter(is_active=True)]
