"""Who the user is to the project: their roster roles, read once per request, and the second
factor those roles require."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django_otp import user_has_device

from governance.compiled_queries import CompiledQuery
from governance.models import Person, Role, RoleKind, RoleStatus

__all__ = [
    "CACHE_ATTRIBUTE",
    "CORE_KINDS",
    "GRANTS_ATTRIBUTE",
    "User",
    "active_role_kinds",
    "active_roles",
    "can_change_two_factor",
    "forget_cached_access",
    "has_second_factor",
    "is_core_maintainer",
    "is_lead_core_maintainer",
    "is_module_maintainer",
    "is_operator",
    "lands_on_dashboard",
    "may_enroll_authenticator",
    "person_of",
    "requires_two_factor",
]


User = AbstractBaseUser | AnonymousUser

CORE_KINDS = frozenset({RoleKind.CORE_MAINTAINER, RoleKind.LEAD_CORE_MAINTAINER})
CACHE_ATTRIBUTE = "_governance_active_role_kinds"
GRANTS_ATTRIBUTE = "_governance_object_grants"


def person_of(user: User) -> Person | None:
    if not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def active_roles(user: User) -> frozenset[tuple[str, int | None]]:
    """(kind, module id) of the user's active roles, read once per user object (so once per
    request)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is None:
        [rows] = _ACTIVE_ROLES.rows(user.pk)
        cached = frozenset(rows)
        setattr(user, CACHE_ATTRIBUTE, cached)
    return cached


# Asked on every signed-in page, so compiled once per process.
_ACTIVE_ROLES = CompiledQuery(
    lambda user_id: Role.objects.filter(
        person__user_id=user_id, status=RoleStatus.ACTIVE
    ).values_list("kind", "module_id")
)


def active_role_kinds(user: User) -> frozenset[str]:
    return frozenset(kind for kind, _ in active_roles(user))


def is_module_maintainer(user: User, module_id: int | None) -> bool:
    return (RoleKind.MODULE_MAINTAINER, module_id) in active_roles(user)


def forget_cached_access(user: User) -> None:
    """Drop what this user object remembers of its roles and grants, to read them afresh."""
    for attribute in (CACHE_ATTRIBUTE, GRANTS_ATTRIBUTE):
        if hasattr(user, attribute):
            delattr(user, attribute)


def is_core_maintainer(user: User) -> bool:
    """Active core maintainers, the lead included."""
    return bool(active_role_kinds(user) & CORE_KINDS)


def is_lead_core_maintainer(user: User) -> bool:
    return RoleKind.LEAD_CORE_MAINTAINER in active_role_kinds(user)


def lands_on_dashboard(user: User) -> bool:
    """Where a sign-in without a `next` ends: core maintainers on their nominations dashboard,
    where the work waiting for them is; everyone else on the home page."""
    return is_core_maintainer(user)


def is_operator(user: User) -> bool:
    """Staff who run the site through the admin. Running the site is not a governance role."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def requires_two_factor(user: User) -> bool:
    """Core maintainers read private evidence and ballots, and staff run the site: for them a
    password alone never opens a session."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or is_core_maintainer(user)


def has_second_factor(user: User) -> bool:
    """The code page and the recovery codes page exist for accounts with a confirmed device."""
    return bool(user.is_authenticated and user_has_device(user, confirmed=True))


def may_enroll_authenticator(user: User) -> bool:
    """The setup page exists for those who need two-factor sign-in and have no authenticator
    yet. Once there is one, replacing it takes an operator: a password alone must never swap in
    someone else's."""
    return requires_two_factor(user) and not has_second_factor(user)


def can_change_two_factor(actor: User | None, user: AbstractBaseUser) -> bool:
    """Enroll an authenticator or replace recovery codes: the account holder alone, or the system
    (the demo data, the test personas)."""
    if actor is None:
        return True
    return bool(actor.is_authenticated and actor.is_active and actor.pk == user.pk)
