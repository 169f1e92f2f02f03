"""The roster, its reports and the files exported from it, and the outside services the site
talks to."""

from governance.models import Module
from governance.permissions.grants import has_object_permission
from governance.permissions.roles import User, is_core_maintainer, is_operator

__all__ = [
    "can_change_module",
    "can_configure_exports",
    "can_configure_webhooks",
    "can_manage_roster",
    "can_propose_taxonomy",
    "can_retry_forum_post",
    "can_see_forum_errors",
    "can_see_repository_sync",
    "can_view_reports",
]


def can_manage_roster(actor: User | None) -> bool:
    """Grant and retire roles, add people and modules, revise the taxonomy.

    `None` is the system itself: a management command run by whoever operates the server.
    """
    if actor is None:
        return True
    return is_core_maintainer(actor) or (
        is_operator(actor) and actor.has_perm("governance.change_role")
    )


def can_change_module(actor: User | None, module: Module) -> bool:
    """Edit a module's description and path patterns: whoever manages the roster, or a user
    granted `change_module` on that one module."""
    if can_manage_roster(actor):
        return True
    return has_object_permission(actor, "governance.change_module", module)


# Reports and exports ---------------------------------------------------------------------------
# The exported repository files are public data: they are built from the public roster only.


def can_view_reports(user: User) -> bool:
    """The activity, staffing, affiliation and taxonomy reports: core maintainers only."""
    return is_core_maintainer(user)


def can_propose_taxonomy(user: User) -> bool:
    """Draft, change and withdraw taxonomy proposals. Applying one is a taxonomy revision, which
    `can_manage_roster` decides."""
    return is_core_maintainer(user)


def can_see_repository_sync(user: User) -> bool:
    """The state of the repository files' pull request (its link, the last sync, the last
    error): core maintainers, who act on it."""
    return is_core_maintainer(user)


def can_configure_exports(actor: User | None) -> bool:
    """The export settings and the catch-all merge rules decide who may merge what, so they are
    changed by whoever manages the roster."""
    return can_manage_roster(actor)


# Outside services -----------------------------------------------------------------------------


def can_retry_forum_post(actor: User | None) -> bool:
    """Ask the forum again after it refused a post: core maintainers, who see the error."""
    return actor is not None and is_core_maintainer(actor)


def can_see_forum_errors(user: User) -> bool:
    return can_retry_forum_post(user)


def can_configure_webhooks(actor: User | None) -> bool:
    """Webhook endpoints are part of running the site: the operators set them up in the admin."""
    return actor is not None and is_operator(actor)
