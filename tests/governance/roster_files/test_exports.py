"""The exported repository files: their exact layouts, YAML that parses, determinism and
`--check` in each command."""

import io
import zipfile

import pytest
import yaml
from django.core.management import CommandError, call_command

from governance import roster_files, selectors
from governance.roster_parsers import persons
from tests.governance.roster_files.conftest import fixture_text

pytestmark = pytest.mark.django_db

MERGE_RULE_KEYS = {
    "name",
    "patterns",
    "approved_by",
    "mandatory_checks_name",
    "ignore_flaky_failures",
}


def roster() -> roster_files.Roster:
    return selectors.roster_for_export()


def test_it_writes_persons_of_interest_as_myst_markdown(small_roster):
    # Modules without an imported position come by name; people in seniority order, the
    # emeritus after the active, a person without a handle as a bare bullet.
    text = roster_files.persons_of_interest_markdown(roster())

    assert text == (
        "# PyTorch Governance | Maintainers\n\n"
        "## Responsibilities\n\nMaintainers review changes.\n\n"
        "## Lead Core Maintainer (BDFL)\n\n- Ada Example ([adaex](https://github.com/adaex))\n\n"
        "## Core Maintainers\n\n"
        "## Core Module maintainers\n\n"
        "### Compiler Front End (includes Dynamo, FX)\n\n"
        "- Gus Tracer ([gus-tracer](https://github.com/gus-tracer))\n"
        "- Dee Person ([DeePerson](https://github.com/DeePerson))\n\n"
        "### NN APIs (torch.nn)\n\n"
        "- Dee Person ([DeePerson](https://github.com/DeePerson))\n"
        "- Eli Nohandle\n"
        "- (emeritus) Fay Retired ([fayr](https://github.com/fayr))\n\n"
        "## Core Governed External Module maintainers\n\n"
        "### TorchVision\n\n- Ivy Vision ([ivyv](https://github.com/ivyv))\n\n"
        "## Sunsetted Modules\n\n"
        "### Caffe2\n\n- Jon Legacy ([jlegacy](https://github.com/jlegacy))\n"
    )


def test_it_writes_persons_of_interest_as_restructured_text(small_roster):
    text = roster_files.persons_of_interest_rst(roster())

    assert text.startswith(
        "PyTorch Governance | Maintainers\n================================\n\n"
        "Responsibilities\n----------------\n\nMaintainers review changes.\n\n"
    )
    assert (
        "NN APIs (torch.nn)\n~~~~~~~~~~~~~~~~~~\n\n"
        "-  Dee Person (`DeePerson <https://github.com/DeePerson>`__)\n"
        "-  Eli Nohandle\n"
        "-  (emeritus) Fay Retired (`fayr <https://github.com/fayr>`__)\n"
    ) in text
    assert "Sunsetted Modules\n-----------------\n\nCaffe2\n~~~~~~\n\n" in text


def test_it_writes_every_file_the_same_twice(small_roster):
    first, second = roster(), roster()

    assert roster_files.persons_of_interest_markdown(
        first
    ) == roster_files.persons_of_interest_markdown(second)
    assert roster_files.merge_rules_yaml(first) == roster_files.merge_rules_yaml(second)
    assert roster_files.codeowners(first) == roster_files.codeowners(second)
    assert roster_files.owners_archive(first) == roster_files.owners_archive(second)


def test_it_writes_merge_rules_that_parse_as_yaml_and_keep_the_schema(small_roster):
    rules = yaml.safe_load(roster_files.merge_rules_yaml(roster()))

    assert isinstance(rules, list)
    for rule in rules:
        assert set(rule) <= MERGE_RULE_KEYS
        assert isinstance(rule["name"], str)
        assert all(isinstance(pattern, str) for pattern in rule["patterns"])
        assert all(isinstance(login, str) for login in rule["approved_by"])
        assert all(isinstance(check, str) for check in rule.get("mandatory_checks_name", []))
        assert isinstance(rule.get("ignore_flaky_failures", True), bool)
    by_name = {rule["name"]: rule for rule in rules}
    # One rule per module with paths, in every group, modules without a position by name;
    # TorchVision owns no path in this repository.
    assert list(by_name) == [
        "Compiler Front End",
        "NN APIs (torch.nn)",
        "Caffe2",
        "Core Maintainers",
    ]
    assert by_name["NN APIs (torch.nn)"] == {
        "name": "NN APIs (torch.nn)",
        "patterns": ["torch/nn/**", "-torch/nn/legacy/**", "test/test_nn.py"],
        "approved_by": ["DeePerson"],  # Eli has no handle; Fay is emeritus
        "mandatory_checks_name": ["EasyCLA", "Lint"],
    }
    assert by_name["Compiler Front End"]["patterns"] == ["torch/_dynamo/**", "**/fx_*.py"]
    assert by_name["Compiler Front End"]["approved_by"] == ["DeePerson", "gus-tracer"]
    assert by_name["Core Maintainers"] == {
        "name": "Core Maintainers",
        "patterns": ["*"],
        "approved_by": ["adaex", "pytorch/metamates"],
        "mandatory_checks_name": ["EasyCLA"],
    }


