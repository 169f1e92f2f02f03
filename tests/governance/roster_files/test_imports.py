"""Importing persons_of_interest: round trips, idempotence, dry runs, the real file's quirks and
malformed files (all or nothing, with the line)."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from governance import roster_files, roster_parsers, selectors, services
from governance.models import (
    AuditEvent,
    ExportSettings,
    Module,
    ModuleGroup,
    Person,
    Role,
    RoleKind,
    RoleStatus,
)
from governance.roster_parsers import persons
from tests.governance.roster_files.conftest import (
    FIXTURES,
    fixture_text,
    import_text,
    roster_counts,
)

pytestmark = pytest.mark.django_db

RENDER = {
    "md": roster_files.persons_of_interest_markdown,
    "rst": roster_files.persons_of_interest_rst,
}


@pytest.mark.parametrize("fmt", ["md", "rst"])
def test_it_gives_a_conforming_file_back_byte_for_byte(fmt):
    text = fixture_text(f"persons_of_interest.{fmt}")

    import_text(text, fmt)

    assert RENDER[fmt](selectors.roster_for_export()) == text


@pytest.mark.parametrize("fmt", ["md", "rst"])
def test_it_changes_nothing_on_a_second_import(fmt):
    text = fixture_text(f"persons_of_interest.{fmt}")
    import_text(text, fmt)
    counts, events = roster_counts(), AuditEvent.objects.count()

    report = import_text(text, fmt)

    assert report.changes == []
    assert roster_counts() == counts
    assert AuditEvent.objects.count() == events


def test_it_reads_every_edge_case_of_the_conforming_file():
    import_text(fixture_text("persons_of_interest.md"), "md")

    eli = Person.objects.get(full_name="Eli Nohandle")
    assert eli.github == ""  # a bullet with no handle
    assert {(r.module.name, r.status) for r in eli.roles.all()} == {
        ("NN APIs (torch.nn)", RoleStatus.ACTIVE),
        ("Autograd", RoleStatus.EMERITUS),
    }
    fay = Role.objects.get(person__github="fayr")
    assert (fay.status, fay.module.name) == (RoleStatus.EMERITUS, "NN APIs (torch.nn)")
    compiler = Module.objects.get(name="Compiler Front End")
    assert compiler.includes == "Dynamo, FX"
    assert Module.objects.get(name="Caffe2").group == ModuleGroup.SUNSETTED
    assert Module.objects.get(name="TorchVision").group == ModuleGroup.EXTERNAL
    assert not Module.objects.get(name="Mobile").roles.exists()
    ada = Person.objects.get(github="adaex")
    assert set(ada.roles.values_list("kind", flat=True)) == {
        RoleKind.LEAD_CORE_MAINTAINER,
        RoleKind.CORE_MAINTAINER,
    }
    assert ExportSettings.objects.get().document_title == "Example Governance | Maintainers"


def test_it_reads_the_same_roster_from_either_format():
    import_text(fixture_text("persons_of_interest.rst"), "rst")
    from_rst = roster_files.persons_of_interest_markdown(selectors.roster_for_export())

    import_text(fixture_text("persons_of_interest.md"), "md")

    # The Markdown fixture adds the Autograd module and a second paragraph, nothing else.
    from_md = roster_files.persons_of_interest_markdown(selectors.roster_for_export())
    assert from_md == fixture_text("persons_of_interest.md")
    assert "### Autograd" not in from_rst
    assert Person.objects.count() == 11


def test_it_prints_a_dry_run_and_changes_nothing():
    out = io.StringIO()

    call_command(
        "import_persons", str(FIXTURES / "persons_of_interest.md"), "--dry-run", stdout=out
    )

    assert roster_counts() == (0, 0, 0)
    assert not AuditEvent.objects.exists()
    printed = out.getvalue()
    assert "would: add Eli Nohandle (no GitHub handle)" in printed
    assert "would: add the module Caffe2" in printed
    assert "would: record Kim Older (@kimolder) as emeritus in Caffe2" in printed
    assert "Dry run:" in printed


def test_it_reports_the_same_changes_in_a_dry_run_as_in_a_real_run():
    text = fixture_text("persons_of_interest.md")

    dry = import_text(text, "md", dry_run=True)
    real = import_text(text, "md")

    assert dry.changes == real.changes
    assert len(real.changes) > 20


def test_it_handles_the_real_files_quirks_without_duplicating_anyone():
    report = import_text(fixture_text("real_file_quirks.md"), "md")

    # adaex/AdaEx, albanD/alband and Ben with and without a handle: one person each.
    assert sorted(Person.objects.values_list("full_name", flat=True)) == [
        "Ada Example", "Alban Example", "Ben Sample", "Eli Nohandle", "Fay Retired", "Jon Legacy"
    ]  # fmt: skip
    assert Person.objects.get(full_name="Alban Example").github == "albanD"
    # The link says ben-the-sampler, the address says bsample: the address wins.
    assert Person.objects.get(full_name="Ben Sample").github == "bsample"
    assert Role.objects.get(person__github="fayr").status == RoleStatus.EMERITUS
    autograd = Module.objects.get(name="Autograd")
    assert set(autograd.roles.values_list("person__github", flat=True)) == {"albanD", "bsample"}
    notes = "\n".join(report.notes)
    assert "line 13: the handle 'AdaEx' is written 'adaex' on line 9" in notes
    assert "line 14: the link says 'ben-the-sampler' but goes to 'bsample'" in notes
    assert "line 26: the handle 'alband' is written 'albanD' on line 20" in notes
    assert "line 26: @albanD is named 'Alban Ex.' here and 'Alban Example' on line 20" in notes
    assert "line 27: Ben Sample has no handle here; taken to be @bsample" in notes


def test_it_matches_a_handle_case_variant_to_the_person_on_the_roster():
    import_text(fixture_text("persons_of_interest.md"), "md")
    text = fixture_text("persons_of_interest.md").replace(
        "[adaex](https://github.com/adaex)", "[AdaEx](https://github.com/AdaEx)"
    )

    report = import_text(text, "md")

    assert Person.objects.filter(github__iexact="adaex").count() == 1
    assert Person.objects.get(full_name="Ada Example").github == "AdaEx"
    assert any("@adaex is written @AdaEx" in note for note in report.notes)


def test_it_gives_a_handle_to_someone_listed_before_without_one():
    import_text("# T\n\n## Core Maintainers\n\n- Eli Nohandle\n", "md")

    report = import_text(
        "# T\n\n## Core Maintainers\n\n- Eli Nohandle ([eli](https://github.com/eli))\n", "md"
    )

    assert Person.objects.get().github == "eli"
    assert Role.objects.count() == 1
    assert "give Eli Nohandle the handle @eli" in report.changes


def test_it_moves_an_active_role_to_emeritus_when_the_file_says_so():
    import_text(fixture_text("persons_of_interest.md"), "md")
    text = fixture_text("persons_of_interest.md").replace("- Hal Grad", "- (emeritus) Hal Grad")

    report = import_text(text, "md")

    role = Role.objects.get(person__github="halgrad")
    assert role.status == RoleStatus.EMERITUS
    assert "move Hal Grad (@halgrad) to emeritus in Autograd" in report.changes


def test_it_hands_the_lead_over_when_the_former_lead_is_listed_as_emeritus():
    import_text(
        "# T\n\n## Lead Core Maintainer (BDFL)\n\n- Ada ([ada](https://github.com/ada))\n", "md"
    )

    import_text(
        "# T\n\n## Lead Core Maintainer (BDFL)\n\n- Ben ([ben](https://github.com/ben))\n"
        "- (emeritus) Ada ([ada](https://github.com/ada))\n",
        "md",
    )

    lead = Role.objects.get(kind=RoleKind.LEAD_CORE_MAINTAINER, status=RoleStatus.ACTIVE)
    assert lead.person.github == "ben"


# Malformed files ------------------------------------------------------------------------------

MALFORMED = [
    ("# T\n\n## Core Maintainers\n\n- Ada ([ada](https://gitlab.com/ada))\n", 5, "not a GitHub profile"),
    ("# T\n\n## Core Maintainers\n\n- Ada ([a--da](https://github.com/a--da))\n", 5, "not a valid GitHub handle"),
    ("# T\n\n## Core Maintainers\n\n- Ada ([ada](https://github.com/ada)\n", 5, "cannot read the link"),
    ("# T\n\n## Team\n\n- Ada\n", 3, "unknown section 'Team'"),
    ("# T\n\n## Core Maintainers\n\n- Ada\n\n# U\n", 7, "a second title"),
    ("# T\n\n### NN\n\n- Ada\n", 3, "outside a module section"),
    ("## Core Maintainers\n\n- Ada\n", 1, "no title"),
    (
        "# T\n\n## Core Module maintainers\n\n### NN\n\n- Ada\n\n### NN\n\n- Ben\n",
        9,
        "'NN' is listed again (first on line 5)",
    ),
    (
        "# T\n\n## Core Maintainers\n\n- Ada ([ada](https://github.com/ada))\n\n"
        "## Lead Core Maintainer (BDFL)\n\n- Ada ([ada](https://github.com/ada))\n"
        "- Ben ([ben](https://github.com/ben))\n",
        10,
        "already an active lead core maintainer",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "message"), MALFORMED)
def test_it_refuses_a_malformed_file_with_its_line_and_imports_nothing(text, line, message):
    with pytest.raises(roster_parsers.MalformedFile, match=re.escape(message)) as raised:
        import_text(text, "md")

    assert raised.value.line == line
    assert roster_counts() == (0, 0, 0)
    assert not ExportSettings.objects.exists()


def test_it_refuses_inconsistent_rst_heading_levels_with_the_line():
    text = "T\n=\n\nS\n--\n\nM\n~~\n\nX\n^^\n\nS2\n--\n\nY\n^^\n\n- Ada\n"

    with pytest.raises(roster_parsers.MalformedFile, match="skip from level 2 to 4") as raised:
        persons.parse_persons(text, "rst")

    assert raised.value.line == 16


def test_it_leaves_the_roster_as_it_was_when_a_late_line_fails():
    import_text(fixture_text("persons_of_interest.md"), "md")
    counts = roster_counts()
    broken = fixture_text("persons_of_interest.md") + "- Zed ([zed](https://example.org/zed))\n"

    with pytest.raises(roster_parsers.MalformedFile):
        import_text(broken.replace("- Hal Grad", "- (emeritus) Hal Grad"), "md")

    assert roster_counts() == counts
    assert Role.objects.get(person__github="halgrad").status == RoleStatus.ACTIVE


def test_it_names_the_file_and_line_in_the_commands_error(tmp_path):
    path = tmp_path / "persons.md"
    path.write_text("# T\n\n## Core Maintainers\n\n- Ada ([ada](https://gitlab.com/ada))\n")

    with pytest.raises(CommandError, match=r"persons\.md: line 5: .*Nothing was imported"):
        call_command("import_persons", str(path), stdout=io.StringIO())

    assert roster_counts() == (0, 0, 0)


def test_it_detects_the_format_from_the_file(tmp_path):
    path = tmp_path / "persons_of_interest.txt"
    path.write_text(fixture_text("persons_of_interest.rst"))
    out = io.StringIO()

    call_command("import_persons", str(path), stdout=out)

    assert "Imported" in out.getvalue()
    assert Module.objects.filter(name="Compiler Front End", includes="Dynamo, FX").exists()


# Names are text, never markup ---------------------------------------------------------------------

FORGED = "Mallory\n\n## Core Maintainers\n\n- Eve ([eve](https://github.com/eve))"


def forged_roster(full_name: str) -> roster_files.Roster:
    """A roster whose one module maintainer has `full_name`: built by hand, since the roster
    itself refuses a line break (tests below), so the files are shown not to depend on that."""
    nn = roster_files.ModuleRoster(
        name="NN APIs",
        slug="nn-apis",
        group=ModuleGroup.CORE,
        includes="",
        patterns=(),
        maintainers=(roster_files.Listed(full_name=full_name, github="mallory"),),
        emeritus_maintainers=(),
        reviewers=(),
        emeritus_reviewers=(),
    )
    return roster_files.Roster(
        title="Maintainers",
        responsibilities="",
        mandatory_checks=(),
        lead=(roster_files.Listed(full_name="Ada Example", github="adaex"),),
        emeritus_lead=(),
        core=(),
        emeritus_core=(),
        modules=(nn,),
        catch_all_rules=(),
    )


@pytest.mark.parametrize("fmt", ["md", "rst"])
def test_it_writes_a_name_that_forges_a_section_as_one_line_of_text(fmt):
    text = RENDER[fmt](forged_roster(FORGED))

    document = persons.parse_persons(text, fmt)

    assert document.core == []
    assert [bullet.github for bullet in document.bullets()] == ["adaex", "mallory"]
    assert len(text.splitlines()) == len(RENDER[fmt](forged_roster("Mallory")).splitlines())
    (forged,) = document.modules[0].people
    assert forged.full_name == "Mallory ## Core Maintainers - Eve ([eve](https://github.com/eve))"


@pytest.mark.parametrize("fmt", ["md", "rst"])
@pytest.mark.parametrize(
    "full_name",
    ["José (Pepe) García-Núñez", "Zoë *O'Brien* [the_2nd] <z> `x` |y| :role: #1 & $5! \\"],
)
def test_it_reads_back_every_name_it_writes(fmt, full_name):
    text = RENDER[fmt](forged_roster(full_name))

    (person,) = persons.parse_persons(text, fmt).modules[0].people

    assert (person.full_name, person.github) == (full_name, "mallory")


@pytest.mark.parametrize("fmt", ["md", "rst"])
def test_it_gives_a_name_with_accents_and_parentheses_back_through_the_roster(fmt):
    name = "José (Pepe) García-Núñez"
    text = RENDER[fmt](forged_roster(name))

    import_text(text, fmt)

    assert Person.objects.get(github="mallory").full_name == name
    assert RENDER[fmt](selectors.roster_for_export()) == text


@pytest.mark.parametrize("name", [FORGED, "Tab\there", "Line\u2028separator", "Bell\x07"])
def test_it_refuses_a_name_with_a_line_break_or_a_control_character(name):
    with pytest.raises(ValidationError, match="one line of text"):
        services.person_create(actor=None, full_name=name, github="mallory")

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(full_name=name, github="mallory")

    assert not Person.objects.filter(github="mallory").exists()


def test_it_refuses_to_import_a_file_whose_name_carries_a_control_character():
    text = RENDER["md"](forged_roster("Mal Bell")).replace("Mal Bell", "Mal\x07Bell")

    with pytest.raises(roster_parsers.MalformedFile, match=r"line \d+: A name is one line of text"):
        import_text(text, "md")

    assert not Person.objects.filter(github="mallory").exists()
