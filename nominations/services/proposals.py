"""Proposals: what a core maintainer puts to the core maintainers besides a nomination.

A proposal's vote is a `Nomination` row of a proposal kind, so it goes through the same
services as a nomination's: `voting_open` freezes the electorate and the rule, `elector_recuse`,
`ballot_cast` on the one ledger, `voting_close` (or the beat scan at the deadline), the
reminders, and `decision_record` (never by whoever opened the vote). What is particular to a
proposal is only what it says, and what its acceptance applies.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from governance import permissions
from governance import services as governance_services
from governance.models import ProposalStatus, Role, RoleStatus, TaxonomyProposal
from governance.selectors import core_maintainer_users
from governance.services.base import audit_record, require
from nominations.models import (
    DecisionKind,
    Nomination,
    NominationDecision,
    NominationStatus,
    Outcome,
    Proposal,
    ProposalKind,
    VotingRule,
)
from nominations.services.common import clean_text, notify
from nominations.services.outcome import decision_record
from nominations.services.rules import voting_rule_apply
from nominations.voting_rules import DEFAULT_RULES, RULE_FIELDS

TITLE_MAX_LENGTH = 200
PUBLIC_OUTCOME_MAX_LENGTH = 300


def _rule_changes(rule_kind: str, changes: dict) -> dict:
    """The changes, refused unless they name fields of a rule and leave a valid rule."""
    if rule_kind not in DecisionKind.values:
        raise ValidationError({"rule_kind": "Choose the rule to change."})
    changes = {name: value for name, value in (changes or {}).items() if name in RULE_FIELDS}
    if not changes:
        raise ValidationError({"rule_changes": "Change at least one value of the rule."})
    row = VotingRule.objects.filter(kind=rule_kind).first() or VotingRule(
        kind=rule_kind, **DEFAULT_RULES[DecisionKind(rule_kind)].rule_values()
    )
    for name, value in changes.items():
        setattr(row, name, value)
    row.full_clean(exclude=["kind"], validate_unique=False)
    return {name: getattr(row, name) for name in changes}


def _emeritus_roles(roles) -> list[Role]:
    roles = list(roles)
    if not roles:
        raise ValidationError({"roles": "Choose the roles to move to emeritus."})
    if any(role.status != RoleStatus.ACTIVE for role in roles):
        raise ValidationError({"roles": "Only active roles move to emeritus."})
    return roles


@sensitive_variables()
@transaction.atomic
def proposal_create(
    *,
    actor,
    kind: str,
    title: str,
    text: str,
    rule_kind: str = "",
    rule_changes: dict | None = None,
    roles=(),
    taxonomy_proposal: TaxonomyProposal | None = None,
) -> Proposal:
    """Put a proposal to the core maintainers; its vote opens with `voting_open`."""
    require(permissions.can_propose(actor), "Only core maintainers make proposals.")
    if kind not in ProposalKind.values:
        raise ValidationError({"kind": "Choose what to propose."})
    title = clean_text(title, field="title", limit=TITLE_MAX_LENGTH)
    text = clean_text(text, field="text")
    proposal = Proposal(title=title)
    if kind == ProposalKind.RULE_CHANGE:
        proposal.rule_kind = rule_kind
        proposal.rule_changes = _rule_changes(rule_kind, rule_changes)
    elif kind == ProposalKind.EMERITUS_BATCH:
        roles = _emeritus_roles(roles)
    elif kind == ProposalKind.TAXONOMY_REVISION:
        if taxonomy_proposal is None or taxonomy_proposal.status != ProposalStatus.DRAFT:
            raise ValidationError({"taxonomy_proposal": "Choose a draft taxonomy proposal."})
        if not taxonomy_proposal.steps.exists():
            raise ValidationError({"taxonomy_proposal": "The taxonomy proposal has no steps."})
        proposal.taxonomy_proposal = taxonomy_proposal
    now = timezone.now()
    vote = Nomination.objects.create(
        kind=kind,
        nominee=None,
        rationale=text,
        status=NominationStatus.OPEN,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    vote.nominators.set([actor])
    proposal.vote = vote
    proposal.save()
    if kind == ProposalKind.EMERITUS_BATCH:
        proposal.emeritus_roles.set(roles)
    audit_record(actor=actor, verb="proposal.created", target=vote, data={"kind": kind})
    notify(
        vote,
        "proposed",
        core_maintainer_users(),
        f"New {vote.notice_heading}",
        "A core maintainer has made a proposal. Read it, and start its vote when it is ready.",
    )
    return proposal


def _apply(*, actor, proposal: Proposal, reasons: str) -> None:
    """What an accepted proposal changes, in the decision's transaction."""
    kind = proposal.vote.kind
    if kind == ProposalKind.RULE_CHANGE:
        voting_rule_apply(
            actor=actor,
            kind=proposal.rule_kind,
            changes=proposal.rule_changes,
            proposal=proposal.vote,
        )
    elif kind == ProposalKind.EMERITUS_BATCH:
        governance_services.roles_make_emeritus(
            actor=actor,
            roles=list(proposal.emeritus_roles.all()),
            reason="Moved to emeritus by decision of the core maintainers.",
        )
    elif kind == ProposalKind.TAXONOMY_REVISION:
        governance_services.taxonomy_proposal_apply(
            actor=actor,
            proposal=proposal.taxonomy_proposal,
            decided_on=timezone.localdate(),
            reason=reasons,
            vote_url=proposal.vote.get_absolute_url(),
        )
    proposal.applied_at = timezone.now()


@sensitive_variables()
@transaction.atomic
def proposal_decide(
    *, actor, vote: Nomination, outcome: str, reasons: str, public_outcome: str
) -> NominationDecision:
    """Record the decision the vote reached, and apply an accepted proposal with it.
    `public_outcome` is the line the public minutes show: public text, written as such."""
    if not vote.is_proposal:
        raise ValidationError("This is not a proposal.")
    public_outcome = clean_text(
        public_outcome, field="public_outcome", limit=PUBLIC_OUTCOME_MAX_LENGTH
    )
    decision = decision_record(actor=actor, nomination=vote, outcome=outcome, reasons=reasons)
    proposal = Proposal.objects.select_for_update().get(vote=vote)
    if outcome == Outcome.ACCEPTED:
        _apply(actor=actor, proposal=proposal, reasons=decision.reasons)
    proposal.public_outcome = public_outcome
    proposal.save(update_fields=["public_outcome", "applied_at"])
    notify(
        decision.nomination,
        "decided",
        core_maintainer_users(),
        f"Decided: {decision.nomination.notice_heading}",
        f"The proposal was {outcome}.",
    )
    return decision