@pytest.mark.parametrize(
    "value",
    ["*", "**/x.py", "-torch/x", "yes", "No", "null", "~", "1.0", "0x1f", "2024-01-01", "a: b",
     "a #b", "it's", "[x]", "{x}", "a,b", "@user", "!tag", "pull / linux-jammy / test", " pad", ""],
)  # fmt: skip
def test_it_quotes_yaml_scalars_so_they_read_back_as_the_same_string(value):
    assert yaml.safe_load(f"- {roster_files.yaml_scalar(value)}") == [value]


def test_it_writes_codeowners_with_maintainers_and_reviewers_and_no_exclusions(small_roster):
    text = roster_files.codeowners(roster())

    lines = text.splitlines()
    assert lines[0].startswith("# ")
    assert "torch/nn/** @DeePerson" in lines
    assert "test/test_nn.py @DeePerson" in lines
    assert not any(line.startswith("-torch") for line in lines)
    assert "**/fx_*.py @DeePerson @fayr @gus-tracer" in lines  # Fay reviews the compiler
    assert "caffe2/** @jlegacy" in lines


def test_it_writes_one_owners_file_per_module(small_roster):
    archive = zipfile.ZipFile(io.BytesIO(roster_files.owners_archive(roster())))

    assert sorted(archive.namelist()) == [
        "caffe2/OWNERS", "compiler-front-end/OWNERS", "nn-apis/OWNERS", "torchvision/OWNERS"
    ]  # fmt: skip
    nn = yaml.safe_load(archive.read("nn-apis/OWNERS"))
    assert nn == {"approvers": ["DeePerson"], "reviewers": [], "emeritus_approvers": ["fayr"]}
    compiler = yaml.safe_load(archive.read("compiler-front-end/OWNERS"))
    assert compiler == {
        "approvers": ["DeePerson", "gus-tracer"],
        "reviewers": ["fayr"],
        "emeritus_approvers": [],
    }


def test_it_carries_a_merged_modules_paths_into_its_merge_rule(small_roster, core1):
    from django.utils import timezone

    from governance import services

    services.taxonomy_revise(
        actor=core1,
        title="Fold the compiler into NN",
        reason="Decided.",
        decided_on=timezone.localdate(),
        steps=[services.ModuleMerge(sources=[small_roster["compiler"]], into="nn-apis")],
    )

    rules = {rule["name"]: rule for rule in yaml.safe_load(roster_files.merge_rules_yaml(roster()))}
    assert "Compiler Front End" not in rules
    assert "torch/_dynamo/**" in rules["NN APIs (torch.nn)"]["patterns"]
    assert rules["NN APIs (torch.nn)"]["approved_by"] == ["DeePerson", "gus-tracer"]


# Commands and --check -------------------------------------------------------------------------

COMMANDS = [
    ("export_persons_of_interest", []),
    ("export_persons_of_interest", ["--format", "rst"]),
    ("export_merge_rules", []),
    ("export_codeowners", []),
    ("export_owners", ["nn-apis"]),
]


@pytest.mark.parametrize(("command", "args"), COMMANDS)
def test_it_checks_a_matching_file_and_exits_zero(small_roster, tmp_path, command, args):
    path = tmp_path / "file"
    call_command(command, *args, "--output", str(path))
    out = io.StringIO()

    call_command(command, *args, "--check", str(path), stdout=out)

    assert "matches the roster" in out.getvalue()


@pytest.mark.parametrize(("command", "args"), COMMANDS)
def test_it_fails_check_on_a_one_line_drift_with_a_unified_diff(
    small_roster, tmp_path, command, args
):
    path = tmp_path / "file"
    call_command(command, *args, "--output", str(path))
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + " drift\n"
    path.write_text("".join(lines))
    out = io.StringIO()

    with pytest.raises(CommandError, match="differs from the roster") as raised:
        call_command(command, *args, "--check", str(path), stdout=out)

    assert raised.value.returncode == 1
    diff = out.getvalue()
    assert diff.startswith(f"--- {path}\n+++ ")
    assert f"-{lines[2]}" in diff
    assert f"+{lines[2].removesuffix(' drift' + chr(10))}\n" in diff


def test_it_prints_the_file_to_stdout_byte_for_byte(small_roster):
    out = io.StringIO()

    call_command("export_merge_rules", stdout=out)

    assert out.getvalue() == roster_files.merge_rules_yaml(roster())


def test_it_writes_the_owners_archive_from_the_command(small_roster, tmp_path):
    path = tmp_path / "OWNERS.zip"

    call_command("export_owners", "--zip", str(path), stderr=io.StringIO())

    assert path.read_bytes() == roster_files.owners_archive(roster())


def test_it_refuses_an_unknown_module_for_owners(small_roster):
    with pytest.raises(CommandError, match="No active module"):
        call_command("export_owners", "nowhere", stdout=io.StringIO())


def test_it_reads_back_the_fixture_it_would_write(db):
    # The hand-written fixture follows the layout the exporter writes, line for line.

    document = persons.parse_persons(fixture_text("persons_of_interest.md"), "md")

    assert document.title == "Example Governance | Maintainers"
    assert [module.name for module in document.modules] == [
        "NN APIs (torch.nn)", "Compiler Front End", "Autograd", "Mobile", "TorchVision", "Caffe2"
    ]  # fmt: skip
