"""The roster's invariants, held by the database itself.

Each rule is checked twice: through a service (full_clean turns it into a ValidationError) and
with a raw write that bypasses full_clean (`bulk_create` / `update()`), which the database must
refuse with an IntegrityError whatever the caller.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from governance import services
from governance.models import (
    GITHUB_HANDLE_MAX_LENGTH,
    GITHUB_HANDLE_PATTERN,
    AuditEvent,
    Module,
    ModuleStatus,
    Notification,
    NotificationChannel,
    Person,
    Role,
    RoleKind,
    RoleStatus,
    validate_github_handle,
)
from governance.validators import validate_path_patterns

pytestmark = pytest.mark.django_db


def refused_by_database(write) -> bool:
    """Run a raw write in a savepoint; True if the database refused it."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


# Person.github ---------------------------------------------------------------------------------


def test_it_refuses_a_github_handle_that_differs_only_in_case(core1):
    handle = core1.person.github

    with pytest.raises(ValidationError, match="already has this GitHub handle"):
        services.person_create(actor=None, full_name="Someone Else", github=handle.upper())

    assert refused_by_database(
        lambda: Person.objects.bulk_create([Person(full_name="Raw", github=handle.title())])
    )
    assert Person.objects.filter(github__iexact=handle).count() == 1


def test_it_allows_many_people_without_a_handle():
    services.person_create(actor=None, full_name="First Unlisted")
    services.person_create(actor=None, full_name="Second Unlisted")

    assert Person.objects.filter(github="").count() == 2


@pytest.mark.parametrize(
    "handle",
    ["-leading", "trailing-", "double--hyphen", "under_score", "with space", "dot.ted", "ümlaut"],
)
def test_it_refuses_a_malformed_github_handle(handle):
    with pytest.raises(ValidationError, match="GitHub handle"):
        services.person_create(actor=None, full_name="Bad Handle", github=handle)

    assert refused_by_database(
        lambda: Person.objects.bulk_create([Person(full_name="Raw", github=handle)])
    )
    assert not Person.objects.exists()


def test_it_refuses_a_malformed_handle_written_by_update(core1):
    person = core1.person
    handle = person.github

    assert refused_by_database(
        lambda: Person.objects.filter(pk=person.pk).update(github="bad handle")
    )
    person.refresh_from_db()
    assert person.github == handle


def test_it_refuses_a_handle_longer_than_github_allows():
    with pytest.raises(ValidationError):
        services.person_create(
            actor=None, full_name="Long", github="a" * (GITHUB_HANDLE_MAX_LENGTH + 1)
        )

    services.person_create(actor=None, full_name="Longest", github="a" * GITHUB_HANDLE_MAX_LENGTH)
    assert Person.objects.count() == 1


def _write_handle_by_validator(person, handle):
    validate_github_handle(handle)


def _write_handle_by_service(person, handle):
    services.person_update(actor=None, person=person, data={"github": handle})


def _write_handle_by_raw_update(person, handle):
    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(github=handle)


@pytest.mark.parametrize(
    "write",
    [_write_handle_by_validator, _write_handle_by_service, _write_handle_by_raw_update],
    ids=["validator", "service", "database"],
)
def test_it_refuses_a_handle_with_a_trailing_newline(core1, write):
    """`$` in Python's re (the validator, and Django's REGEXP function on SQLite) matches before
    a final newline; PostgreSQL's `$` does not. Each layer must refuse "handle\\n" by itself."""
    person = core1.person
    handle = person.github

    with pytest.raises((ValidationError, IntegrityError)):
        write(person, handle + "\n")

    person.refresh_from_db()
    assert person.github == handle


def test_it_refuses_an_empty_full_name():
    with pytest.raises(ValidationError):
        services.person_create(actor=None, full_name="   ", github="blank-name")

    assert refused_by_database(lambda: Person.objects.bulk_create([Person(full_name="")]))


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(st.from_regex(GITHUB_HANDLE_PATTERN, fullmatch=True).filter(lambda s: "\n" not in s))
def test_it_accepts_every_handle_the_pattern_describes(handle):
    if len(handle) <= GITHUB_HANDLE_MAX_LENGTH:
        validate_github_handle(handle)


# (A trailing newline is left to the test above, so that one bug fails one test.)
@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(
    st.text(alphabet="ab-_ .Z9", min_size=1, max_size=12).filter(
        lambda s: s.startswith("-") or s.endswith("-") or "--" in s or set(s) & set("_ .")
    )
)
def test_it_rejects_every_handle_outside_the_pattern(handle):
    with pytest.raises(ValidationError):
        validate_github_handle(handle)


# Roles -----------------------------------------------------------------------------------------


def test_it_allows_one_active_role_per_person_kind_and_module(maintainer, module):
    person = maintainer.person

    with pytest.raises(ValidationError, match="already holds this role in this module"):
        services.role_grant(
            actor=None, person=person, kind=RoleKind.MODULE_MAINTAINER, module=module
        )
    assert refused_by_database(
        lambda: Role.objects.bulk_create(
            [Role(person=person, kind=RoleKind.MODULE_MAINTAINER, module=module)]
        )
    )
    assert Role.objects.filter(person=person, module=module).count() == 1


def test_it_allows_one_active_project_role_per_person(core1):
    person = core1.person

    with pytest.raises(ValidationError, match="already holds this role"):
        services.role_grant(actor=None, person=person, kind=RoleKind.CORE_MAINTAINER)
    assert refused_by_database(
        lambda: Role.objects.bulk_create([Role(person=person, kind=RoleKind.CORE_MAINTAINER)])
    )


