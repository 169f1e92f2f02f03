"""Fixtures of the repository files and reports tests: hand-written files, a small roster."""

from pathlib import Path

import pytest
from django.utils import timezone

from governance import services
from governance.models import Module, ModuleGroup, Person, Role, RoleKind
from governance.roster_parsers import persons

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def import_text(text: str, fmt: str, *, dry_run: bool = False, actor=None):
    document = persons.parse_persons(text, fmt)
    return services.persons_import(actor=actor, document=document, dry_run=dry_run)


def roster_counts() -> tuple[int, int, int]:
    return Person.objects.count(), Module.objects.count(), Role.objects.count()


def add_maintainer(module: Module, full_name: str, github: str, affiliation: str = "") -> Role:
    person = services.person_create(
        actor=None, full_name=full_name, github=github, affiliation=affiliation
    )
    return services.role_grant(
        actor=None, person=person, kind=RoleKind.MODULE_MAINTAINER, module=module
    )


@pytest.fixture
def small_roster(db) -> dict:
    """Two core modules, an external and a sunsetted one; active, emeritus, reviewer and
    handle-less people; and a catch-all merge rule."""
    nn = services.module_create(
        actor=None,
        name="NN APIs (torch.nn)",
        slug="nn-apis",
        path_patterns="torch/nn/**\n-torch/nn/legacy/**\ntest/test_nn.py",
    )
    compiler = services.module_create(
        actor=None,
        name="Compiler Front End",
        slug="compiler-front-end",
        includes="Dynamo, FX",
        path_patterns="torch/_dynamo/**\n**/fx_*.py",
    )
    vision = services.module_create(
        actor=None, name="TorchVision", slug="torchvision", group=ModuleGroup.EXTERNAL
    )
    caffe2 = services.module_create(
        actor=None,
        name="Caffe2",
        slug="caffe2",
        group=ModuleGroup.SUNSETTED,
        path_patterns="caffe2/**",
    )
    dee = add_maintainer(nn, "Dee Person", "DeePerson", "Meta")
    eli = services.person_create(actor=None, full_name="Eli Nohandle")
    services.role_grant(actor=None, person=eli, kind=RoleKind.MODULE_MAINTAINER, module=nn)
    fay = add_maintainer(nn, "Fay Retired", "fayr", "Meta")
    services.role_make_emeritus(actor=None, role=fay, reason="Stepped back.")
    services.role_grant(
        actor=None, person=fay.person, kind=RoleKind.MODULE_REVIEWER, module=compiler
    )
    add_maintainer(compiler, "Gus Tracer", "gus-tracer", "NVIDIA")
    services.role_grant(
        actor=None, person=dee.person, kind=RoleKind.MODULE_MAINTAINER, module=compiler
    )
    add_maintainer(vision, "Ivy Vision", "ivyv", "Independent")
    add_maintainer(caffe2, "Jon Legacy", "jlegacy", "AMD")
    ada = services.person_create(actor=None, full_name="Ada Example", github="adaex")
    services.role_grant(actor=None, person=ada, kind=RoleKind.LEAD_CORE_MAINTAINER)
    services.merge_rule_create(
        actor=None,
        name="Core Maintainers",
        patterns="*",
        approved_by="pytorch/metamates",
        include_core_maintainers=True,
        mandatory_checks="EasyCLA",
    )
    services.export_settings_update(
        actor=None,
        data={
            "responsibilities": "Maintainers review changes.",
            "mandatory_checks": "EasyCLA\nLint",
        },
    )
    return {
        "nn": nn,
        "compiler": compiler,
        "vision": vision,
        "caffe2": caffe2,
        "today": timezone.localdate(),
    }
