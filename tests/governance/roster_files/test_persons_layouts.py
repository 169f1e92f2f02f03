"""persons_of_interest in the layouts projects write it: each file of the corpus parses to its
expected structure, and imports and exports back byte for byte; any text parses or is refused
clearly, and fast."""

import contextlib
import io
import json
import time

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance import layouts, roster_parsers, selectors, services
from governance.models import AuditEvent, ExportSettings, Module, Person, RoleKind
from governance.roster_parsers import persons
from tests.governance.roster_files.conftest import FIXTURES, import_text

pytestmark = pytest.mark.django_db

CORPUS = FIXTURES / "persons"
LAYOUTS = ["old_module_level.rst", "ours.rst", "ours.md", "myst.md", "handles.md"]


def dry_run_json(path) -> dict:
    out = io.StringIO()
    call_command("import_persons", str(path), "--dry-run", "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("name", LAYOUTS)
def test_it_parses_each_layout_to_its_expected_structure(name):
    expected = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))

    assert dry_run_json(CORPUS / name) == expected


@pytest.mark.parametrize("name", LAYOUTS)
def test_it_exports_each_layout_back_byte_for_byte_after_an_import(name):
    text = (CORPUS / name).read_text(encoding="utf-8")
    fmt = name.rsplit(".", 1)[1]

    import_text(text, fmt)

    assert ExportSettings.objects.get().follow_imported_layout
    assert layouts.persons_of_interest(selectors.roster_for_export(), fmt) == text


@pytest.mark.parametrize("name", LAYOUTS)
def test_it_passes_the_first_drift_check_after_an_import(name):
    call_command("import_persons", str(CORPUS / name), stdout=io.StringIO())
    out = io.StringIO()

    call_command(
        "export_persons_of_interest",
        "--format",
        name.rsplit(".", 1)[1],
        "--check",
        str(CORPUS / name),
        stdout=out,
    )

    assert "matches the roster" in out.getvalue()


def test_it_follows_the_files_conventions_for_a_person_added_after_the_import():
    text = (CORPUS / "old_module_level.rst").read_text(encoding="utf-8")
    import_text(text, "rst")
    module = Module.objects.get(name="XLA")
    person = services.person_create(actor=None, full_name="Zoe New", github="zoenew")
    services.role_grant(actor=None, person=person, kind=RoleKind.MODULE_MAINTAINER, module=module)

    written = layouts.persons_of_interest(selectors.roster_for_export(), "rst")

    added = "-  Zoe New (`zoenew <https://github.com/zoenew>`__)\n"
    assert written == text.replace(
        "-  Kim Older (`kimolder <https://github.com/kimolder>`__)\n",
        "-  Kim Older (`kimolder <https://github.com/kimolder>`__)\n" + added,
    )


def test_it_writes_the_standard_layout_when_the_setting_is_off():
    text = (CORPUS / "old_module_level.rst").read_text(encoding="utf-8")
    import_text(text, "rst")
    services.export_settings_update(actor=None, data={"follow_imported_layout": False})

    written = layouts.persons_of_interest(selectors.roster_for_export(), "rst")

    assert written.startswith("Example Governance | Persons of Interest\n=====")
    assert "Module-level maintainers\n------------------------\n" in written
    assert "*  " not in written


def test_it_lists_each_normalisation_of_the_standard_export_with_its_line():
    document = persons.parse_persons(
        (CORPUS / "old_module_level.rst").read_text(encoding="utf-8"), "rst"
    )

    assert "line 8: `*` bullet will be exported as `-`" in document.notes
    assert "line 1: the overline of 'Example Governance | Persons of Interest' will be dropped" in document.notes  # fmt: skip
    assert "line 12: the underline of 'Module-level maintainers' will be exported as long as the title" in document.notes  # fmt: skip


# Any text ----------------------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "# T\n", "## Core Maintainers\n", "### Mod\n", "Title\n", "=====\n", "-----\n", "~~~~\n",
        "- Ada ([ada](https://github.com/ada))\n", "* (Emeritus) Ben @ben\n", "+ cy\n", "\n",
        "-  Dee (`dee <https://github.com/dee>`__)\n", "  - x\n", "(emeritus)", "[", "](", "`", "<",
        ">`__)", "@", "é", "\t", "\r\n", "```\n", ".. note::\n", ":::\n", "## Module-level maintainers\n", "\r", "\u2028", "\x0c", "#####\n",
    ]
)  # fmt: skip


