"""The roster's services: people, modules, roles and taxonomy revisions.

Every service is checked for its happy path, its audit event, its permission check (outsiders
and module maintainers are refused and change nothing) and its all-or-nothing behaviour.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance import permissions, public_cache, services
from governance.models import (
    AuditEvent,
    Module,
    ModuleGroup,
    ModuleStatus,
    Notification,
    NotificationChannel,
    Person,
    Role,
    RoleKind,
    RoleStatus,
    TaxonomyChange,
    TaxonomyOperation,
    TaxonomyRevision,
)

pytestmark = pytest.mark.django_db

REFUSED_ACTORS = ("outsider", "maintainer", "nominee", "nominator", "anonymous")
ROSTER_MANAGERS = ("lead", "core1", "staff")


@pytest.fixture
def actor_named(request):
    """The persona's user, or AnonymousUser for "anonymous"."""

    def get(name: str):
        return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)

    return get


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


# People ----------------------------------------------------------------------------------------


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


def test_it_refuses_a_maintainer_updating_a_person(maintainer, nominee):
    with pytest.raises(PermissionDenied):
        services.person_update(actor=maintainer, person=nominee.person, data={"full_name": "X"})


# Modules ---------------------------------------------------------------------------------------


def test_it_adds_a_module_and_audits_it(core1):
    module = services.module_create(
        actor=core1, name=" Sparse ", slug="sparse", path_patterns="torch/sparse/**"
    )

    assert (module.name, module.status, module.group) == (
        "Sparse",
        ModuleStatus.ACTIVE,
        ModuleGroup.CORE,
    )
    event = AuditEvent.objects.get(verb="module.created", target_id=str(module.pk))
    assert (event.actor, event.data) == (core1, {"slug": "sparse"})


@pytest.mark.parametrize("name", REFUSED_ACTORS)
def test_it_refuses_to_add_a_module_for_others(actor_named, name):
    actor = actor_named(name)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.module_create(actor=actor, name="Sparse", slug="sparse")

    assert snapshot() == before


def test_it_refuses_bad_path_patterns_and_adds_nothing(core1):
    before = snapshot()

    with pytest.raises(ValidationError, match="Invalid path patterns"):
        services.module_create(actor=core1, name="Sparse", slug="sparse", path_patterns="/abs")

    assert snapshot() == before


def test_it_refuses_a_taken_slug(core1, module):
    with pytest.raises(ValidationError):
        services.module_create(actor=core1, name="Another", slug=module.slug)


def test_it_lets_a_granted_maintainer_edit_the_description_only(maintainer, module):
    permissions.grant_object_permission("governance.change_module", maintainer, module)

    services.module_update(actor=maintainer, module=module, data={"description": "Layers."})
    with pytest.raises(PermissionDenied, match="taxonomy revision"):
        services.module_update(actor=maintainer, module=module, data={"name": "Renamed"})

    module.refresh_from_db()
    assert (module.description, module.name) == ("Layers.", "NN APIs (torch.nn)")
    event = AuditEvent.objects.get(verb="module.updated")
    assert event.actor == maintainer
    assert event.data == {"description": {"from": "", "to": "Layers."}}


def test_it_refuses_a_maintainer_without_the_grant(maintainer, module):
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.module_update(actor=maintainer, module=module, data={"description": "Layers."})

    assert snapshot() == before


def test_it_does_not_let_a_grant_on_one_module_reach_another(maintainer, module):
    other = services.module_create(actor=None, name="Sparse", slug="sparse")
    permissions.grant_object_permission("governance.change_module", maintainer, module)

    with pytest.raises(PermissionDenied):
        services.module_update(actor=maintainer, module=other, data={"description": "Mine."})


def test_it_refuses_to_change_a_retired_module(core1, module):
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

    with pytest.raises(ValidationError, match="retired"):
        services.module_update(actor=core1, module=module, data={"description": "Too late."})


# Roles -----------------------------------------------------------------------------------------


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


# Taxonomy revisions -----------------------------------------------------------------------------


@pytest.fixture
def today() -> datetime.date:
    # Roles are granted today; a revision ends them on its date, which cannot come first.
    return timezone.localdate()


@pytest.fixture
def pt2_modules(maintainer, core1, core2):
    """The three modules of the demo revision: Compilers (core1 maintains it), CPU Performance
    (core2) and Intel/MKLDNN (core2 and the maintainer persona)."""
    compilers = services.module_create(
        actor=None, name="Compilers", slug="compilers", includes="JIT, TorchScript, FX"
    )
    cpu = services.module_create(actor=None, name="CPU Performance", slug="cpu-performance")
    mkldnn = services.module_create(actor=None, name="Intel/MKLDNN", slug="intel-mkldnn")
    grants = [(core1, compilers), (core2, cpu), (core2, mkldnn), (maintainer, mkldnn)]
    for user, module in grants:
        services.role_grant(
            actor=None, person=user.person, kind=RoleKind.MODULE_MAINTAINER, module=module
        )
    return compilers, cpu, mkldnn


