"""Readers of the files the roster is imported from: pure functions from text to records.

persons_of_interest comes as MyST Markdown or reStructuredText (the layouts that
`governance.exports` writes); activity comes as CSV or JSON. A reader either returns every record
or raises `MalformedFile` naming the line, so that an import is all or nothing.
"""

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field

from governance import exports
from governance.models import GITHUB_HANDLE_PATTERN, ModuleGroup


class MalformedFile(ValueError):
    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


# persons_of_interest ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bullet:
    line: int
    full_name: str
    github: str
    emeritus: bool
    link_text: str = ""


@dataclass
class ListedModule:
    line: int
    name: str
    includes: str
    group: str
    people: list[Bullet] = field(default_factory=list)


@dataclass
class PersonsFile:
    title: str = ""
    responsibilities: str = ""
    lead: list[Bullet] = field(default_factory=list)
    core: list[Bullet] = field(default_factory=list)
    modules: list[ListedModule] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def bullets(self) -> list[Bullet]:
        return [*self.lead, *self.core, *(b for module in self.modules for b in module.people)]


SECTION_KEYS = {
    exports.RESPONSIBILITIES.lower(): "responsibilities",
    exports.LEAD_SECTION.lower(): "lead_section",
    exports.CORE_SECTION.lower(): "core_section",
    **{title.lower(): str(group) for group, title in exports.GROUP_SECTIONS.items()},
}
GITHUB_URL = re.compile(r"^https?://(?:www\.)?github\.com/(?P<handle>[^/?#\s]+)/?$", re.IGNORECASE)
HANDLE = re.compile(GITHUB_HANDLE_PATTERN)
EMERITUS = re.compile(r"^\(emeritus\)\s*", re.IGNORECASE)
MARKDOWN_HEADING = re.compile(r"^(?P<level>#{1,3})\s+(?P<title>\S.*?)\s*#*\s*$")
MARKDOWN_BULLET = re.compile(r"^[-*]\s+(?P<body>\S.*)$")
MARKDOWN_PERSON = re.compile(r"^(?P<name>.+?)\s+\(\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)\)\)$")
RST_UNDERLINE = re.compile(r"^(?P<char>[=\-~])(?P=char)*$")
RST_BULLET = re.compile(r"^-\s+(?P<body>\S.*)$")
RST_PERSON = re.compile(r"^(?P<name>.+?)\s+\(`(?P<text>[^`<]*?)\s*<(?P<url>[^>\s]*)>`_{1,2}\)$")
RST_LEVELS = {"=": 1, "-": 2, "~": 3}
DASHES = re.compile(r"^[-*]\s")
# `governance.exports` escapes markup in names with a backslash before the character.
ESCAPED = re.compile(r"\\(.)")


def unescaped(text: str) -> str:
    return ESCAPED.sub(r"\1", text)


