"""Changes to the voting rules: by staff in the admin, or by an accepted rule-change proposal.

A change applies to votes opened after it: each vote froze its rule when it opened."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from governance import permissions
from governance.services.base import audit_record, require, save_validated
from nominations.models import DecisionKind, Nomination, VotingRule
from nominations.voting_rules import DEFAULT_RULES, RULE_FIELDS


def _row(kind: str) -> VotingRule:
    """The kind's row, locked; made from the default should a flushed database lack it."""
    row = VotingRule.objects.select_for_update().filter(kind=kind).first()
    if row is None:
        row = VotingRule(kind=kind, **DEFAULT_RULES[DecisionKind(kind)].rule_values())
    return row


def _write(*, actor, kind: str, changes: dict, data: dict) -> VotingRule:
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(f"Not a value of a voting rule: {', '.join(sorted(unknown))}.")
    rule = _row(kind)
    before = {name: getattr(rule, name) for name in changes}
    for name, value in changes.items():
        setattr(rule, name, value)
    rule.updated_by = actor
    rule.updated_at = timezone.now()
    save_validated(rule)
    audit_record(
        actor=actor,
        verb="voting_rule.updated",
        target=rule,
        data={**data, "before": before, "after": {name: getattr(rule, name) for name in changes}},
    )
    return rule


@transaction.atomic
def voting_rule_update(*, actor, kind: str, changes: dict) -> VotingRule:
    """Staff change some of one rule's values; the audit log keeps them before and after."""
    require(permissions.can_edit_voting_rules(actor), "Only staff change the voting rules.")
    return _write(actor=actor, kind=kind, changes=changes, data={})


@transaction.atomic
def voting_rule_apply(*, actor, kind: str, changes: dict, proposal: Nomination) -> VotingRule:
    """Apply the rule change an accepted proposal carries, as part of its decision."""
    require(
        permissions.can_apply_rule_change(actor, proposal),
        "A rule changes by a vote only once the proposal is accepted, by whoever decided it.",
    )
    return _write(actor=actor, kind=kind, changes=changes, data={"proposal": proposal.pk})
