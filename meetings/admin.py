"""Meetings in the admin are read-only: minutes change through the workspace's services only,
so review and redaction cannot be bypassed from here."""

from django.contrib import admin

from governance.admin import ReadOnlyAdmin
from meetings.models import Meeting, MinutesVersion


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("title", "starts_at", "kind", "status")
    list_filter = ("status", "kind")
    search_fields = ("title", "slug")


@admin.register(MinutesVersion)
class MinutesVersionAdmin(ReadOnlyAdmin):
    list_display = ("title", "number", "published_at", "retracted_at")
    search_fields = ("title",)
