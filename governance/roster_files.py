"""The repository files, written from the roster: pure functions from a `Roster` to text.

Every function returns the same bytes for the same roster (no dates, no dictionary order, no
locale), so that a project's CI can compare its files with these and fail when they drift.
`governance.selectors.roster_for_export` reads the roster; `governance.roster_parsers` reads the
persons_of_interest files back.
"""

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from governance.models import ModuleGroup
from governance.validators import NAME_BREAKING_CHARACTERS

GITHUB_URL = "https://github.com/"
EMERITUS_PREFIX = "(emeritus) "

# The level-two sections of persons_of_interest, in the order the file has them.
RESPONSIBILITIES = "Responsibilities"
LEAD_SECTION = "Lead Core Maintainer (BDFL)"
CORE_SECTION = "Core Maintainers"
GROUP_SECTIONS = {
    ModuleGroup.CORE: "Core Module maintainers",
    ModuleGroup.EXTERNAL: "Core Governed External Module maintainers",
    ModuleGroup.SUNSETTED: "Sunsetted Modules",
}
INCLUDES_PATTERN = re.compile(r"^(?P<name>.+) \(includes (?P<includes>.+)\)$")

GENERATED_NOTICE = "Generated from the maintainer roster; change the roster, not this file."


@dataclass(frozen=True)
class Listed:
    full_name: str
    github: str


@dataclass(frozen=True)
class ModuleRoster:
    name: str
    slug: str
    group: str
    includes: str
    patterns: tuple[str, ...]
    maintainers: tuple[Listed, ...]
    emeritus_maintainers: tuple[Listed, ...]
    reviewers: tuple[Listed, ...]
    emeritus_reviewers: tuple[Listed, ...]
    group_name: str = ""

    @property
    def heading(self) -> str:
        return f"{self.name} (includes {self.includes})" if self.includes else self.name


@dataclass(frozen=True)
class CatchAllRule:
    name: str
    patterns: tuple[str, ...]
    approved_by: tuple[str, ...]
    mandatory_checks: tuple[str, ...]
    ignore_flaky_failures: bool


@dataclass(frozen=True)
class Roster:
    title: str
    responsibilities: str
    mandatory_checks: tuple[str, ...]
    lead: tuple[Listed, ...]
    emeritus_lead: tuple[Listed, ...]
    core: tuple[Listed, ...]
    emeritus_core: tuple[Listed, ...]
    modules: tuple[ModuleRoster, ...]
    catch_all_rules: tuple[CatchAllRule, ...]
    # How an imported persons_of_interest was written, when the export is to follow it.
    persons_layout: dict | None = None


def people(persons: Iterable) -> tuple[Listed, ...]:
    return tuple(Listed(full_name=person.full_name, github=person.github) for person in persons)


def handles(listed: Iterable[Listed]) -> list[str]:
    """GitHub handles, case-insensitively sorted and deduplicated; people without one drop out."""
    return sorted_unique(person.github for person in listed if person.github)


def sorted_unique(names: Iterable[str]) -> list[str]:
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(name.lower(), name)
    return [by_key[key] for key in sorted(by_key)]


# persons_of_interest ----------------------------------------------------------------------------


def _sections(roster: Roster) -> list[tuple[str, Sequence[tuple[str, Sequence[str]]]]]:
    """(level-two heading, [(level-three heading or "", bullets)]) for both layouts."""

    def entries(active: Sequence[Listed], former: Sequence[Listed]) -> list[tuple[Listed, bool]]:
        return [(person, False) for person in active] + [(person, True) for person in former]

    sections: list = [
        (LEAD_SECTION, [("", entries(roster.lead, roster.emeritus_lead))]),
        (CORE_SECTION, [("", entries(roster.core, roster.emeritus_core))]),
    ]
    for group, standard_title in GROUP_SECTIONS.items():
        modules = [module for module in roster.modules if module.group == group]
        # A group the project names itself replaces the standard heading, unless a module
        # still sits under the standard one.
        titles = [standard_title] if any(not m.group_name for m in modules) else []
        titles += sorted_unique(m.group_name for m in modules if m.group_name)
        for title in titles or [standard_title]:
            listed = [m for m in modules if (m.group_name or standard_title) == title]
            sections.append(
                (
                    title,
                    [
                        (module.heading, entries(module.maintainers, module.emeritus_maintainers))
                        for module in listed
                    ],
                )
            )
    return sections


