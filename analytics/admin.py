"""Events and daily totals, to read: they are written by the site and the daily task only."""

from __future__ import annotations

from django.contrib import admin

from analytics.models import AnalyticsDaily, AnalyticsEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AnalyticsEvent)
class AnalyticsEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "name", "user", "visitor"]
    list_filter = ["name", "created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = ["name", "user", "visitor", "properties", "created_at"]
    show_full_result_count = False


@admin.register(AnalyticsDaily)
class AnalyticsDailyAdmin(ReadOnlyAdmin):
    list_display = ["day", "name", "count", "unique_users"]
    list_filter = ["name"]
    date_hierarchy = "day"

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
