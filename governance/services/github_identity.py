"""Tying accounts to the roster by GitHub identity: the numeric user id is the key, the handle
only finds a roster entry that no GitHub account has claimed yet."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import Lower

from governance import permissions
from governance.models import FormerHandle, Person
from governance.services.base import audit_record, save_validated

# Persons created from a GitHub sign-in carry GitHub's display name, which anyone sets freely:
# cut to the column's length, and the handle stands in when there is none.
FULL_NAME_MAX_LENGTH = 200


def person_claimed_by_github(*, github_id: int, github: str, lock: bool = False) -> Person | None:
    """The roster entry a GitHub account claims: the one already tied to its numeric id, or
    else the one whose handle matches regardless of case. One query."""
    people = Person.objects.select_for_update() if lock else Person.objects.all()
    by_id = people.filter(github_id=github_id)
    by_handle = people.alias(github_lower=Lower("github")).filter(github_lower=github.lower())
    found = sorted(
        (by_id | by_handle).exclude(github="", github_id__isnull=True),
        key=lambda person: person.github_id != github_id,
    )
    return found[0] if found else None


@transaction.atomic
def github_sign_in_refusal_record(*, person: Person, github_id: int, github: str, reason: str):
    """Audit a refused GitHub sign-in, in its own transaction: the refusal itself rolls back."""
    audit_record(
        actor=None,
        verb="sign_in.github_refused",
        target=person,
        data={"github": github, "github_id": github_id, "reason": reason},
    )


@transaction.atomic
def person_github_sign_in(
    *, actor, github_id: int, github: str, full_name: str = "", verified_email: str = ""
) -> Person:
    """Tie the signed-in account `actor` to its roster entry after a GitHub sign-in: link the
    entry its handle names on the first sign-in (creating one if there is none), and follow a
    rename of the handle on later ones. Raises PermissionDenied with the policy's reason when
    the entry belongs to another GitHub account or another account here."""
    person = person_claimed_by_github(github_id=github_id, github=github, lock=True)
    if refusal := permissions.github_sign_in_refusal(person, github_id=github_id, user=actor):
        raise PermissionDenied(refusal)
    if person is None:
        return _person_from_github(
            actor=actor,
            github_id=github_id,
            github=github,
            full_name=full_name,
            verified_email=verified_email,
        )
    if person.github_id is None:
        person.github_id = github_id
        person.user = actor
        if not person.email and verified_email:
            person.email = verified_email
        save_validated(person)
        audit_record(
            actor=actor,
            verb="person.github_linked",
            target=person,
            data={"github": person.github, "github_id": github_id},
        )
    elif person.github != github:
        _person_github_rename(actor=actor, person=person, github=github)
    return person


def _person_from_github(
    *, actor, github_id: int, github: str, full_name: str, verified_email: str
) -> Person:
    # A person without a role has no public page: a sign-in adds nobody to the public roster.
    person = Person(
        full_name=" ".join(full_name.split())[:FULL_NAME_MAX_LENGTH] or github,
        github=github,
        github_id=github_id,
        email=verified_email,
        user=actor,
    )
    save_validated(person)
    audit_record(
        actor=actor,
        verb="person.created_from_github",
        target=person,
        data={"github": github, "github_id": github_id},
    )
    return person


def _person_github_rename(*, actor, person: Person, github: str) -> None:
    """The GitHub account behind `person` now goes by `github`: the old handle keeps
    redirecting to the person's page, and the new one stops redirecting anywhere else."""
    holder = (
        Person.objects.alias(github_lower=Lower("github"))
        .filter(github_lower=github.lower())
        .exclude(pk=person.pk)
        .first()
    )
    if holder is not None:
        raise PermissionDenied(
            "Your new GitHub handle is listed here for someone else. Ask the core maintainers "
            "to update the roster."
        )
    old = person.github
    FormerHandle.objects.alias(github_lower=Lower("github")).filter(
        github_lower=github.lower()
    ).delete()
    if old.lower() != github.lower():
        FormerHandle.objects.create(person=person, github=old)
    person.github = github
    save_validated(person)
    audit_record(
        actor=actor,
        verb="person.github_renamed",
        target=person,
        data={"from": old, "to": github, "github_id": person.github_id},
    )
