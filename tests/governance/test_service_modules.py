"""The module services: adding a module and editing one, and who may."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance import permissions, services
from governance.models import AuditEvent, ModuleGroup, ModuleStatus
from tests.governance.helpers import REFUSED_ACTORS, snapshot

pytestmark = pytest.mark.django_db


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
