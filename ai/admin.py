from datetime import timedelta

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ai.capacity import provider_calls_in_flight, provider_cooldown_remaining, provider_limit
from ai.circuit import circuit_reset, circuit_state
from ai.models import AICall, PromptTemplate, ProviderSetting
from ai.prompts import DEFAULTS, PLACEHOLDERS
from ai.providers import known_providers
from ai.stats import provider_stats


class ProviderSettingForm(forms.ModelForm):
    provider = forms.ChoiceField()
    api_key = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "Stored encrypted. Leave empty to keep the current key. A key in the environment wins."
        ),
    )
    clear_api_key = forms.BooleanField(required=False, label=gettext_lazy("Remove the stored key"))

    class Meta:
        model = ProviderSetting
        fields = [
            "provider",
            "capability",
            "enabled",
            "priority",
            "model",
            "timeout_seconds",
            "max_concurrent",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(name, name) for name in known_providers()]

    def save(self, commit: bool = True) -> ProviderSetting:
        setting = super().save(commit=False)
        if self.cleaned_data.get("clear_api_key"):
            setting.set_api_key("")
        elif self.cleaned_data.get("api_key"):
            setting.set_api_key(self.cleaned_data["api_key"])
        if commit:
            setting.save()
        return setting


@admin.register(ProviderSetting)
class ProviderSettingAdmin(admin.ModelAdmin):
    form = ProviderSettingForm
    list_display = [
        "provider",
        "capability",
        "enabled",
        "priority",
        "model",
        "timeout_seconds",
        "key",
        "circuit",
        "capacity",
    ]
    list_editable = ["enabled", "priority"]
    list_filter = ["capability", "enabled"]
    actions = ["close_circuits"]

    @admin.display(description=gettext_lazy("API key"), boolean=True)
    def key(self, obj: ProviderSetting) -> bool:
        return obj.has_api_key

    @admin.display(description=gettext_lazy("Circuit"))
    def circuit(self, obj: ProviderSetting) -> str:
        state = circuit_state(obj.provider, obj.capability)
        return f"{state.state} ({state.failures} failures)" if state.failures else state.state

    @admin.display(description=gettext_lazy("Calls in flight"))
    def capacity(self, obj: ProviderSetting) -> str:
        in_flight = provider_calls_in_flight(provider=obj.provider)
        shown = f"{in_flight} / {provider_limit(provider=obj.provider)}"
        cooling = provider_cooldown_remaining(provider=obj.provider)
        if cooling > 0:
            shown += " · " + _("paused for %(seconds)d s after a 429") % {"seconds": round(cooling)}
        return shown

    @admin.action(description=gettext_lazy("Close the circuit (let calls through again)"))
    def close_circuits(self, request, queryset) -> None:
        for setting in queryset:
            circuit_reset(setting.provider, setting.capability)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("Closed %(count)s circuit.", "Closed %(count)s circuits.", count) % {"count": count},
        )


@admin.register(PromptTemplate)
class PromptTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "is_active", "notes", "created_by", "created_at"]
    list_filter = ["name", "is_active"]
    readonly_fields = ["version", "created_by", "created_at", "placeholders", "built_in_default"]
    fields = [
        "name",
        "body",
        "is_active",
        "notes",
        "placeholders",
        "built_in_default",
        "version",
        "created_by",
    ]

    @admin.display(description=gettext_lazy("Placeholders you can use"))
    def placeholders(self, obj: PromptTemplate) -> str:
        names = PLACEHOLDERS.get(obj.name) if obj and obj.name else None
        if not names:
            return _("Choose a template name and save to see its placeholders.")
        return ", ".join(f"{{{name}}}" for name in sorted(names))

    @admin.display(description=gettext_lazy("Built-in default"))
    def built_in_default(self, obj: PromptTemplate) -> str:
        return DEFAULTS.get(obj.name, "") if obj and obj.name else ""

    def save_model(self, request, obj: PromptTemplate, form, change: bool) -> None:
        # Editing never rewrites history: a changed body becomes the next version, and
        # pages keep naming the version that drew them.
        if change and "body" in form.changed_data:
            obj.pk = None
            obj.version = None
        if obj.pk is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AICall)
class AICallAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "provider",
        "model",
        "capability",
        "outcome",
        "latency_ms",
        "tokens_in",
        "tokens_out",
        "images",
        "cost_usd",
        "book",
    ]
    list_filter = ["provider", "capability", "outcome", "created_at"]
    search_fields = ["book__id", "model", "error_class", "error_message"]
    date_hierarchy = "created_at"
    list_select_related = ["book"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        since = timezone.now() - timedelta(days=1)
        rows = [
            (
                s.provider,
                s.capability,
                s.calls,
                f"{s.error_rate:.1%}",
                s.rate_limited,
                s.p50_ms,
                s.p95_ms,
                f"{s.cost_usd:.4f}",
            )
            for s in provider_stats(since=since)
        ]
        table = format_html_join(
            "",
            "<tr>" + "<td>{}</td>" * 8 + "</tr>",
            rows,
        )
        return super().changelist_view(request, {**(extra_context or {}), "provider_stats": table})
