from django.contrib import admin

from gamification.models import (
    Badge,
    Follow,
    Mission,
    MissionProgress,
    MissionRotation,
    MissionTemplate,
    Player,
    UserBadge,
    XPEvent,
)


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = ["icon", "name", "slug", "rule", "threshold", "xp_reward", "sort_order", "is_active"]
    list_display_links = ["name"]
    list_editable = ["threshold", "xp_reward", "sort_order", "is_active"]
    list_filter = ["rule", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(MissionTemplate)
class MissionTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "period", "goal", "target", "style", "xp_reward", "is_active"]
    list_editable = ["target", "xp_reward", "is_active"]
    list_filter = ["period", "goal", "is_active"]
    prepopulated_fields = {"slug": ["title"]}


class MissionInline(admin.TabularInline):
    model = Mission
    extra = 0


@admin.register(MissionRotation)
class MissionRotationAdmin(admin.ModelAdmin):
    list_display = ["key", "period", "created_at"]
    list_filter = ["period"]
    inlines = [MissionInline]


@admin.register(Player)
class PlayerAdmin(admin.ModelAdmin):
    list_display = ["user", "xp", "level", "weekly_xp", "books_generated", "streak_days", "on_leaderboards"]
    list_filter = ["on_leaderboards"]
    search_fields = ["user__email", "user__display_name"]
    raw_id_fields = ["user"]
    # Totals follow the ledger; change them with an award (or `manage.py recompute_leaderboards`).
    readonly_fields = [
        field.name for field in Player._meta.fields if field.name not in ("time_zone", "on_leaderboards")
    ]


@admin.register(XPEvent)
class XPEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "action", "amount", "key"]
    list_filter = ["action"]
    search_fields = ["user__email", "key"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # the ledger is large; skip the extra COUNT(*)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the ledger is append-only


@admin.register(UserBadge)
class UserBadgeAdmin(admin.ModelAdmin):
    list_display = ["user", "badge", "earned_at"]
    list_filter = ["badge"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(MissionProgress)
class MissionProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "mission", "progress", "completed_at"]
    raw_id_fields = ["user", "mission"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["from_user", "to_user", "status", "created_at", "accepted_at"]
    list_filter = ["status"]
    raw_id_fields = ["from_user", "to_user"]
