"""Where the exported files' configuration lives: the export settings and catch-all merge rules,
edited in the admin through audited services; and each module's inactivity period."""

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError

from governance import roster_files, selectors, services
from governance.models import AuditEvent, ExportSettings, MergeRule
from nominations import services as nomination_services
from nominations.models import Nomination
from tests.governance.roster_files.conftest import add_maintainer

pytestmark = pytest.mark.django_db


def merge_rules() -> dict:
    rules = yaml.safe_load(roster_files.merge_rules_yaml(selectors.roster_for_export()))
    return {rule["name"]: rule for rule in rules}


def test_it_adds_a_catch_all_rule_from_the_admin_through_the_service(staff_client, lead):
    response = staff_client.post(
        "/admin/governance/mergerule/add/",
        {
            "name": "Core Maintainers",
            "position": "0",
            "patterns": "*",
            "approved_by": "pytorch/metamates",
            "include_core_maintainers": "on",
            "mandatory_checks": "EasyCLA\nLint",
            "ignore_flaky_failures": "",
        },
    )

    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="merge_rule.created").exists()
    assert merge_rules()["Core Maintainers"] == {
        "name": "Core Maintainers",
        "patterns": ["*"],
        "approved_by": ["madeyemi", "pytorch/metamates"],
        "mandatory_checks_name": ["EasyCLA", "Lint"],
        "ignore_flaky_failures": False,
    }


def test_it_shows_an_invalid_pattern_as_an_admin_form_error(staff_client):
    response = staff_client.post(
        "/admin/governance/mergerule/add/",
        {"name": "Bad", "position": "0", "patterns": "../outside", "approved_by": "not a login!"},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "must not climb out with" in content
    assert "is neither a GitHub login nor an org/team slug" in content
    assert not MergeRule.objects.exists()


def test_it_keeps_one_row_of_export_settings_and_audits_its_changes(core1):
    services.export_settings_update(actor=core1, data={"mandatory_checks": "EasyCLA"})
    services.export_settings_update(actor=core1, data={"document_title": "X | Maintainers"})

    settings_row = ExportSettings.objects.get()
    assert (settings_row.document_title, settings_row.check_names) == (
        "X | Maintainers",
        ["EasyCLA"],
    )
    assert AuditEvent.objects.filter(verb="export_settings.updated").count() == 2


@pytest.mark.parametrize("persona", ["maintainer", "outsider"])
def test_it_lets_only_roster_managers_change_the_configuration(request, persona):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        services.export_settings_update(actor=user, data={"mandatory_checks": ""})
    with pytest.raises(PermissionDenied):
        services.merge_rule_create(actor=user, name="Mine", patterns="*")


def test_it_lets_a_module_set_its_own_inactivity_period(module, core1):
    services.module_update(actor=core1, module=module, data={"inactivity_months": 6})

    module.refresh_from_db()
    assert module.inactivity_months == 6
    with pytest.raises(ValidationError):
        services.module_update(actor=core1, module=module, data={"inactivity_months": 0})


def test_it_drafts_one_removal_per_person_and_module(module, core1):
    person_role = add_maintainer(module, "Two Hats", "twohats")
    reviewer = services.role_grant(
        actor=None, person=person_role.person, kind="module_reviewer", module=module
    )

    batch = nomination_services.nominations_for_inactive(
        actor=core1, roles=[person_role, reviewer], rationale="Inactive."
    )

    assert len(batch.created) == 1
    assert batch.already_nominated == [reviewer]
    assert Nomination.objects.get().ending_role == person_role


def test_it_refuses_removal_nominations_to_a_module_maintainer(module, maintainer):
    with pytest.raises(PermissionDenied):
        nomination_services.nominations_for_inactive(
            actor=maintainer, roles=list(maintainer.person.roles.all()), rationale="Inactive."
        )
