"""Signing in and the account: GitHub sign-in, invitations, the account page and inbox, and the
operators' duties to an account (a lost authenticator, a privacy request)."""

from governance.models import Person
from governance.permissions.roles import User, is_operator, person_of

__all__ = [
    "ACCOUNT_EXISTS_REFUSAL",
    "HIJACK_REFUSAL",
    "OTHER_ACCOUNT_REFUSAL",
    "can_accept_invitation",
    "can_anonymise_person",
    "can_read_own_inbox",
    "can_reset_two_factor",
    "can_use_account_page",
    "github_sign_in_refusal",
]


HIJACK_REFUSAL = (
    "This GitHub handle belongs on this site to a different GitHub account, which held it "
    "before. If the handle is now yours, ask the core maintainers to update the roster."
)
ACCOUNT_EXISTS_REFUSAL = (
    "Someone on the roster with this GitHub handle already has an account here. Sign in to it "
    "and connect GitHub from your account page."
)
OTHER_ACCOUNT_REFUSAL = "This GitHub account is connected to another account here."


def github_sign_in_refusal(person: Person | None, *, github_id: int, user: User | None) -> str:
    """Why the GitHub account `github_id` may not sign in as (or connect to) `person`, the
    roster entry it claims by numeric id or handle; "" when it may. `user` is the account the
    GitHub account signs in to or is being connected to, None for a first sign-in.

    A handle alone never hands over a roster entry already tied to another GitHub id (a freed
    handle registered again by someone else), nor one that has its own account here."""
    if person is None:
        return ""
    if person.github_id is not None and person.github_id != github_id:
        return HIJACK_REFUSAL
    if person.user_id is not None and (user is None or person.user_id != user.pk):
        return ACCOUNT_EXISTS_REFUSAL if person.github_id is None else OTHER_ACCOUNT_REFUSAL
    return ""


def can_accept_invitation(user: User, invitation) -> bool:
    """An invitation is spent by the person it invites, once signed in as them (a GitHub
    sign-in with their handle links the account to them)."""
    person = person_of(user)
    return person is not None and person.pk == invitation.person_id


def can_use_account_page(user: User) -> bool:
    """Every signed-in account manages its own sign-in methods."""
    return bool(user.is_authenticated and user.is_active)


def can_reset_two_factor(actor: User | None) -> bool:
    """Remove someone's authenticator or recovery codes, so that they set up afresh (a lost
    phone): an operator's duty. Resetting is all operators do with a device; they never read
    its key or codes."""
    if actor is None:
        return True
    return is_operator(actor) and actor.has_perm("otp_totp.delete_totpdevice")


def can_anonymise_person(actor: User | None) -> bool:
    """Carry out a privacy request: an operator's duty to the person, not a governance decision,
    so no maintainer role (not even the lead's) grants it. `None` is a management command."""
    if actor is None:
        return True
    return is_operator(actor) and actor.has_perm("governance.change_person")


def can_read_own_inbox(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)