def test_it_allows_the_role_again_once_the_old_one_is_emeritus(maintainer, module):
    person = maintainer.person
    old = person.roles.get()
    services.role_make_emeritus(actor=None, role=old, reason="Stepped back for a year.")

    again = services.role_grant(
        actor=None, person=person, kind=RoleKind.MODULE_MAINTAINER, module=module
    )

    assert again.pk != old.pk
    assert list(person.roles.order_by("pk").values_list("status", flat=True)) == [
        RoleStatus.EMERITUS,
        RoleStatus.ACTIVE,
    ]


def test_it_allows_one_active_lead_core_maintainer(lead, core1):
    with pytest.raises(ValidationError, match="already an active lead core maintainer"):
        services.role_grant(actor=None, person=core1.person, kind=RoleKind.LEAD_CORE_MAINTAINER)
    assert refused_by_database(
        lambda: Role.objects.bulk_create(
            [Role(person=core1.person, kind=RoleKind.LEAD_CORE_MAINTAINER)]
        )
    )
    assert Role.objects.filter(kind=RoleKind.LEAD_CORE_MAINTAINER).get().person == lead.person


def test_it_needs_a_module_for_a_module_role(nominee):
    with pytest.raises(ValidationError, match="Module roles need a module"):
        services.role_grant(actor=None, person=nominee.person, kind=RoleKind.MODULE_REVIEWER)
    assert refused_by_database(
        lambda: Role.objects.bulk_create(
            [Role(person=nominee.person, kind=RoleKind.MODULE_MAINTAINER, module=None)]
        )
    )


def test_it_refuses_a_module_on_a_project_role(nominee, module):
    with pytest.raises(ValidationError, match="project roles have none"):
        services.role_grant(
            actor=None, person=nominee.person, kind=RoleKind.CORE_MAINTAINER, module=module
        )
    assert refused_by_database(
        lambda: Role.objects.bulk_create(
            [Role(person=nominee.person, kind=RoleKind.CORE_REVIEWER, module=module)]
        )
    )
    assert not nominee.person.roles.exists()


def test_it_needs_an_end_date_for_emeritus_and_none_for_active(core1):
    role = core1.person.roles.get()

    assert refused_by_database(
        lambda: Role.objects.filter(pk=role.pk).update(status=RoleStatus.EMERITUS)
    )
    assert refused_by_database(
        lambda: Role.objects.filter(pk=role.pk).update(ended_on=role.started_on)
    )
    role.refresh_from_db()
    assert (role.status, role.ended_on) == (RoleStatus.ACTIVE, None)


def test_it_refuses_an_end_before_the_start(core1):
    role = core1.person.roles.get()
    before = role.started_on - datetime.timedelta(days=1)

    with pytest.raises(ValidationError):
        services.role_make_emeritus(actor=None, role=role, reason="Left.", ended_on=before)
    assert refused_by_database(
        lambda: Role.objects.filter(pk=role.pk).update(status=RoleStatus.EMERITUS, ended_on=before)
    )
    role.refresh_from_db()
    assert role.status == RoleStatus.ACTIVE


# Modules ---------------------------------------------------------------------------------------


def test_it_refuses_two_active_modules_with_the_same_name_in_any_case(module):
    with pytest.raises(ValidationError, match="active module already has this name"):
        services.module_create(actor=None, name=module.name.upper(), slug="other")
    assert refused_by_database(
        lambda: Module.objects.bulk_create([Module(name=module.name.lower(), slug="raw")])
    )


def test_it_lets_a_new_module_reuse_the_name_of_a_retired_one(module):
    services.taxonomy_revise(
        actor=None,
        title="Fold NN APIs",
        reason="Merged.",
        decided_on=datetime.date.today(),
        steps=[
            services.ModuleAdd(name="Neural Networks", slug="neural-networks"),
            services.ModuleMerge(sources=[module], into="neural-networks"),
        ],
    )

    again = services.module_create(actor=None, name=module.name, slug="nn-apis-again")

    assert Module.objects.get(pk=module.pk).status == ModuleStatus.RETIRED
    assert again.status == ModuleStatus.ACTIVE


def test_it_refuses_an_unknown_group_or_status(module):
    assert refused_by_database(lambda: Module.objects.filter(pk=module.pk).update(group="misc"))
    assert refused_by_database(lambda: Module.objects.filter(pk=module.pk).update(status="gone"))


def test_it_reads_path_patterns_one_a_line(module):
    assert module.patterns == ["torch/nn/**", "test/test_nn.py"]


@pytest.mark.parametrize(
    "text",
    ["/abs/path", "torch/../etc", "with space", "back\\slash", "-", "a" * 301, "quote'"],
)
def test_it_rejects_bad_path_patterns(text):
    with pytest.raises(ValidationError, match="Invalid path patterns"):
        validate_path_patterns(text)


def test_it_accepts_globs_and_exclusions():
    validate_path_patterns("torch/nn/**\n-torch/nn/legacy/**\n\n  test/test_nn.py  \n.ci/*.sh")


# The audit log and the outbox -------------------------------------------------------------------


def test_it_keeps_audit_events_append_only(core1):
    event = AuditEvent.objects.filter(verb="person.created").first()
    assert event is not None

    event.verb = "person.deleted"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk, verb="person.created").exists()


def test_it_holds_one_notification_per_event_recipient_and_channel(core1):
    row = Notification.objects.filter(recipient=core1, channel=NotificationChannel.EMAIL).get()

    assert refused_by_database(
        lambda: Notification.objects.bulk_create(
            [
                Notification(
                    event_key=row.event_key,
                    recipient=core1,
                    channel=NotificationChannel.EMAIL,
                    subject="Again",
                    body="Again",
                )
            ]
        )
    )
    assert refused_by_database(
        lambda: Notification.objects.filter(pk=row.pk).update(channel="pigeon")
    )