# A name is text, never markup: a backslash before each character that would start markup, and
# any line break (which the roster refuses, but a file must never depend on that) as a space.
# `governance.roster_parsers` takes the backslashes off again.
LINE_BREAKS = re.compile(f"{NAME_BREAKING_CHARACTERS}+")
MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]<>|~&$!{}])")
# "#" starts a heading only at the start of a bullet's text, so only there is it markup.
MARKDOWN_LEADING_HASH = re.compile(r"^#")
RST_SYNTAX = re.compile(r"([\\`*_|\[\]:<>])")


def markdown_text(text: str) -> str:
    escaped = MARKDOWN_SYNTAX.sub(r"\\\1", LINE_BREAKS.sub(" ", text))
    return MARKDOWN_LEADING_HASH.sub(r"\\#", escaped)


def rst_text(text: str) -> str:
    return RST_SYNTAX.sub(r"\\\1", LINE_BREAKS.sub(" ", text))


def _markdown_bullet(person: Listed, emeritus: bool) -> str:
    prefix = EMERITUS_PREFIX if emeritus else ""
    name = markdown_text(person.full_name)
    if not person.github:
        return f"- {prefix}{name}"
    return f"- {prefix}{name} ([{person.github}]({GITHUB_URL}{person.github}))"


def _rst_bullet(person: Listed, emeritus: bool) -> str:
    prefix = EMERITUS_PREFIX if emeritus else ""
    name = rst_text(person.full_name)
    if not person.github:
        return f"-  {prefix}{name}"
    return f"-  {prefix}{name} (`{person.github} <{GITHUB_URL}{person.github}>`__)"


def _rst_heading(title: str, underline: str) -> str:
    return f"{title}\n{underline * len(title)}"


def _document(roster: Roster, *, heading, bullet) -> str:
    blocks = [heading(1, roster.title), heading(2, RESPONSIBILITIES)]
    if roster.responsibilities:
        blocks.append(roster.responsibilities)
    for title, subsections in _sections(roster):
        blocks.append(heading(2, title))
        for subtitle, entries in subsections:
            if subtitle:
                blocks.append(heading(3, subtitle))
            if entries:
                blocks.append("\n".join(bullet(person, emeritus) for person, emeritus in entries))
    return "\n\n".join(blocks) + "\n"


def persons_of_interest_markdown(roster: Roster) -> str:
    """MyST Markdown, as PyTorch's docs/source/community/persons_of_interest.md."""
    return _document(
        roster, heading=lambda level, title: f"{'#' * level} {title}", bullet=_markdown_bullet
    )


RST_UNDERLINES = {1: "=", 2: "-", 3: "~"}


def persons_of_interest_rst(roster: Roster) -> str:
    """reStructuredText, as the older persons_of_interest.rst."""
    return _document(
        roster,
        heading=lambda level, title: _rst_heading(title, RST_UNDERLINES[level]),
        bullet=_rst_bullet,
    )


# YAML ------------------------------------------------------------------------------------------
# Written by hand so that the bytes are fixed by this module alone, not by a library's version.

PLAIN_SCALAR = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9 _./()+,@=~!*{}\[\]-]*$")
YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n", "~"}
NUMBER_LIKE = re.compile(r"^[-+]?(\.?[0-9]|0[box])|^\.(inf|nan)$", re.IGNORECASE)
FLOW_CHARACTERS = set("{}[],")


def yaml_scalar(value: str) -> str:
    """A string as a YAML scalar: plain where YAML reads it back as the same string, else
    single-quoted (a quote inside is doubled)."""
    plain = (
        PLAIN_SCALAR.match(value)
        and value == value.strip()
        and value.lower() not in YAML_WORDS
        and not NUMBER_LIKE.match(value)
        and not (FLOW_CHARACTERS & set(value))
        and " #" not in value
    )
    if plain:
        return value
    return "'" + value.replace("'", "''") + "'"


