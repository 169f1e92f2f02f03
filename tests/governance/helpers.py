"""What the roster's service tests share. Every service is checked for its happy path, its
audit event, its permission check (outsiders and module maintainers are refused and change
nothing) and its all-or-nothing behaviour; `snapshot` is what a refusal must leave as it was."""

from governance.models import (
    AuditEvent,
    Module,
    Notification,
    Person,
    Role,
    RoleKind,
    RoleStatus,
    TaxonomyChange,
    TaxonomyRevision,
)

REFUSED_ACTORS = ("outsider", "maintainer", "nominee", "nominator", "anonymous")
ROSTER_MANAGERS = ("lead", "core1", "staff")


def snapshot() -> dict:
    """Everything a refused or failed service must leave as it was."""
    return {
        "people": list(Person.objects.order_by("pk").values_list("pk", "github", "full_name")),
        "modules": list(
            Module.objects.order_by("pk").values_list("pk", "slug", "name", "status", "group")
        ),
        "roles": list(
            Role.objects.order_by("pk").values_list("pk", "person", "module", "kind", "status")
        ),
        "revisions": TaxonomyRevision.objects.count(),
        "changes": TaxonomyChange.objects.count(),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def active_maintainers(module: Module) -> set[int]:
    return set(
        Role.objects.filter(
            module=module, kind=RoleKind.MODULE_MAINTAINER, status=RoleStatus.ACTIVE
        ).values_list("person_id", flat=True)
    )