def detect_format(text: str, filename: str = "") -> str:
    """ "md" or "rst": by the file's extension, else by whether the title is underlined."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in {"md", "rst"}:
        return suffix
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) >= 2 and RST_UNDERLINE.match(lines[1].strip()) and not lines[0].startswith("#"):
        return "rst"
    return "md"


def _person(body: str, number: int, person_pattern: re.Pattern) -> Bullet:
    emeritus = bool(EMERITUS.match(body))
    body = EMERITUS.sub("", body, count=1).strip()
    match = person_pattern.match(body)
    if match is None:
        if "(" in body and ("github.com" in body or "`" in body or "](" in body):
            raise MalformedFile(f"cannot read the link in {body!r}", number)
        if not body:
            raise MalformedFile("a bullet without a name", number)
        return Bullet(line=number, full_name=unescaped(body), github="", emeritus=emeritus)
    url = GITHUB_URL.match(match["url"])
    if url is None:
        raise MalformedFile(f"{match['url']!r} is not a GitHub profile address", number)
    handle = url["handle"]
    if not HANDLE.match(handle) or len(handle) > 39:
        raise MalformedFile(f"{handle!r} is not a valid GitHub handle", number)
    return Bullet(
        line=number,
        full_name=unescaped(match["name"].strip()),
        github=handle,
        emeritus=emeritus,
        link_text=match["text"].strip(),
    )


def _headings_and_bullets(text: str, fmt: str):
    """Yield (kind, line, raw text, ...): ("heading", n, raw, level, title), ("bullet", n, raw,
    body) and ("text", n, raw)."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        raw = lines[index]
        number = index + 1
        if fmt == "md":
            heading = MARKDOWN_HEADING.match(raw)
            if heading:
                yield "heading", number, raw, len(heading["level"]), heading["title"]
                index += 1
                continue
            bullet = MARKDOWN_BULLET.match(raw)
        else:
            following = lines[index + 1] if index + 1 < len(lines) else ""
            underline = RST_UNDERLINE.match(following.rstrip())
            if raw.strip() and underline and not RST_BULLET.match(raw):
                title = raw.rstrip()
                if len(following.rstrip()) != len(title):
                    raise MalformedFile(
                        f"the underline of {title!r} must be as long as the title", number + 1
                    )
                yield "heading", number, f"{raw}\n{following}", RST_LEVELS[underline["char"]], title
                index += 2
                continue
            bullet = RST_BULLET.match(raw)
        if bullet:
            yield "bullet", number, raw, bullet["body"].rstrip()
        else:
            yield "text", number, raw
        index += 1


def parse_persons(text: str, fmt: str) -> PersonsFile:
    """Read persons_of_interest. Raises MalformedFile at the first line it cannot place."""
    if fmt not in {"md", "rst"}:
        raise MalformedFile(f"unknown format {fmt!r}; use md or rst")
    person_pattern = MARKDOWN_PERSON if fmt == "md" else RST_PERSON
    document = PersonsFile()
    section = ""
    module: ListedModule | None = None
    prose: list[str] = []
    seen_sections: set[str] = set()
    for kind, number, raw, *rest in _headings_and_bullets(text, fmt):
        if section == "responsibilities" and not (kind == "heading" and rest[0] <= 2):
            prose.append(raw)
            continue
        if kind == "heading":
            level, title = rest
            if level == 1:
                if document.title:
                    raise MalformedFile("a second title", number)
                document.title = title
                section, module = "", None
            elif level == 2:
                section = SECTION_KEYS.get(title.lower(), "")
                if not section:
                    raise MalformedFile(f"unknown section {title!r}", number)
                if section in seen_sections:
                    raise MalformedFile(f"the section {title!r} appears twice", number)
                seen_sections.add(section)
                module = None
            else:
                if section not in ModuleGroup.values:
                    raise MalformedFile(f"the module {title!r} is outside a module section", number)
                includes = exports.INCLUDES_PATTERN.match(title)
                module = ListedModule(
                    line=number,
                    name=includes["name"].strip() if includes else title,
                    includes=includes["includes"].strip() if includes else "",
                    group=section,
                )
                document.modules.append(module)
            continue
        if kind == "text":
            if raw.strip():
                raise MalformedFile(
                    f"expected a bullet, a heading or a blank line: {raw!r}", number
                )
            continue
        if section == "lead_section":
            document.lead.append(_person(rest[0], number, person_pattern))
        elif section == "core_section":
            document.core.append(_person(rest[0], number, person_pattern))
        elif module is not None:
            module.people.append(_person(rest[0], number, person_pattern))
        else:
            raise MalformedFile("a person outside any section or module", number)
    if not document.title:
        raise MalformedFile("the file has no title heading", 1)
    document.responsibilities = "\n".join(prose).strip("\n")
    document.notes = _spelling_notes(document)
    return document


