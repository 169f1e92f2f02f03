"""Reads for taxonomy proposals: the current taxonomy as the projection plays it, a proposal's
projection, and the proposals themselves. Each a fixed number of queries."""

from collections.abc import Sequence

from django.db.models import Prefetch, QuerySet

from governance import taxonomy_projection
from governance.models import (
    MODULE_ROLE_KINDS,
    Module,
    ModuleStatus,
    Role,
    RoleStatus,
    TaxonomyProposal,
)
from governance.selectors import module_file_order


def current_taxonomy() -> tuple[list[taxonomy_projection.ProposedModule], set[str]]:
    """The active modules with their active maintainers and reviewers, in the files' order, and
    every slug ever used (retired modules keep theirs). Three queries."""
    roles = Role.objects.filter(status=RoleStatus.ACTIVE, kind__in=MODULE_ROLE_KINDS)
    modules = (
        Module.objects.filter(status=ModuleStatus.ACTIVE)
        .order_by(*module_file_order())
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=roles.select_related("person").order_by("kind", "person__full_name"),
                to_attr="active_roles",
            )
        )
    )
    current = [
        taxonomy_projection.ProposedModule(
            key=module.slug,
            slug=module.slug,
            name=module.name,
            group=module.group,
            includes=module.includes,
            path_patterns=module.path_patterns,
            members=[
                taxonomy_projection.Member(
                    person_id=role.person_id,
                    full_name=role.person.full_name,
                    github=role.person.github,
                    kind=role.kind,
                )
                for role in module.active_roles
            ],
        )
        for module in modules
    ]
    return current, set(Module.objects.values_list("slug", flat=True))


def proposal_projection(steps: Sequence[tuple[str, dict]]) -> taxonomy_projection.Projection:
    """The proposed taxonomy; raises ValidationError naming the first step that cannot apply."""
    current, taken = current_taxonomy()
    return taxonomy_projection.project(current, steps, taken)


def taxonomy_proposals() -> QuerySet[TaxonomyProposal]:
    return TaxonomyProposal.objects.select_related("created_by__person", "revision").order_by(
        "status", "-updated_at", "-pk"
    )


def taxonomy_proposal(pk: int) -> TaxonomyProposal | None:
    """The proposal with its steps in order. Two queries."""
    return (
        TaxonomyProposal.objects.filter(pk=pk)
        .select_related("created_by", "revision")
        .prefetch_related("steps")
        .first()
    )
