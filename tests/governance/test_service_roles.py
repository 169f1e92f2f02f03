"""The role services: granting a role, moving one to emeritus, and who may."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance import permissions, public_cache, services
from governance.models import (
    AuditEvent,
    Module,
    Notification,
    NotificationChannel,
    RoleKind,
    RoleStatus,
)
from tests.governance.helpers import REFUSED_ACTORS, snapshot

pytestmark = pytest.mark.django_db


def test_it_grants_a_role_audits_it_and_queues_one_email(
    core1, nominee, module, django_capture_on_commit_callbacks
):
    generation = public_cache.current_generation()
    with django_capture_on_commit_callbacks() as callbacks:
        role = services.role_grant(
            actor=core1, person=nominee.person, kind=RoleKind.MODULE_REVIEWER, module=module
        )

    assert (role.status, role.started_on, role.ended_on) == (
        RoleStatus.ACTIVE,
        timezone.localdate(),
        None,
    )
    event = AuditEvent.objects.get(verb="role.granted", target_id=str(role.pk))
    assert event.actor == core1
    assert event.data == {
        "person": nominee.person.pk,
        "kind": RoleKind.MODULE_REVIEWER,
        "module": module.pk,
    }
    rows = Notification.objects.filter(event_key=f"role-granted:{role.pk}")
    assert sorted(rows.values_list("recipient", "channel")) == [
        (nominee.pk, NotificationChannel.EMAIL),
        (nominee.pk, NotificationChannel.INBOX),
    ]
    assert rows.get(channel=NotificationChannel.EMAIL).subject == (
        f"You are now Module reviewer of {module.name}"
    )
    assert public_cache.current_generation() != generation  # the roster pages show the role
    assert len(callbacks) == 1  # one send task, for the one email


def test_it_grants_a_role_to_someone_without_an_account_without_notifying(
    core1, module, django_capture_on_commit_callbacks
):
    person = services.person_create(actor=None, full_name="Chen Wei", github="chenwei-dev")

    with django_capture_on_commit_callbacks() as callbacks:
        role = services.role_grant(
            actor=core1, person=person, kind=RoleKind.MODULE_MAINTAINER, module=module
        )

    assert person.roles.get() == role
    assert not Notification.objects.filter(event_key=f"role-granted:{role.pk}").exists()
    assert callbacks == []  # no send task


@pytest.mark.parametrize("name", REFUSED_ACTORS)
def test_it_refuses_to_grant_roles_for_others(actor_named, name, nominee, module):
    actor = actor_named(name)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.role_grant(
            actor=actor, person=nominee.person, kind=RoleKind.MODULE_MAINTAINER, module=module
        )

    assert snapshot() == before


def test_it_refuses_a_maintainer_granting_in_their_own_module(maintainer, nominee, module):
    with pytest.raises(PermissionDenied):
        services.role_grant(
            actor=maintainer, person=nominee.person, kind=RoleKind.MODULE_REVIEWER, module=module
        )
    assert not nominee.person.roles.exists()


def test_it_refuses_a_role_in_a_retired_module(core1, nominee, module):
    services.taxonomy_revise(
        actor=core1,
        title="Retire",
        reason="Folded in.",
        decided_on=timezone.localdate(),
        steps=[
            services.ModuleAdd(name="Neural Networks", slug="neural-networks"),
            services.ModuleMerge(sources=[module], into="neural-networks"),
        ],
    )
    before = snapshot()

    with pytest.raises(ValidationError, match="retired"):
        services.role_grant(
            actor=core1,
            person=nominee.person,
            kind=RoleKind.MODULE_MAINTAINER,
            module=Module.objects.get(pk=module.pk),
        )

    assert snapshot() == before


def test_it_moves_a_role_to_emeritus_with_a_reason(lead, maintainer):
    role = maintainer.person.roles.get()

    services.role_make_emeritus(actor=lead, role=role, reason="  Inactive for a year. ")

    role.refresh_from_db()
    assert (role.status, role.ended_on, role.end_reason) == (
        RoleStatus.EMERITUS,
        timezone.localdate(),
        "Inactive for a year.",
    )
    event = AuditEvent.objects.get(verb="role.emeritus", target_id=str(role.pk))
    assert (event.actor, event.data) == (lead, {"public_reason": "Moved to emeritus."})


def test_it_needs_a_reason_for_emeritus(lead, maintainer):
    role = maintainer.person.roles.get()
    before = snapshot()

    with pytest.raises(ValidationError, match="reason"):
        services.role_make_emeritus(actor=lead, role=role, reason="   ")

    assert snapshot() == before


def test_it_refuses_to_end_a_role_twice(lead, maintainer):
    role = maintainer.person.roles.get()
    services.role_make_emeritus(actor=lead, role=role, reason="Inactive.")
    audit = AuditEvent.objects.count()

    with pytest.raises(ValidationError, match="already ended"):
        services.role_make_emeritus(actor=lead, role=role, reason="Again.")

    assert AuditEvent.objects.count() == audit


@pytest.mark.parametrize("name", REFUSED_ACTORS)
def test_it_refuses_emeritus_for_others(actor_named, name, core2):
    actor = actor_named(name)
    role = core2.person.roles.get()

    with pytest.raises(PermissionDenied):
        services.role_make_emeritus(actor=actor, role=role, reason="Coup.")

    role.refresh_from_db()
    assert role.status == RoleStatus.ACTIVE


def test_it_sees_a_new_grant_once_cached_roles_are_forgotten(core1, nominee):
    """The role predicates cache per user object; a fresh object sees a fresh grant."""
    assert not permissions.is_core_maintainer(nominee)

    services.role_grant(actor=core1, person=nominee.person, kind=RoleKind.CORE_MAINTAINER)

    permissions.forget_cached_access(nominee)
    assert permissions.is_core_maintainer(nominee)
    assert permissions.can_manage_roster(nominee)
