"""Privacy requests: `person_anonymise` forgets a person and keeps the committee's record
countable. The person here is core2 (Jonas Keller, @jkeller, NVIDIA): a core maintainer who voted
on a nomination that was decided and announced and on one still in voting, wrote evidence, held
object-level grants (the vote, a module, a generic grant), had an inbox and a session, and then
left the project (emeritus) and asked to be forgotten."""

import datetime

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from guardian.models import UserObjectPermission, UserObjectPermissionBase
from guardian.shortcuts import assign_perm

from governance import permissions
from governance import services as governance_services
from governance.models import (
    AuditEvent,
    ModuleUserObjectPermission,
    Notification,
    Person,
    PersonActivity,
    RoleKind,
    RoleStatus,
)
from governance.roster_parsers.activity import ActivityRecord
from nominations import selectors, services
from nominations.models import (
    Ballot,
    BallotChoice,
    Criterion,
    EvidenceEntry,
    NominationKind,
    Outcome,
)
from tests.conftest import PERSONAS, login
from tests.nominations.conftest import Build, fresh
from tests.support.built_once import built_once, personas_of

pytestmark = pytest.mark.django_db

SPEC = PERSONAS["core2"]
OLD_EMAIL = "core2@example.org"
# Removed on purpose: the account's own data and its object-level grants (every table derived
# from UserObjectPermissionBase). Every other row that points at the person or the account must
# still be there, pointing at the same (anonymised) row.
REMOVED = (Notification, PersonActivity, UserObjectPermissionBase)


@pytest.fixture(scope="module")
def history_once(django_db_setup, django_db_blocker):
    """Every test here starts from the same world; what each changes is rolled back after it."""
    with built_once(django_db_blocker) as built:
        built.world = leave_history(built.build, built.persona("staff"))
        built.persona("outsider")
        yield built


@pytest.fixture
def history(history_once, db) -> dict:
    return {name: fresh(nomination) for name, nomination in history_once.world.items()}


@pytest.fixture
def build(history_once, db, monkeypatch) -> Build:
    return history_once.fresh_build(monkeypatch)


staff, outsider, nominee, core1, lead = personas_of(
    "history_once", ("staff", "outsider", "nominee", "core1", "lead")
)


def leave_history(build: Build, staff) -> dict:
    """What core2 left behind, and core2's role moved to emeritus as the request's first step."""
    announced = build.decided(
        outcome=Outcome.ACCEPTED, nominee=build.person("Mei Tanaka", "mtanaka")
    )
    voting = build.voting(kind=NominationKind.CORE_MAINTAINER)
    build.vote(voting, {build.core2: BallotChoice.DECLINE, build.core1: BallotChoice.APPROVE})
    services.evidence_add(
        actor=build.core2,
        nomination=voting,
        criterion=Criterion.CONTRIBUTIONS,
        body="Reviews well.",
    )
    permissions.grant_object_permission("governance.change_module", build.core2, build.module)
    assign_perm("governance.change_person", build.core2, build.nominee.person)  # generic table
    governance_services.activity_import(
        actor=None,
        records=[
            ActivityRecord(
                line=1,
                github=SPEC.github,
                last_active_on=datetime.date(2025, 1, 1),
                reviews=3,
                commits=0,
                triaged_issues=0,
            )
        ],
    )
    role = build.core2.person.roles.get(kind=RoleKind.CORE_MAINTAINER, status=RoleStatus.ACTIVE)
    governance_services.role_make_emeritus(actor=staff, role=role, reason="Left the project.")
    return {"announced": announced, "voting": voting}


def references(user: AbstractBaseUser, person: Person) -> dict[str, int]:
    """Rows, model by model, that point at the account or the person."""
    counts = {}
    for target in (user, person):
        # include_hidden: the ledger's relations have no reverse accessor (related_name="+").
        for relation in target._meta.get_fields(include_hidden=True):
            if not relation.auto_created or relation.concrete or relation.many_to_many:
                continue
            model = relation.related_model
            if issubclass(model, REMOVED):
                continue
            counts[f"{model._meta.label}.{relation.field.name}"] = model._default_manager.filter(
                **{relation.field.name: target}
            ).count()
    return counts


