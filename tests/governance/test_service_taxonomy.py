"""The taxonomy services: applying a revision (add, rename, merge, split, sunset) as one
all-or-nothing change, and who may."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance import services
from governance.models import (
    AuditEvent,
    Module,
    ModuleGroup,
    ModuleStatus,
    Role,
    RoleKind,
    RoleStatus,
    TaxonomyChange,
    TaxonomyOperation,
    TaxonomyRevision,
)
from tests.governance.helpers import REFUSED_ACTORS, active_maintainers, snapshot

pytestmark = pytest.mark.django_db


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
