"""Taxonomy proposals, from a draft in the browser to an applied revision."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from governance import permissions, taxonomy_selectors, taxonomy_steps
from governance.models import (
    ProposalStatus,
    TaxonomyOperation,
    TaxonomyProposal,
    TaxonomyProposalStep,
)
from governance.services.base import audit_record, require, save_validated
from governance.services.taxonomy import taxonomy_revise

# Taxonomy proposals -----------------------------------------------------------------------------


def _steps(proposal: TaxonomyProposal) -> list[tuple[str, dict]]:
    return [(step.operation, step.data) for step in proposal.steps.order_by("position")]


def _draft(proposal: TaxonomyProposal) -> TaxonomyProposal:
    proposal = TaxonomyProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.DRAFT:
        raise ValidationError("This proposal is no longer a draft.")
    return proposal


def _touch(proposal: TaxonomyProposal) -> None:
    proposal.updated_at = timezone.now()
    proposal.save(update_fields=["updated_at"])


@sensitive_variables()
@transaction.atomic
def taxonomy_proposal_create(*, actor, title: str, reason: str = "") -> TaxonomyProposal:
    require(permissions.can_propose_taxonomy(actor), "Only core maintainers propose taxonomies.")
    proposal = TaxonomyProposal(title=title.strip(), reason=reason.strip(), created_by=actor)
    save_validated(proposal)
    audit_record(actor=actor, verb="taxonomy_proposal.created", target=proposal)
    return proposal


@transaction.atomic
def taxonomy_proposal_add_step(
    *, actor, proposal: TaxonomyProposal, operation: str, data: dict
) -> TaxonomyProposalStep:
    """Append a step, refusing it (and storing nothing) when the proposal could not apply it."""
    require(permissions.can_propose_taxonomy(actor), "Only core maintainers propose taxonomies.")
    proposal = _draft(proposal)
    if operation not in TaxonomyOperation.values:
        raise ValidationError(f"Unknown taxonomy step {operation!r}.")
    taxonomy_selectors.proposal_projection([*_steps(proposal), (operation, data)])
    last = proposal.steps.aggregate(last=Max("position"))["last"] or 0
    step = TaxonomyProposalStep.objects.create(
        proposal=proposal, position=last + 1, operation=operation, data=data
    )
    _touch(proposal)
    audit_record(
        actor=actor,
        verb="taxonomy_proposal.step_added",
        target=proposal,
        data={"operation": operation, "data": data},
    )
    return step


@transaction.atomic
def taxonomy_proposal_remove_step(*, actor, proposal: TaxonomyProposal, position: int) -> None:
    """Remove a step; refused when a later step depends on it (the rest must still apply)."""
    require(permissions.can_propose_taxonomy(actor), "Only core maintainers propose taxonomies.")
    proposal = _draft(proposal)
    steps = list(proposal.steps.order_by("position"))
    removed = next((step for step in steps if step.position == position), None)
    if removed is None:
        raise ValidationError("This proposal has no such step.")
    rest = [step for step in steps if step.pk != removed.pk]
    taxonomy_selectors.proposal_projection([(step.operation, step.data) for step in rest])
    removed.delete()
    for number, step in enumerate(rest, start=1):
        if step.position != number:
            TaxonomyProposalStep.objects.filter(pk=step.pk).update(position=number)
    _touch(proposal)
    audit_record(
        actor=actor,
        verb="taxonomy_proposal.step_removed",
        target=proposal,
        data={"operation": removed.operation, "data": removed.data},
    )


@transaction.atomic
def taxonomy_proposal_withdraw(*, actor, proposal: TaxonomyProposal) -> TaxonomyProposal:
    require(permissions.can_propose_taxonomy(actor), "Only core maintainers propose taxonomies.")
    proposal = _draft(proposal)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.updated_at = timezone.now()
    proposal.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, verb="taxonomy_proposal.withdrawn", target=proposal)
    return proposal


@sensitive_variables()
@transaction.atomic
def taxonomy_proposal_apply(
    *,
    actor,
    proposal: TaxonomyProposal,
    decided_on: datetime.date,
    vote_url: str,
    reason: str = "",
) -> TaxonomyProposal:
    """Apply every step as one taxonomy revision; the roster, its pages and the exported files
    change together, or nothing changes. Only the decision of the proposal vote that accepted it
    applies it (no one core maintainer alone), and the revision links to that vote."""
    require(permissions.can_propose_taxonomy(actor), "Only core maintainers propose taxonomies.")
    if not vote_url:
        raise ValidationError("A taxonomy proposal is applied by the vote that accepts it.")
    proposal = _draft(proposal)
    steps = _steps(proposal)
    if not steps:
        raise ValidationError("Add at least one step before applying the proposal.")
    taxonomy_selectors.proposal_projection(steps)
    reason = reason.strip() or proposal.reason
    if not reason:
        raise ValidationError("Give the reason the core maintainers decided this.")
    revision = taxonomy_revise(
        actor=actor,
        title=proposal.title,
        reason=reason,
        decided_on=decided_on,
        steps=taxonomy_steps.steps_from_data(steps),
    )
    revision.vote_url = vote_url
    revision.save(update_fields=["vote_url"])
    proposal.status = ProposalStatus.APPLIED
    proposal.revision = revision
    proposal.reason = reason
    proposal.updated_at = timezone.now()
    proposal.save(update_fields=["status", "revision", "reason", "updated_at"])
    audit_record(
        actor=actor,
        verb="taxonomy_proposal.applied",
        target=proposal,
        data={"revision": revision.pk},
    )
    return proposal