def tallies(*nominations) -> list[tuple]:
    return [
        (t.approve, t.decline, t.abstain, t.electorate, t.passed, t.ledger_head)
        for t in (fresh(nomination).tally for nomination in nominations)
    ]


def test_it_replaces_the_personal_data_and_closes_the_account(history, build, staff):
    user = build.core2
    client = login(Client(), user)

    done = governance_services.person_anonymise(actor=staff, person=user.person)

    person = Person.objects.get(pk=user.person.pk)
    assert done.person == person
    assert (person.full_name, person.github, person.email, person.affiliation) == (
        f"Former maintainer #{person.pk}",
        "",
        "",
        "",
    )
    user.refresh_from_db()
    assert user.username == f"anonymised-{user.pk}"
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    assert not user.is_active
    assert not user.is_staff
    assert not user.has_usable_password()
    assert done.sessions_ended == 1
    assert client.get("/nominations/").status_code == 302  # signed out
    assert not PersonActivity.objects.filter(person=person).exists()
    assert not Notification.objects.filter(recipient=user).exists()


def test_it_leaves_no_grant_of_the_account_and_none_on_a_missing_object(history, build, staff):
    user = build.core2
    assert ModuleUserObjectPermission.objects.filter(user=user).exists()
    assert UserObjectPermission.objects.filter(user=user).exists()

    done = governance_services.person_anonymise(actor=staff, person=user.person)

    assert done.grants_removed >= 2
    for model in (UserObjectPermission, *UserObjectPermissionBase.__subclasses__()):
        if not model._meta.abstract:
            assert not model.objects.filter(user=user).exists(), model
    for grant in UserObjectPermission.objects.all():
        assert grant.content_object is not None, f"{grant} points at a deleted object"
    assert not user.user_permissions.exists()
    assert not user.groups.exists()


def test_it_keeps_every_other_reference_pointing_at_the_anonymised_rows(history, build, staff):
    user, person = build.core2, build.core2.person
    before = references(user, person)
    assert before["nominations.Ballot.voter"] >= 2
    assert before["nominations.EvidenceEntry.author"] == 1

    governance_services.person_anonymise(actor=staff, person=person)

    assert references(user, person) == before
    assert EvidenceEntry.objects.get(author=user).body == "Reviews well."


def test_it_keeps_ballots_and_decisions_countable(history, build, staff):
    announced, voting = history["announced"], history["voting"]
    before = tallies(announced)
    ledger_before = list(Ballot.objects.order_by("pk").values_list("pk", "entry_hash", "voter"))

    governance_services.person_anonymise(actor=staff, person=build.core2.person)

    call_command("recount")  # raises on a broken chain or a tally that differs from its ledger
    assert tallies(announced) == before
    assert fresh(announced).decision.outcome == Outcome.ACCEPTED
    assert list(Ballot.objects.order_by("pk").values_list("pk", "entry_hash", "voter")) == (
        ledger_before
    )
    count, _ = selectors.count_ledger(voting)
    assert (count.approve, count.decline) == (1, 1)
    build.close(voting)
    assert tallies(voting)[0][:3] == (1, 1, 0)  # core2's ballot still counts


def test_it_removes_the_name_from_every_public_page(history, build, staff, client):
    pages = [
        "/",
        "/modules/",
        build.module.get_absolute_url(),
        "/announcements/",
        "/meetings/",
        "/meetings/feed/",
        "/meetings/calendar.ics",
        "/exports/",
        "/exports/persons_of_interest.md",
        "/exports/persons_of_interest.rst",
        "/exports/CODEOWNERS",
        "/exports/merge_rules.yaml",
    ]
    secrets = (SPEC.full_name, SPEC.github, OLD_EMAIL, SPEC.affiliation)

    def shown() -> str:
        texts = []
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            texts.append(response.content.decode())
        return "\n".join(texts)

    assert SPEC.full_name in shown()  # emeritus maintainers are listed on the roster
    assert client.get(f"/people/{SPEC.github}/").status_code == 200

    governance_services.person_anonymise(actor=staff, person=build.core2.person)

    text = shown()
    assert not [secret for secret in secrets if secret in text]
    assert f"Former maintainer #{build.core2.person.pk}" in text
    assert client.get(f"/people/{SPEC.github}/").status_code == 404


