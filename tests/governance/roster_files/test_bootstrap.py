"""Starting a roster from the files a project has when it has no maintainer file: CODEOWNERS,
Kubernetes OWNERS with OWNERS_ALIASES, and merge_rules.yaml."""

import io
import json

import pytest
from django.core.management import call_command

from governance import roster_parsers
from governance.models import ExportSettings, MergeRule, Module, Person, Role, RoleKind, RoleStatus
from governance.roster_parsers import owner_files
from tests.governance.roster_files.conftest import FIXTURES

pytestmark = pytest.mark.django_db

CORPUS = FIXTURES / "persons"
SOURCES = [
    ("codeowners", "CODEOWNERS", []),
    ("owners", "sig-storage/OWNERS", ["--aliases", str(CORPUS / "sig-storage/OWNERS_ALIASES")]),
    ("merge-rules", "merge_rules.yaml", []),
]


def run(source: str, name: str, extra: list[str], *flags: str) -> str:
    out = io.StringIO()
    call_command("import_persons", str(CORPUS / name), "--from", source, *extra, *flags, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(("source", "name", "extra"), SOURCES)
def test_it_parses_each_source_to_its_expected_structure_and_changes_nothing(source, name, extra):
    expected = json.loads((CORPUS / f"{name.replace('/', '_')}.json").read_text(encoding="utf-8"))

    assert json.loads(run(source, name, extra, "--dry-run", "--json")) == expected
    assert not Person.objects.exists()
    assert not Module.objects.exists()


def test_it_starts_modules_with_paths_and_owners_from_codeowners():
    printed = run("codeowners", "CODEOWNERS", [])

    nn = Module.objects.get(name="NN APIs (torch.nn)")
    assert nn.path_patterns == "torch/nn/**\ntest/test_nn.py"
    assert set(nn.roles.values_list("person__github", flat=True)) == {"deeperson", "fayr"}
    assert Module.objects.get(name="Legal").path_patterns == "LICENSE"
    assert "could not place: line 8: @example-org/linalg-team is a team" in printed
    assert "could not place: line 9: linalg-docs@example.org is a team or an e-mail" in printed
    assert "could not place: line 12: /LICENSE has no owner" in printed
    assert "could not place: line 14: /docs/ is under no '# Module name' comment" in printed


def test_it_expands_owners_aliases_and_reads_handles_without_case():
    run("owners", "sig-storage/OWNERS", ["--aliases", str(CORPUS / "sig-storage/OWNERS_ALIASES")])

    module = Module.objects.get(name="sig-storage")
    active = Role.objects.filter(module=module, status=RoleStatus.ACTIVE)
    assert set(active.filter(kind=RoleKind.MODULE_MAINTAINER).values_list("person__github", flat=True)) == {"deeperson", "Eloise", "AdaEx"}  # fmt: skip
    assert list(active.filter(kind=RoleKind.MODULE_REVIEWER).values_list("person__github", flat=True)) == ["bsample"]  # fmt: skip
    assert Role.objects.get(person__github="cyformer").status == RoleStatus.EMERITUS


def test_it_turns_merge_rules_into_module_paths_catch_all_rules_and_checks():
    run("codeowners", "CODEOWNERS", [])

    printed = run("merge-rules", "merge_rules.yaml", [])

    linalg = Module.objects.get(name="Linear Algebra")
    assert linalg.path_patterns == "torch/linalg/**\ntest/test_linalg.py"
    rule = MergeRule.objects.get()
    assert (rule.name, rule.patterns, rule.approved_by) == ("Core Maintainers", "*", "example-org/core\nbsample")  # fmt: skip
    assert rule.ignore_flaky_failures is False
    assert ExportSettings.objects.get().check_names == ["EasyCLA", "Lint"]
    assert "could not place: line 11: allow_forced_merges of the rule 'Core Maintainers'" in printed
    assert "line 1: deeperson approves Linear Algebra but does not maintain the module" in printed


def test_it_refuses_a_rule_without_a_name_with_its_line():
    with pytest.raises(roster_parsers.MalformedFile, match="rule 2 has no name") as raised:
        owner_files.parse_merge_rules("- name: A\n  patterns: ['*']\n- patterns: ['*']\n")

    assert raised.value.line == 3


def test_it_changes_nothing_on_a_second_bootstrap():
    run("codeowners", "CODEOWNERS", [])

    assert "0 change(s)." in run("codeowners", "CODEOWNERS", [])


def test_it_refuses_merge_rules_that_are_not_a_list_of_rules():
    with pytest.raises(roster_parsers.MalformedFile, match="a list of rules"):
        owner_files.parse_merge_rules("name: x\n")
