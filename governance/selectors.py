"""Reads that pages need, each a fixed number of queries whatever the size of the roster."""

from dataclasses import dataclass

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.db.models.functions import Coalesce

from governance.models import (
    Module,
    ModuleGroup,
    ModuleStatus,
    Notification,
    NotificationChannel,
    Person,
    Role,
    RoleKind,
    RoleStatus,
    TaxonomyChange,
)

# A module needs at least this many active maintainers to be considered staffed.
MIN_MAINTAINERS = 2


@dataclass(frozen=True)
class ModuleGroupListing:
    group: ModuleGroup
    modules: list[Module]


def _active_count(kind: str) -> Count:
    return Count("roles", filter=Q(roles__status=RoleStatus.ACTIVE, roles__kind=kind))


def module_listing() -> list[ModuleGroupListing]:
    """The current taxonomy by group, each module with its active maintainer and reviewer counts.

    One query.
    """
    modules = (
        Module.objects.filter(status=ModuleStatus.ACTIVE)
        .annotate(
            maintainer_count=_active_count(RoleKind.MODULE_MAINTAINER),
            reviewer_count=_active_count(RoleKind.MODULE_REVIEWER),
        )
        .order_by("name", "pk")
    )
    by_group: dict[str, list[Module]] = {group: [] for group in ModuleGroup.values}
    for module in modules:
        module.understaffed = (
            module.group != ModuleGroup.SUNSETTED and module.maintainer_count < MIN_MAINTAINERS
        )
        by_group[module.group].append(module)
    return [ModuleGroupListing(ModuleGroup(group), items) for group, items in by_group.items()]


def module_for_page(slug: str) -> Module | None:
    """The module with its roles (and their people) and its taxonomy history. Four queries."""
    roles = Role.objects.select_related("person").order_by(
        "kind", "person__full_name", "-started_on", "pk"
    )
    changes = TaxonomyChange.objects.select_related("revision", "module", "source").order_by(
        "-revision__decided_on", "-revision__pk", "pk"
    )
    return (
        Module.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch("roles", queryset=roles),
            Prefetch("changes", queryset=changes),
            Prefetch("successor_changes", queryset=changes, to_attr="successors"),
        )
        .first()
    )


def module_slug_renamed_to(slug: str) -> str | None:
    """The current slug of a module that a taxonomy revision renamed away from `slug`."""
    change = (
        TaxonomyChange.objects.filter(previous_slug=slug)
        .select_related("module")
        .order_by("-revision__decided_on", "-pk")
        .first()
    )
    if change is None or change.module.slug == slug:
        return None
    return change.module.slug


def person_for_page(github: str) -> Person | None:
    """The person (found regardless of case) with every role, past and present. Two queries."""
    roles = Role.objects.select_related("module").order_by(
        Coalesce("ended_on", "started_on").desc(), "-started_on", "pk"
    )
    return (
        Person.objects.filter(github__iexact=github)
        .exclude(github="")
        .prefetch_related(Prefetch("roles", queryset=roles))
        .first()
    )


def core_team() -> QuerySet[Role]:
    """Active core maintainers, the lead first. One query."""
    lead_first = Case(When(kind=RoleKind.LEAD_CORE_MAINTAINER, then=0), default=1)
    return (
        Role.objects.filter(
            status=RoleStatus.ACTIVE,
            kind__in=[RoleKind.LEAD_CORE_MAINTAINER, RoleKind.CORE_MAINTAINER],
        )
        .select_related("person")
        .order_by(lead_first, "person__full_name", "pk")
    )


def roster_changes_latest(limit: int = 10) -> QuerySet[Role]:
    """Roles most recently granted or moved to emeritus, newest first. One query.

    A role that a taxonomy revision moved is left out: its successor role tells the change."""
    return (
        Role.objects.filter(ended_by_revision__isnull=True)
        .select_related("person", "module")
        .annotate(changed_on=Coalesce("ended_on", "started_on"))
        .order_by("-changed_on", "-pk")[:limit]
    )


def inbox_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, channel=NotificationChannel.INBOX).order_by(
        "-created_at", "-pk"
    )