def test_it_records_who_did_it_and_scrubs_the_name_from_the_audit_log(history, build, staff):
    person = build.core2.person

    governance_services.person_anonymise(actor=staff, person=person)

    event = AuditEvent.objects.get(verb="person.anonymised")
    assert (event.actor, event.target_id) == (staff, str(person.pk))
    assert event.target_label == f"person #{person.pk}"
    labels = AuditEvent.objects.values_list("actor_label", "target_label", "data")
    assert not [row for row in labels if SPEC.full_name in str(row) or SPEC.github in str(row)]
    # The log still says what was done to which rows, and by the same account.
    assert AuditEvent.objects.filter(actor=build.core2, verb="ballot.cast").count() == 2


@pytest.mark.parametrize("persona", ["outsider", "nominee", "core1", "lead"])
def test_it_lets_no_one_but_an_operator_anonymise(history, build, persona, request):
    before = Person.objects.get(pk=build.core2.person.pk)

    with pytest.raises(PermissionDenied):
        governance_services.person_anonymise(
            actor=request.getfixturevalue(persona), person=build.core2.person
        )

    assert Person.objects.get(pk=before.pk).full_name == SPEC.full_name
    assert not AuditEvent.objects.filter(verb="person.anonymised").exists()


def test_it_refuses_someone_who_still_holds_a_role(build, staff):
    with pytest.raises(ValidationError, match="active roles"):
        governance_services.person_anonymise(actor=staff, person=build.core3.person)

    assert Person.objects.get(pk=build.core3.person.pk).full_name == PERSONAS["core3"].full_name


def test_it_changes_nothing_when_run_again(history, build, staff):
    governance_services.person_anonymise(actor=staff, person=build.core2.person)
    person = Person.objects.get(pk=build.core2.person.pk)
    events = AuditEvent.objects.count()

    again = governance_services.person_anonymise(actor=staff, person=person)

    assert again.already_done
    assert AuditEvent.objects.count() == events
    assert Person.objects.get(pk=person.pk).full_name == person.full_name


def test_it_anonymises_from_the_command_line_by_handle_or_id(history, build, capsys):
    person = build.core2.person

    call_command("anonymise_person", SPEC.github)
    call_command("anonymise_person", f"#{person.pk}")

    output = capsys.readouterr().out
    assert f"Anonymised as Former maintainer #{person.pk}" in output
    assert "already anonymised; nothing changed" in output
    assert AuditEvent.objects.get(verb="person.anonymised").actor is None


def test_it_anonymises_from_the_admin(history, build, staff):
    person = build.core2.person
    admin = login(Client(), staff)

    response = admin.post(
        "/admin/governance/person/",
        {"action": "anonymise", "_selected_action": [person.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert f"Anonymised as Former maintainer #{person.pk}" in response.content.decode()
    assert Person.objects.get(pk=person.pk).github == ""


def test_it_anonymises_someone_listed_without_an_account(build, staff):
    nomination = build.opened(nominee=build.person("Lin Chen", "lchen"))
    nominated = nomination.nominee

    done = governance_services.person_anonymise(actor=staff, person=nominated)

    assert (done.person.full_name, done.person.github, done.person.user) == (
        f"Former maintainer #{nominated.pk}",
        "",
        None,
    )
    assert (done.grants_removed, done.notifications_removed, done.sessions_ended) == (0, 0, 0)
    assert fresh(nomination).heading.startswith(f"Former maintainer #{nominated.pk}:")