def _yaml_list(key: str, values: Sequence[str], indent: str = "") -> list[str]:
    if not values:
        return [f"{indent}{key}: []"]
    return [f"{indent}{key}:", *(f"{indent}- {yaml_scalar(value)}" for value in values)]


# merge_rules.yaml ------------------------------------------------------------------------------


def _merge_rule(
    name: str,
    patterns: Sequence[str],
    approved_by: Sequence[str],
    checks: Sequence[str],
    ignore_flaky_failures: bool = True,
) -> list[str]:
    lines = [f"- name: {yaml_scalar(name)}"]
    lines += _yaml_list("patterns", patterns, "  ")
    lines += _yaml_list("approved_by", approved_by, "  ")
    if checks:
        lines += _yaml_list("mandatory_checks_name", checks, "  ")
    if not ignore_flaky_failures:
        lines.append("  ignore_flaky_failures: false")
    return lines


def merge_rules_yaml(roster: Roster) -> str:
    """PyTorch's .github/merge_rules.yaml: one rule per active module that owns repository paths,
    approved by its active maintainers, then the configured catch-all rules.

    A module with no paths is left out (its code lives in another repository); one with no
    active maintainer keeps its rule with an empty approver list, so only a catch-all merges it.
    """
    lines = [f"# {GENERATED_NOTICE}"]
    for module in roster.modules:
        if module.patterns:
            lines += _merge_rule(
                module.name,
                module.patterns,
                handles(module.maintainers),
                roster.mandatory_checks,
            )
    for rule in roster.catch_all_rules:
        lines += _merge_rule(
            rule.name,
            rule.patterns,
            sorted_unique(rule.approved_by),
            rule.mandatory_checks,
            rule.ignore_flaky_failures,
        )
    if len(lines) == 1:
        lines.append("[]")
    return "\n".join(lines) + "\n"


# CODEOWNERS ------------------------------------------------------------------------------------


def codeowners(roster: Roster) -> str:
    """GitHub's CODEOWNERS: each module's paths owned by its active maintainers and reviewers.

    The last matching line wins, so modules come in the files' order and a module's own paths
    stay together under a comment naming it. CODEOWNERS has no exclusions, so '-' patterns are
    left out; a path with no owner is written bare, which GitHub reads as "no owner".
    """
    lines = [f"# {GENERATED_NOTICE}"]
    for module in roster.modules:
        patterns = [pattern for pattern in module.patterns if not pattern.startswith("-")]
        if not patterns:
            continue
        owners = " ".join(f"@{handle}" for handle in handles(module.maintainers + module.reviewers))
        lines.append("")
        lines.append(f"# {module.heading}")
        lines += [f"{pattern} {owners}".rstrip() for pattern in patterns]
    return "\n".join(lines) + "\n"


# OWNERS ----------------------------------------------------------------------------------------


def owners_file(module: ModuleRoster) -> str:
    """A Kubernetes-style OWNERS file for one module."""
    lines = [f"# {module.heading}. {GENERATED_NOTICE}"]
    lines += _yaml_list("approvers", handles(module.maintainers))
    lines += _yaml_list("reviewers", handles(module.reviewers))
    lines += _yaml_list("emeritus_approvers", handles(module.emeritus_maintainers))
    return "\n".join(lines) + "\n"


# A fixed timestamp (the earliest a zip can hold), so the archive's bytes depend on content only.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def owners_archive(roster: Roster) -> bytes:
    """Every module's OWNERS file as `<slug>/OWNERS` in a zip whose bytes depend on content only."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for module in sorted(roster.modules, key=lambda item: item.slug):
            info = zipfile.ZipInfo(f"{module.slug}/OWNERS", date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, owners_file(module).encode())
    return buffer.getvalue()


def module_in(roster: Roster, slug: str) -> ModuleRoster | None:
    return next((module for module in roster.modules if module.slug == slug), None)
