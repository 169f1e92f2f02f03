"""Operators see nominations' state here, never their private content: evidence, ballots and
feedback are read on the nomination pages, under the permission policy."""

from django.contrib import admin

from governance.admin import ReadOnlyAdmin
from nominations.models import Nomination, NominationRequest


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "module", "status", "outcome", "voting_deadline", "updated_at")
    list_filter = ("status", "kind")
    readonly_fields = list_display[1:]
    fields = readonly_fields


@admin.register(NominationRequest)
class NominationRequestAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "module", "status", "created_at", "triaged_at")
    list_filter = ("status", "kind")
    readonly_fields = list_display[1:]
    fields = readonly_fields
