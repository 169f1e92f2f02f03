"""The people services: adding a person and updating one, and who may."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance import services
from governance.models import AuditEvent
from tests.governance.helpers import REFUSED_ACTORS, ROSTER_MANAGERS, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ROSTER_MANAGERS)
def test_it_adds_a_person_and_audits_who_did_it(actor_named, name):
    actor = actor_named(name)

    person = services.person_create(
        actor=actor, full_name="  Grace Mensah ", github=" gmensah ", affiliation="Microsoft"
    )

    assert (person.full_name, person.github) == ("Grace Mensah", "gmensah")
    event = AuditEvent.objects.get(verb="person.created", target_id=str(person.pk))
    assert (event.actor, event.actor_label) == (actor, actor.username)
    assert event.target_type == "governance.person"
    assert event.data == {"github": "gmensah"}


def test_it_audits_the_system_as_actor_of_a_command():
    person = services.person_create(actor=None, full_name="Chen Wei", github="chenwei-dev")

    event = AuditEvent.objects.get(target_id=str(person.pk), verb="person.created")
    assert (event.actor, event.actor_label) == (None, "system")


@pytest.mark.parametrize("name", REFUSED_ACTORS)
def test_it_refuses_to_add_a_person_for_others(actor_named, name):
    actor = actor_named(name)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.person_create(actor=actor, full_name="Grace Mensah", github="gmensah")

    assert snapshot() == before


def test_it_refuses_staff_without_the_role_permission(django_user_model):
    operator = django_user_model.objects.create_user("operator", is_staff=True)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.person_create(actor=operator, full_name="Grace Mensah", github="gmensah")

    assert snapshot() == before


def test_it_updates_a_person_and_audits_the_difference(core1, nominee):
    person = nominee.person
    old_affiliation = person.affiliation

    services.person_update(actor=core1, person=person, data={"affiliation": "Quansight"})

    person.refresh_from_db()
    assert person.affiliation == "Quansight"
    event = AuditEvent.objects.get(verb="person.updated", target_id=str(person.pk))
    assert event.actor == core1
    assert event.data == {"affiliation": {"from": old_affiliation, "to": "Quansight"}}


def test_it_writes_nothing_when_an_update_changes_nothing(core1, nominee):
    before = snapshot()

    services.person_update(
        actor=core1, person=nominee.person, data={"affiliation": nominee.person.affiliation}
    )

    assert snapshot() == before


def test_it_refuses_to_update_fields_outside_the_list(core1, nominee):
    with pytest.raises(ValidationError, match="created_at"):
        services.person_update(
            actor=core1, person=nominee.person, data={"created_at": timezone.now()}
        )


def test_it_refuses_a_handle_taken_in_another_case_and_changes_nothing(core1, nominee):
    before = snapshot()

    with pytest.raises(ValidationError):
        services.person_update(
            actor=core1, person=nominee.person, data={"github": core1.person.github.upper()}
        )

    assert snapshot() == before


def test_it_refuses_an_account_that_already_has_a_person_on_its_field(nominee):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.person_create(actor=None, full_name="Ife O.", github="ife-o", user=nominee)

    assert refused.value.message_dict == {"user": ["Person with this User already exists."]}
    assert snapshot() == before


def test_it_reports_every_taken_value_at_once(nominee):
    with pytest.raises(ValidationError) as refused:
        services.person_create(
            actor=None, full_name="Ife O.", github=nominee.person.github.upper(), user=nominee
        )

    assert refused.value.message_dict == {
        "user": ["Person with this User already exists."],
        "__all__": ["Someone already has this GitHub handle."],
    }


def test_it_adds_a_person_to_an_account_without_asking_whether_it_exists(
    django_user_model, django_assert_num_queries
):
    account = django_user_model.objects.create_user(username="gmensah")

    # 1. SAVEPOINT (the service), 2. SAVEPOINT (the save), 3. INSERT the person, 4. RELEASE,
    # 5. UPDATE the public pages' generation, 6. INSERT the audit event, 7. RELEASE. Neither
    # whether the account it was handed exists nor whether it has a person already is asked
    # first: the database refuses both (a taken account at the insert, which is explained
    # afterwards; an account deleted meanwhile when the transaction commits).
    with django_assert_num_queries(7):
        services.person_create(actor=None, full_name="Grace Mensah", github="gm", user=account)


def test_it_refuses_a_maintainer_updating_a_person(maintainer, nominee):
    with pytest.raises(PermissionDenied):
        services.person_update(actor=maintainer, person=nominee.person, data={"full_name": "X"})
