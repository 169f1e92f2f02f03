"""Operators see nominations' state here, never their private content: evidence, ballots and
feedback are read on the nomination pages, under the permission policy."""

from django.contrib import admin

from governance.admin import ReadOnlyAdmin, ServiceBackedAdmin
from nominations import services
from nominations.models import Nomination, NominationRequest, VotingRule
from nominations.voting_rules import RULE_FIELDS


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


@admin.register(VotingRule)
class VotingRuleAdmin(ServiceBackedAdmin):
    """One rule per kind of decision, made by the migrations; staff change values, and each
    change is audited by the service and applies to votes opened after it."""

    list_display = ("kind", "method", "threshold", "threshold_base", "quorum_percent", "secret")
    readonly_fields = ("kind", "updated_at", "updated_by")
    fields = ("kind", *RULE_FIELDS, "updated_at", "updated_by")
    service_fields = RULE_FIELDS

    def has_add_permission(self, request) -> bool:
        return False

    def update(self, *, actor, obj, data: dict):
        return services.voting_rule_update(actor=actor, kind=obj.kind, changes=data)
