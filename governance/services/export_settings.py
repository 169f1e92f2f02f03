"""The settings the exported repository files carry: the export settings and the catch-all merge
rules of merge_rules.yaml.

Services like those of `governance.services`: keyword-only, atomic, `actor=`, a permission check,
an audit event.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from governance import permissions
from governance.models import (
    ExportSettings,
    MergeRule,
)
from governance.services.base import apply_changes, audit_record, require, save_validated

EXPORT_SETTINGS_FIELDS = (
    "document_title",
    "responsibilities",
    "mandatory_checks",
    "follow_imported_layout",
)
# Set by an import only: how the imported persons_of_interest was written.
IMPORTED_LAYOUT_FIELDS = ("persons_layout",)
MERGE_RULE_FIELDS = (
    "name",
    "position",
    "patterns",
    "approved_by",
    "include_core_maintainers",
    "mandatory_checks",
    "ignore_flaky_failures",
)


def _export_settings_locked() -> ExportSettings:
    ExportSettings.objects.get_or_create(pk=ExportSettings.SINGLETON_PK)
    return ExportSettings.objects.select_for_update().get(pk=ExportSettings.SINGLETON_PK)


@transaction.atomic
def export_settings_update(*, actor, data: dict, imported: bool = False) -> ExportSettings:
    require(permissions.can_configure_exports(actor), "You may not change the exported files.")
    settings_row = _export_settings_locked()
    allowed = EXPORT_SETTINGS_FIELDS + (IMPORTED_LAYOUT_FIELDS if imported else ())
    changes = apply_changes(settings_row, data, allowed)
    if "persons_layout" in changes:
        # The layout is the whole file; the audit says that it changed, not what it holds.
        changes["persons_layout"] = "remembered the imported file's layout"
    if changes:
        save_validated(settings_row)
        audit_record(actor=actor, verb="export_settings.updated", target=settings_row, data=changes)
    return settings_row


@transaction.atomic
def merge_rule_create(*, actor, **fields) -> MergeRule:
    require(permissions.can_configure_exports(actor), "You may not add merge rules.")
    unknown = set(fields) - set(MERGE_RULE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown merge rule fields: {', '.join(sorted(unknown))}.")
    rule = MergeRule(**fields)
    save_validated(rule)
    audit_record(actor=actor, verb="merge_rule.created", target=rule, data={"name": rule.name})
    return rule


@transaction.atomic
def merge_rule_update(*, actor, rule: MergeRule, data: dict) -> MergeRule:
    require(permissions.can_configure_exports(actor), "You may not change merge rules.")
    rule = MergeRule.objects.select_for_update().get(pk=rule.pk)
    changes = apply_changes(rule, data, MERGE_RULE_FIELDS)
    if changes:
        save_validated(rule)
        audit_record(actor=actor, verb="merge_rule.updated", target=rule, data=changes)
    return rule


@transaction.atomic
def merge_rule_delete(*, actor, rule: MergeRule) -> None:
    require(permissions.can_configure_exports(actor), "You may not remove merge rules.")
    rule = MergeRule.objects.select_for_update().get(pk=rule.pk)
    audit_record(actor=actor, verb="merge_rule.deleted", target=rule, data={"name": rule.name})
    rule.delete()