def test_it_applies_the_pt2_revision(client, lead, core1, core2, maintainer, pt2_modules, today):
    compilers, cpu, mkldnn = pt2_modules

    revision = services.taxonomy_revise(
        actor=lead,
        title="Module taxonomy for PT2",
        reason="The compiler stack changed.",
        decided_on=today,
        steps=[
            services.ModuleRename(
                module=compilers,
                name="Compiler Front End",
                slug="compiler-front-end",
                includes="Dynamo, FX",
            ),
            services.ModuleMerge(sources=[mkldnn], into="cpu-performance"),
            services.ModuleRename(module=cpu, name="CPU Performance", includes="inductor, MKLDNN"),
            services.ModuleAdd(name="GPU Performance", slug="gpu-performance"),
        ],
    )

    front_end = Module.objects.get(pk=compilers.pk)
    assert (front_end.slug, front_end.name, front_end.includes) == (
        "compiler-front-end",
        "Compiler Front End",
        "Dynamo, FX",
    )
    assert active_maintainers(front_end) == {core1.person.pk}
    assert Module.objects.get(pk=mkldnn.pk).status == ModuleStatus.RETIRED
    assert active_maintainers(mkldnn) == set()
    assert active_maintainers(cpu) == {core2.person.pk, maintainer.person.pk}
    # core2 was in both: one active role in the merged module, not two.
    assert (
        Role.objects.filter(person=core2.person, module=cpu, status=RoleStatus.ACTIVE).count() == 1
    )
    gpu = Module.objects.get(slug="gpu-performance")
    assert gpu.status == ModuleStatus.ACTIVE
    assert active_maintainers(gpu) == set()
    assert list(revision.changes.values_list("operation", "module", "source")) == [
        (TaxonomyOperation.RENAME, compilers.pk, None),
        (TaxonomyOperation.MERGE, cpu.pk, mkldnn.pk),
        (TaxonomyOperation.RENAME, cpu.pk, None),
        (TaxonomyOperation.ADD, gpu.pk, None),
    ]
    rename = revision.changes.first()
    assert (rename.previous_name, rename.previous_slug, rename.previous_includes) == (
        "Compilers",
        "compilers",
        "JIT, TorchScript, FX",
    )
    moved = Role.objects.get(person=maintainer.person, module=mkldnn)
    assert (moved.status, moved.ended_on) == (RoleStatus.EMERITUS, today)
    assert "CPU Performance" in moved.end_reason
    event = AuditEvent.objects.get(verb="taxonomy.revised")
    assert (event.actor, event.data["steps"]) == (
        lead,
        ["ModuleRename", "ModuleMerge", "ModuleRename", "ModuleAdd"],
    )
    assert AuditEvent.objects.filter(verb="role.moved").count() == 2
    response = client.get("/modules/compilers/")
    assert (response.status_code, response["Location"]) == (301, "/modules/compiler-front-end/")


def test_it_splits_a_module_and_places_people_as_assigned(core1, core2, maintainer, today):
    distributed = services.module_create(actor=None, name="Distributed", slug="distributed")
    for user in (core1, core2, maintainer):
        services.role_grant(
            actor=None, person=user.person, kind=RoleKind.MODULE_MAINTAINER, module=distributed
        )

    services.taxonomy_revise(
        actor=core1,
        title="Split Distributed",
        reason="Two teams.",
        decided_on=today,
        steps=[
            services.ModuleAdd(name="FSDP", slug="fsdp"),
            services.ModuleAdd(name="c10d", slug="c10d"),
            services.ModuleSplit(
                source=distributed,
                into=["fsdp", "c10d"],
                assignments={core1.person.pk: ["fsdp"], core2.person.pk: ["c10d"]},
            ),
        ],
    )

    fsdp, c10d = Module.objects.get(slug="fsdp"), Module.objects.get(slug="c10d")
    # The maintainer persona was not assigned, so lands in every part.
    assert active_maintainers(fsdp) == {core1.person.pk, maintainer.person.pk}
    assert active_maintainers(c10d) == {core2.person.pk, maintainer.person.pk}
    assert Module.objects.get(pk=distributed.pk).status == ModuleStatus.RETIRED
    assert sorted(
        TaxonomyChange.objects.filter(operation=TaxonomyOperation.SPLIT).values_list(
            "module__slug", "source"
        )
    ) == [("c10d", distributed.pk), ("fsdp", distributed.pk)]


