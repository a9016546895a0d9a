"""Users and their plans: tiers and quotas, per-user overrides, today's usage, disabling an account."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.backoffice import user_disable, user_enable
from accounts.models import ApiToken, DataExport, Tier, User
from accounts.privacy import account_delete
from books.models import GenerationJob
from books.quotas import quota_usage


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "max_concurrent_books", "daily_requests", "is_default", "users"]
    list_editable = ["max_concurrent_books", "daily_requests"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_count=Count("users"))

    @admin.display(description=gettext_lazy("Users"), ordering="user_count")
    def users(self, obj: Tier) -> int:
        return obj.user_count


def _requests_today() -> Subquery:
    """Requests counting against the quota since local midnight (as books.quotas counts them)."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    jobs = (
        GenerationJob.objects.filter(user=OuterRef("pk"), created_at__gte=midnight, quota_refunded=False)
        .values("user")
        .annotate(count=Count("id"))
        .values("count")
    )
    return Subquery(jobs, output_field=IntegerField())


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["email", "display_name", "tier", "usage_today", "is_active", "is_staff", "date_joined"]
    list_filter = ["tier", "is_active", "is_staff"]
    list_select_related = ["tier"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["usage"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            gettext_lazy("Preferences"),
            {"fields": ["display_name", "default_style", "language", "paper_size", "age_range"]},
        ),
        (gettext_lazy("Consent"), {"fields": ["marketing_consent", "analytics_consent"]}),
        (
            gettext_lazy("Quota"),
            {
                "fields": ["tier", "max_concurrent_books_override", "daily_requests_override", "usage"],
                "description": gettext_lazy("Leave an override empty to use the tier's quota."),
            },
        ),
        (
            gettext_lazy("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (gettext_lazy("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = ["disable_users", "enable_users"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(requests_today=_requests_today())

    # Staff deleting an account do what "delete my account" does: files, sessions, and the
    # person taken out of the audit log, not only the rows Django would cascade.
    def delete_model(self, request, obj: User) -> None:
        account_delete(user=obj)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            account_delete(user=user)

    @admin.display(description=gettext_lazy("Requests today"), ordering="requests_today")
    def usage_today(self, obj: User) -> str:
        return f"{obj.requests_today or 0} / {obj.daily_requests}"

    @admin.display(description=gettext_lazy("Usage now"))
    def usage(self, obj: User) -> str:
        if obj.pk is None:
            return "—"
        usage = quota_usage(user=obj)
        return _(
            "%(requests)s of %(requests_limit)s requests today; "
            "%(books)s of %(books_limit)s books being made."
        ) % {
            "requests": usage.requests_today,
            "requests_limit": usage.requests_limit,
            "books": usage.concurrent,
            "books_limit": usage.concurrent_limit,
        }

    @admin.action(description=gettext_lazy("Disable: block sign-in, end sessions, revoke API keys"))
    def disable_users(self, request, queryset) -> None:
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, _("You cannot disable your own account."), messages.ERROR)
            return
        results = [user_disable(user=user) for user in queryset.filter(is_active=True)]
        if not results:
            self.message_user(request, _("Those accounts were already disabled."), messages.WARNING)
            return
        self.message_user(
            request,
            ngettext(
                "Disabled %(count)s account: %(sessions)s session(s) ended, %(tokens)s API key(s) revoked.",
                "Disabled %(count)s accounts: %(sessions)s session(s) ended, %(tokens)s API key(s) revoked.",
                len(results),
            )
            % {
                "count": len(results),
                "sessions": sum(result.sessions_ended for result in results),
                "tokens": sum(result.tokens_revoked for result in results),
            },
        )

    @admin.action(description=gettext_lazy("Enable again (revoked API keys stay revoked)"))
    def enable_users(self, request, queryset) -> None:
        enabled = sum(user_enable(user=user) for user in queryset.filter(is_active=False))
        self.message_user(
            request,
            ngettext(
                "Enabled %(count)s account; it can sign in again.",
                "Enabled %(count)s accounts; they can sign in again.",
                enabled,
            )
            % {"count": enabled},
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "name", "prefix"]
    readonly_fields = ["user", "prefix", "key_hash", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request) -> bool:
        return False  # a key is only ever shown to its owner, on their profile page


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """Read-only: staff see that an archive exists and its state, never its contents."""

    list_display = ["user", "status", "size_bytes", "created_at", "finished_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["user__email"]
    fields = ["user", "status", "size_bytes", "error", "created_at", "finished_at", "expires_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # only the owner asks for one, from their profile

    def has_change_permission(self, request, obj=None) -> bool:
        return False
