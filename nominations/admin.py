"""Operators see nominations' state here, never their private content: evidence, ballots and
feedback are read on the nomination pages, under the permission policy."""

from django.contrib import admin
from django.http import HttpRequest

from nominations.models import Nomination, NominationRequest


class StateOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Nomination)
class NominationAdmin(StateOnlyAdmin):
    list_display = ("pk", "kind", "module", "status", "outcome", "voting_deadline", "updated_at")
    list_filter = ("status", "kind")
    readonly_fields = list_display[1:]
    fields = readonly_fields


@admin.register(NominationRequest)
class NominationRequestAdmin(StateOnlyAdmin):
    list_display = ("pk", "kind", "module", "status", "created_at", "triaged_at")
    list_filter = ("status", "kind")
    readonly_fields = list_display[1:]
    fields = readonly_fields