def test_it_sunsets_a_module_and_keeps_its_maintainers(core1, maintainer, module, today):
    services.taxonomy_revise(
        actor=core1,
        title="Sunset",
        reason="No longer developed.",
        decided_on=today,
        steps=[services.ModuleSunset(module=module)],
    )

    module.refresh_from_db()
    assert (module.group, module.status) == (ModuleGroup.SUNSETTED, ModuleStatus.ACTIVE)
    assert active_maintainers(module) == {maintainer.person.pk}

    with pytest.raises(ValidationError, match="already sunsetted"):
        services.taxonomy_revise(
            actor=core1,
            title="Sunset again",
            reason="Twice.",
            decided_on=today,
            steps=[services.ModuleSunset(module=module)],
        )
    assert TaxonomyRevision.objects.count() == 1


def test_it_leaves_nothing_behind_when_a_later_step_fails(core1, core2, pt2_modules, today):
    """Step one adds a module and step two merges (moving two roles); step three renames a
    module onto an active module's name, which the database refuses. Nothing may remain."""
    compilers, cpu, mkldnn = pt2_modules
    before = snapshot()

    with pytest.raises(ValidationError, match="active module already has this name"):
        services.taxonomy_revise(
            actor=core1,
            title="Doomed",
            reason="Its third step clashes.",
            decided_on=today,
            steps=[
                services.ModuleAdd(name="GPU Performance", slug="gpu-performance"),
                services.ModuleMerge(sources=[mkldnn], into="cpu-performance"),
                services.ModuleRename(module=compilers, name=cpu.name.upper()),
            ],
        )

    assert snapshot() == before
    assert not TaxonomyRevision.objects.exists()
    assert not TaxonomyChange.objects.exists()
    assert not Module.objects.filter(slug="gpu-performance").exists()
    assert Module.objects.get(pk=mkldnn.pk).status == ModuleStatus.ACTIVE


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (lambda m: [], "at least one step"),
        (lambda m: [services.ModuleMerge(sources=[m], into="nowhere")], "No active module"),
        (lambda m: [services.ModuleMerge(sources=[m], into=m.slug)], "into itself"),
        (lambda m: [services.ModuleMerge(sources=[], into=m.slug)], "at least one module"),
        (lambda m: [services.ModuleSplit(source=m, into=[m.slug])], "at least two parts"),
        (
            lambda m: [
                services.ModuleAdd(name="A", slug="a"),
                services.ModuleSplit(source=m, into=["a", m.slug]),
            ],
            "its own parts",
        ),
        (
            lambda m: [
                services.ModuleAdd(name="A", slug="a"),
                services.ModuleAdd(name="B", slug="b"),
                services.ModuleSplit(source=m, into=["a", "b"], assignments={1: ["c"]}),
            ],
            "not a part of this split",
        ),
        (lambda m: [services.ModuleAdd(name="Dup", slug=m.slug)], "(?i)slug already exists"),
        (lambda m: ["not a step"], "Unknown taxonomy step"),
    ],
    ids=[
        "no-steps",
        "merge-into-unknown",
        "merge-into-itself",
        "merge-nothing",
        "split-one-part",
        "split-into-itself",
        "split-unknown-assignment",
        "add-taken-slug",
        "unknown-step",
    ],
)
def test_it_refuses_a_malformed_revision_and_changes_nothing(
    core1, maintainer, module, today, steps, message
):
    before = snapshot()

    with pytest.raises(ValidationError, match=message):
        services.taxonomy_revise(
            actor=core1, title="Bad", reason="Bad.", decided_on=today, steps=steps(module)
        )

    assert snapshot() == before


@pytest.mark.parametrize("name", REFUSED_ACTORS)
def test_it_refuses_a_revision_from_others(actor_named, name, module, today):
    actor = actor_named(name)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        services.taxonomy_revise(
            actor=actor,
            title="Coup",
            reason="Because.",
            decided_on=today,
            steps=[services.ModuleSunset(module=module)],
        )

    assert snapshot() == before


def test_it_follows_a_renamed_module_through_two_revisions(client, core1, module, today):
    for name, slug in (("Neural Networks", "neural-networks"), ("NN", "nn")):
        services.taxonomy_revise(
            actor=core1,
            title=f"Rename to {name}",
            reason="Clearer.",
            decided_on=today,
            steps=[
                services.ModuleRename(module=Module.objects.get(pk=module.pk), name=name, slug=slug)
            ],
        )

    for old in (module.slug, "neural-networks"):
        response = client.get(f"/modules/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/modules/nn/")