@settings(derandomize=True, max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(st.lists(PIECES | st.text(max_size=20), max_size=40).map("".join), st.sampled_from(["md", "rst"]))  # fmt: skip
def test_it_parses_any_text_or_refuses_it_with_a_clear_message(text, fmt):
    refusal = None
    try:
        document = persons.parse_persons(text, fmt)
    except roster_parsers.MalformedFile as error:
        refusal = error
    if refusal is None:
        assert document.title
    else:
        assert str(refusal).strip()
        assert refusal.line is None or refusal.line >= 1


ADVERSARIAL = [
    "- A ([a](https://github.com/a)) (emeritus) ((((((((\n",
    "* [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ @a @b\n",
    "### M\n\n",
    "`" * 50 + "\n",
]
HEADS = {
    "md": "# T\n\n## Core Module maintainers\n\n### M\n\n",
    "rst": "Title\n=====\n\nCore Maintainers\n----------------\n\n",
}


def parse_seconds(text: str, fmt: str) -> float:
    """The least processor time of three reads: other processes on the machine add none."""
    times = []
    for _ in range(3):
        started = time.process_time()
        with contextlib.suppress(roster_parsers.MalformedFile):
            persons.parse_persons(text, fmt)
        times.append(time.process_time() - started)
    return min(times)


@pytest.mark.parametrize("fmt", ["md", "rst"])
def test_it_refuses_a_megabyte_of_adversarial_input_within_a_second(fmt):
    text = HEADS[fmt] + ADVERSARIAL[0] * (1_000_000 // len(ADVERSARIAL[0]))

    with pytest.raises(roster_parsers.MalformedFile, match="at most 100,000"):
        persons.parse_persons(text, fmt)
    assert parse_seconds(text, fmt) < 1


@pytest.mark.parametrize("fmt", ["md", "rst"])
@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_it_reads_adversarial_input_in_time_linear_in_its_size(fmt, unit):
    small = HEADS[fmt] + unit * (12_000 // len(unit))
    large = HEADS[fmt] + unit * (48_000 // len(unit))

    # Four times the input within eight times the time: linear, with room for a busy machine.
    assert parse_seconds(large, fmt) < 8 * parse_seconds(small, fmt) + 0.5


def test_it_forgets_an_anonymised_persons_lines_in_the_imported_layout():
    text = (CORPUS / "ours.md").read_text(encoding="utf-8")
    import_text(text, "md")
    cy = Person.objects.get(github="cyformer")

    services.person_anonymise(actor=None, person=cy)

    stored = json.dumps(ExportSettings.objects.get().persons_layout)
    assert "Cy Former" not in stored
    assert "cyformer" not in stored
    written = layouts.persons_of_interest(selectors.roster_for_export(), "md")
    assert written == text.replace(
        "- (emeritus) Cy Former ([cyformer](https://github.com/cyformer))",
        f"- (emeritus) Former maintainer #{cy.pk}",
    )


def test_it_turns_the_imported_layout_off_in_the_admins_export_settings(staff_client):
    text = (CORPUS / "old_module_level.rst").read_text(encoding="utf-8")
    import_text(text, "rst")
    current = ExportSettings.objects.get()

    response = staff_client.post(
        f"/admin/governance/exportsettings/{current.pk}/change/",
        {
            "document_title": current.document_title,
            "responsibilities": current.responsibilities,
            "mandatory_checks": current.mandatory_checks,
            "follow_imported_layout": "",
        },
    )

    assert response.status_code == 302
    assert not ExportSettings.objects.get().follow_imported_layout
    assert AuditEvent.objects.filter(verb="export_settings.updated").count() == 3
    written = layouts.persons_of_interest(selectors.roster_for_export(), "rst")
    assert written != text
    assert "Module-level maintainers\n------------------------\n" in written


def test_it_gives_a_file_with_crlf_line_endings_back_byte_for_byte():
    text = (CORPUS / "ours.md").read_text(encoding="utf-8").replace("\n", "\r\n")

    report = import_text(text, "md")

    assert layouts.persons_of_interest(selectors.roster_for_export(), "md") == text
    assert report.notes == ["the file's CRLF line endings will be exported as LF"]


def test_it_writes_a_module_added_after_the_import_in_the_files_heading_style():
    text = (CORPUS / "old_module_level.rst").read_text(encoding="utf-8")
    import_text(text, "rst")
    fft = services.module_create(
        actor=None, name="torch.fft", slug="torch-fft", group_name="Module-level maintainers"
    )
    person = services.person_create(actor=None, full_name="Zoe New", github="zoenew")
    services.role_grant(actor=None, person=person, kind=RoleKind.MODULE_MAINTAINER, module=fft)

    written = layouts.persons_of_interest(selectors.roster_for_export(), "rst")

    # Most of the file's module underlines are five characters longer than their titles.
    okafor = "-  Jay R. Okafor (JR) (`jrokafor <https://github.com/jrokafor>`__)\n"
    added = "torch.fft\n" + "~" * 14 + "\n\n-  Zoe New (`zoenew <https://github.com/zoenew>`__)\n"
    assert written == text.replace(okafor + "\n", okafor + "\n" + added + "\n")
