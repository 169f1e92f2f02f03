"""The permission policy: the only module that decides who may see or do what.

Deny by default. Role predicates read the roster (active roles), object-level grants are
django-guardian rows on direct-foreign-key permission tables, checked with global permissions
ignored so that a model-wide permission never widens an object grant. Other apps' permissions are
named by codename ("nominations.vote") so this module imports none of them.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import (
    assign_perm,
    get_objects_for_user,
    get_users_with_perms,
    remove_perm,
)

from governance.models import Module, Person, Role, RoleKind, RoleStatus

User = AbstractBaseUser | AnonymousUser

CORE_KINDS = frozenset({RoleKind.CORE_MAINTAINER, RoleKind.LEAD_CORE_MAINTAINER})
CACHE_ATTRIBUTE = "_governance_active_role_kinds"


def person_of(user: User) -> Person | None:
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def active_role_kinds(user: User) -> frozenset[str]:
    """The kinds of the user's active roles, read once per user object (so once per request)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = frozenset(
            Role.objects.filter(person__user=user, status=RoleStatus.ACTIVE).values_list(
                "kind", flat=True
            )
        )
        setattr(user, CACHE_ATTRIBUTE, cached)
    return cached


def forget_cached_roles(user: User) -> None:
    if hasattr(user, CACHE_ATTRIBUTE):
        delattr(user, CACHE_ATTRIBUTE)


def is_core_maintainer(user: User) -> bool:
    """Active core maintainers, the lead included."""
    return bool(active_role_kinds(user) & CORE_KINDS)


def is_lead_core_maintainer(user: User) -> bool:
    return RoleKind.LEAD_CORE_MAINTAINER in active_role_kinds(user)


def is_operator(user: User) -> bool:
    """Staff who run the site through the admin. Running the site is not a governance role."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


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


def can_read_own_inbox(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def has_object_permission(user: User, perm: str, obj: Model) -> bool:
    """Whether `user` holds the object-level grant `perm` ("app.codename") on `obj`.

    Superuser status widens nothing here: guardian's checker answers yes to every question a
    superuser asks, so for them only the grant rows themselves count.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    codename = perm.split(".", 1)[-1]
    checker = ObjectPermissionChecker(user)
    if user.is_superuser:
        return codename in checker.get_user_perms(obj) or codename in checker.get_group_perms(obj)
    return checker.has_perm(codename, obj)


def objects_granted(user: User, perm: str, queryset):
    """The objects of `queryset` on which `user` holds `perm` by a direct or group grant."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    return get_objects_for_user(
        user, perm, klass=queryset, accept_global_perms=False, with_superuser=False
    )


def grant_object_permission(perm: str, user: AbstractBaseUser, obj: Model) -> None:
    assign_perm(perm, user, obj)


def revoke_object_permission(perm: str, user: AbstractBaseUser, obj: Model) -> None:
    remove_perm(perm, user, obj)


def users_granted(perm: str, obj: Model) -> list:
    """Active users holding the object-level grant `perm` on `obj` directly."""
    codename = perm.split(".", 1)[-1]
    users = get_users_with_perms(obj, only_with_perms_in=[codename], with_group_users=False)
    return [user for user in users if user.is_active]


# Nominations ----------------------------------------------------------------------------------
# The nomination is passed in as an object; only its attributes are read here, so that this
# module depends on no other app.


def can_submit_nomination_request(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_manage_nominations(user: User) -> bool:
    """Triage requests, draft and open nominations, invite evidence, start voting, withdraw,
    draft and release feedback, release announcements."""
    return is_core_maintainer(user)


def can_view_nomination(user: User, nomination) -> bool:
    """The nomination page with its evidence thread: core maintainers, and module maintainers
    invited into the thread."""
    return is_core_maintainer(user) or has_object_permission(
        user, "nominations.view_evidence", nomination
    )


def can_add_evidence(user: User, nomination) -> bool:
    if not nomination.is_live:
        return False
    return is_core_maintainer(user) or has_object_permission(
        user, "nominations.add_evidence", nomination
    )


def can_edit_evidence(user: User, entry) -> bool:
    return (
        user.is_authenticated
        and entry.author_id == user.pk
        and can_add_evidence(user, entry.nomination)
    )


def can_vote(user: User, nomination) -> bool:
    """Holds the frozen electorate's grant and is still a core maintainer: losing the role
    ends the right to vote on the very next request."""
    return is_core_maintainer(user) and has_object_permission(user, "nominations.vote", nomination)


def can_decide(user: User, nomination) -> bool:
    if nomination.policy.get("lead_confirms"):
        return is_lead_core_maintainer(user)
    return is_core_maintainer(user)


def can_see_tally(user: User, nomination, *, has_voted: bool) -> bool:
    """A voter sees the running tally once they have voted; everyone who may view the
    nomination sees it after the close."""
    if not can_view_nomination(user, nomination):
        return False
    return nomination.status in {"closed", "decided"} or has_voted


def can_see_who_voted_what(user: User, nomination) -> bool:
    return not nomination.policy.get("secret", True) and is_core_maintainer(user)


def is_nominee(user: User, nomination) -> bool:
    return bool(user.is_authenticated and nomination.nominee.user_id == user.pk)


def is_nominator(user: User, nomination) -> bool:
    return bool(user.is_authenticated and nomination.nominators.filter(pk=user.pk).exists())


def can_read_feedback(user: User, nomination, feedback) -> bool:
    """Released feedback, for its two readers: the nominee and the nominators."""
    if feedback is None or feedback.released_at is None:
        return False
    return is_nominee(user, nomination) or is_nominator(user, nomination)
