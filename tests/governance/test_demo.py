"""`manage.py demo`: the PyTorch-like demo project, loaded idempotently, refused in production.

Loading the demo takes about a second, so it is loaded once for this module, inside a
transaction rolled back at the module's end; each test runs in a savepoint within it.
"""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client, override_settings

from governance import demo, selectors
from governance.models import (
    Module,
    ModuleStatus,
    Person,
    Role,
    RoleKind,
    RoleStatus,
    TaxonomyRevision,
)

pytestmark = pytest.mark.django_db

SIGN_IN_PERSONAS = [persona.username for persona in demo.PERSONAS] + ["outsider", "staff"]


def counts() -> dict[str, int]:
    """Rows of every model of every app: the roster, nominations, audit log and outbox."""
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.db_table in tables
    }


def active_maintainer_handles(slug: str) -> set[str]:
    return set(
        Role.objects.filter(
            module__slug=slug, kind=RoleKind.MODULE_MAINTAINER, status=RoleStatus.ACTIVE
        ).values_list("person__github", flat=True)
    )


@pytest.fixture(scope="module")
def _demo_module_transaction(django_db_setup, django_db_blocker) -> Iterator[str]:
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        with override_settings(DEBUG=True):
            call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def loaded(_demo_module_transaction, db) -> str:
    """The demo, loaded once for the module; the output of that first load."""
    return _demo_module_transaction


def test_it_refuses_to_run_without_debug(loaded, settings):
    settings.DEBUG = False
    before = counts()

    with pytest.raises(CommandError, match="DEBUG=False"):
        call_command("demo", stdout=StringIO())

    assert counts() == before


def test_it_runs_without_debug_when_forced(loaded, settings):
    settings.DEBUG = False
    out = StringIO()

    call_command("demo", "--force", stdout=out)

    assert "Demo data is loaded" in out.getvalue()


def test_it_loads_the_sign_in_personas_with_the_demo_password(loaded, settings):
    for username in SIGN_IN_PERSONAS:
        assert Client().login(username=username, password=settings.DEMO_PASSWORD), username
    assert "Demo data is loaded" in loaded


def test_it_lets_a_persona_sign_in_through_the_form(loaded, settings):
    client = Client()

    response = client.post(
        "/accounts/login/", {"username": "core1", "password": settings.DEMO_PASSWORD}
    )
    code = StringIO()
    settings.DEBUG = True
    call_command("demo_totp", "core1", stdout=code)
    verified = client.post("/accounts/two-factor/verify/", {"code": code.getvalue().strip()})

    assert response.status_code == 302
    assert verified.status_code == 302
    assert client.get("/inbox/").status_code == 200


def test_it_gives_the_core_personas_and_staff_the_documented_demo_authenticator(loaded):
    users = get_user_model().objects.in_bulk(field_name="username")

    enrolled = {
        username
        for username, user in users.items()
        if (device := selectors.authenticator_of(user)) and device.key == demo.DEMO_TOTP_KEY
    }

    assert enrolled == {"lead", "core1", "core2", "core3", "core4", "staff"}
    assert demo.DEMO_TOTP_SECRET in loaded


def test_it_prints_no_code_for_a_persona_without_the_demo_authenticator(loaded, settings):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="no demo authenticator"):
        call_command("demo_totp", "nominee", stdout=StringIO())


def test_it_refuses_to_print_codes_without_debug(loaded, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG=False"):
        call_command("demo_totp", "core1", stdout=StringIO())


def test_it_gives_the_personas_their_roles(loaded):
    people = {
        persona.username: Person.objects.get(user__username=persona.username)
        for persona in demo.PERSONAS
    }

    def kinds(username: str) -> set[str]:
        return set(
            people[username].roles.filter(status=RoleStatus.ACTIVE).values_list("kind", flat=True)
        )

    assert RoleKind.LEAD_CORE_MAINTAINER in kinds("lead")
    for username in demo.CORE_USERNAMES:
        assert RoleKind.CORE_MAINTAINER in kinds(username)
    assert RoleKind.MODULE_MAINTAINER in kinds("maintainer")
    assert not kinds("nominee") & {RoleKind.CORE_MAINTAINER, RoleKind.LEAD_CORE_MAINTAINER}
    assert not Person.objects.filter(user__username__in=["outsider", "staff"]).exists()
    staff = get_user_model().objects.get(username="staff")
    assert staff.is_staff
    assert staff.is_superuser


def test_it_is_idempotent(loaded, settings):
    settings.DEBUG = True
    before = counts()

    out = StringIO()
    call_command("demo", stdout=out)

    assert counts() == before
    assert "Applied the taxonomy revision" not in out.getvalue()
    assert "Applied the taxonomy revision" in loaded


def test_it_applies_the_taxonomy_revision(loaded, client):
    revision = TaxonomyRevision.objects.get(title=demo.TAXONOMY_TITLE)
    assert revision.decided_on == demo.TAXONOMY_DECIDED_ON

    response = client.get("/modules/compilers/")
    assert (response.status_code, response["Location"]) == (301, "/modules/compiler-front-end/")
    front_end = Module.objects.get(slug="compiler-front-end")
    assert (front_end.name, front_end.includes) == ("Compiler Front End", "Dynamo, FX")
    assert active_maintainer_handles("compiler-front-end") == set(
        demo.MODULE_MAINTAINERS["compilers"]
    )

    mkldnn = Module.objects.get(slug="intel-mkldnn")
    assert mkldnn.status == ModuleStatus.RETIRED
    assert active_maintainer_handles("intel-mkldnn") == set()
    assert active_maintainer_handles("cpu-performance") == set(
        demo.MODULE_MAINTAINERS["cpu-performance"]
    ) | set(demo.MODULE_MAINTAINERS["intel-mkldnn"])

    gpu = Module.objects.get(slug="gpu-performance")
    assert gpu.status == ModuleStatus.ACTIVE
    assert active_maintainer_handles("gpu-performance")


def test_it_keeps_the_emeritus_maintainers_with_their_reasons(loaded):
    for (slug, github), reason in demo.EMERITUS.items():
        role = Role.objects.get(
            module__slug=slug, person__github=github, kind=RoleKind.MODULE_MAINTAINER
        )
        assert (role.status, role.end_reason) == (RoleStatus.EMERITUS, reason)


def test_it_serves_every_demo_module_page(loaded, client):
    for module in Module.objects.all():
        assert client.get(module.get_absolute_url()).status_code == 200
    assert client.get("/modules/").status_code == 200
    assert client.get("/").status_code == 200