def _spelling_notes(document: PersonsFile) -> list[str]:
    """What the file writes in more than one way. The URL is the truth for a handle."""
    notes = []
    first_by_handle: dict[str, Bullet] = {}
    for bullet in document.bullets():
        if bullet.github and bullet.link_text and bullet.link_text != bullet.github:
            notes.append(
                f"line {bullet.line}: the link says {bullet.link_text!r} but goes to "
                f"{bullet.github!r}; the address wins"
            )
        if not bullet.github:
            continue
        first = first_by_handle.setdefault(bullet.github.lower(), bullet)
        if first.github != bullet.github:
            notes.append(
                f"line {bullet.line}: the handle {bullet.github!r} is written {first.github!r} "
                f"on line {first.line}; they are one person"
            )
        if first.full_name != bullet.full_name:
            notes.append(
                f"line {bullet.line}: @{first.github} is named {bullet.full_name!r} here and "
                f"{first.full_name!r} on line {first.line}; kept as one person named "
                f"{first.full_name!r}"
            )
    return notes


# Activity ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityRecord:
    line: int
    github: str
    last_active_on: datetime.date
    reviews: int
    commits: int
    triaged_issues: int


ACTIVITY_FIELDS = ("github", "last_active_on", "reviews", "commits", "triaged_issues")
# Names a spreadsheet or an API export may give the same columns.
ACTIVITY_ALIASES = {
    "handle": "github",
    "login": "github",
    "github_handle": "github",
    "last_activity": "last_active_on",
    "last_active": "last_active_on",
    "date": "last_active_on",
    "triaged": "triaged_issues",
    "issues_triaged": "triaged_issues",
}


def _activity_record(row: dict, number: int) -> ActivityRecord:
    row = {
        ACTIVITY_ALIASES.get(str(key).strip().lower(), str(key).strip().lower()): value
        for key, value in row.items()
        if key is not None
    }
    missing = [name for name in ACTIVITY_FIELDS if name not in row]
    if missing:
        raise MalformedFile(f"missing {', '.join(missing)}", number)
    github = str(row["github"] or "").strip().removeprefix("@")
    if not HANDLE.match(github):
        raise MalformedFile(f"{github!r} is not a valid GitHub handle", number)
    try:
        last_active_on = datetime.date.fromisoformat(str(row["last_active_on"]).strip())
    except ValueError:
        raise MalformedFile(
            f"{row['last_active_on']!r} is not a date written YYYY-MM-DD", number
        ) from None
    counts = {}
    for name in ("reviews", "commits", "triaged_issues"):
        value = row[name]
        text = str(value).strip() if value is not None else ""
        if isinstance(value, bool) or not text.isdigit():
            raise MalformedFile(
                f"{name} must be a whole number of zero or more, not {value!r}", number
            )
        counts[name] = int(text)
    return ActivityRecord(line=number, github=github, last_active_on=last_active_on, **counts)


def parse_activity(text: str, fmt: str) -> list[ActivityRecord]:
    """Read activity as CSV (a header line, then one person a line) or JSON (a list of objects;
    the "line" of a record is its place in the list, from 1)."""
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        rows = [(reader.line_num, row) for row in reader]
        if reader.fieldnames is None:
            raise MalformedFile("the file is empty", 1)
        if any(None in row for _, row in rows):
            bad = next(number for number, row in rows if None in row)
            raise MalformedFile("more values than columns", bad)
    elif fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise MalformedFile(f"not JSON: {error.msg}", error.lineno) from None
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise MalformedFile("JSON activity is a list of objects", 1)
        rows = list(enumerate(data, start=1))
    else:
        raise MalformedFile(f"unknown format {fmt!r}; use csv or json")
    records = [_activity_record(row, number) for number, row in rows]
    first_line: dict[str, int] = {}
    for record in records:
        earlier = first_line.setdefault(record.github.lower(), record.line)
        if earlier != record.line:
            raise MalformedFile(
                f"@{record.github} is listed again (first on line {earlier})", record.line
            )
    return records


def activity_format(filename: str) -> str:
    return "json" if filename.lower().endswith(".json") else "csv"
