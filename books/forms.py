from django import forms
from django.utils.translation import gettext_lazy as _

from books.editing import INSTRUCTIONS_MAX_CHARS, PAGE_TEXT_MAX_CHARS, TITLE_MAX_CHARS
from books.models import Book, Style
from books.uploads import UploadInvalid, story_from_upload


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

    story_file = forms.FileField(
        label=_("…or choose a file with it (.txt, .md or .docx)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".txt,.md,.markdown,.docx,text/plain,text/markdown"}),
        error_messages={"empty": _("This file is empty. Choose the file with your story, or paste it.")},
    )

    # One per form shown: the same form sent twice (a double click) makes one book (books.submissions).
    submit_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["style"].choices = [(s.slug, s.name) for s in Style.objects.filter(is_active=True)]
        self.story_from_file = ""

    def clean_story_file(self):
        upload = self.cleaned_data.get("story_file")
        if upload:
            try:
                self.story_from_file = story_from_upload(upload=upload)
            except UploadInvalid as exc:
                raise forms.ValidationError(exc.message) from exc
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.story_from_file:  # a chosen file is the story, whatever the box says
            cleaned["story"] = self.story_from_file
            cleaned["narrative_source"] = Book.Narrative.UPLOADED
        return cleaned

    def book_fields(self) -> dict:
        """The cleaned values ``book_create`` takes."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("story_file", "submit_token")
        }


class TitleForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_CHARS, "autofocus": True}),
    )


class PageTextForm(forms.Form):
    text = forms.CharField(
        label=_("Text of the page"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": PAGE_TEXT_MAX_CHARS, "autofocus": True}),
    )


class RedrawForm(forms.Form):
    instructions = forms.CharField(
        label=_("What should change? (optional)"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "maxlength": INSTRUCTIONS_MAX_CHARS,
                "placeholder": _("e.g. make the dinosaur smile, add a kite"),
            }
        ),
    )
