"""Changes to the voting rules: by staff in the admin, or by an accepted rule-change proposal.

A change applies to votes opened after it: each vote froze its rule when it opened."""

from django.db import transaction
from django.utils import timezone

from governance import permissions
from governance.services.base import audit_record, require, save_validated
from nominations.models import DecisionKind, VotingRule
from nominations.voting_rules import DEFAULT_RULES, RULE_FIELDS


def _row(kind: str) -> VotingRule:
    """The kind's row, locked; made from the default should a flushed database lack it."""
    row = VotingRule.objects.select_for_update().filter(kind=kind).first()
    if row is None:
        row = VotingRule(kind=kind, **DEFAULT_RULES[DecisionKind(kind)].rule_values())
    return row


@transaction.atomic
def voting_rule_update(*, actor, kind: str, changes: dict) -> VotingRule:
    """Change some of one rule's values; the audit log keeps the values before and after."""
    require(permissions.can_edit_voting_rules(actor), "Only staff change the voting rules.")
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a voting rule: {sorted(unknown)}")
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
        data={"before": before, "after": {name: getattr(rule, name) for name in changes}},
    )
    return rule
