"""persons_of_interest as MyST Markdown or reStructuredText.

The structure comes from real parsers (docutils for reStructuredText, markdown-it-py for
Markdown); the source lines are then read only to keep how the file writes each block, so that
an export can follow the file (`governance.layouts`).
"""

import re
from dataclasses import dataclass, field

from docutils import nodes
from docutils.core import publish_doctree
from docutils.utils import SystemMessage
from markdown_it import MarkdownIt

from governance import layouts, roster_files
from governance.models import ModuleGroup
from governance.roster_parsers import HANDLE, MalformedFile


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
    group_name: str = ""
    people: list[Bullet] = field(default_factory=list)


@dataclass
class PersonsFile:
    title: str = ""
    responsibilities: str = ""
    lead: list[Bullet] = field(default_factory=list)
    core: list[Bullet] = field(default_factory=list)
    modules: list[ListedModule] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    layout: dict = field(default_factory=dict)

    def bullets(self) -> list[Bullet]:
        return [*self.lead, *self.core, *(b for module in self.modules for b in module.people)]

    def as_json(self) -> dict:
        """The parsed structure, as `import_persons --dry-run --json` prints it."""

        def person(bullet: Bullet) -> dict:
            status = "emeritus" if bullet.emeritus else "active"
            return {"line": bullet.line, "handle": bullet.github, "name": bullet.full_name, "status": status}  # fmt: skip

        groups: dict[str, dict] = {}
        for module in self.modules:
            title = module.group_name or roster_files.GROUP_SECTIONS[module.group]
            groups.setdefault(title, {"title": title, "kind": module.group, "modules": []})
            groups[title]["modules"].append(module.name)
        return {
            "title": self.title,
            "format": self.layout.get("format", ""),
            "responsibilities": self.responsibilities,
            "prose_sections": [
                section["title"]
                for section in self.layout.get("sections", [])
                if section["kind"] == "prose"
            ],
            "lead": [person(bullet) for bullet in self.lead],
            "core": [person(bullet) for bullet in self.core],
            "groups": list(groups.values()),
            "modules": [
                {
                    "line": module.line,
                    "name": module.name,
                    "includes": module.includes,
                    "group": module.group_name or roster_files.GROUP_SECTIONS[module.group],
                    "people": [person(bullet) for bullet in module.people],
                }
                for module in self.modules
            ],
            "notes": self.notes,
        }


LEAD_TITLES = {roster_files.LEAD_SECTION.lower(), "lead core maintainer", "bdfl"}
CORE_TITLES = {roster_files.CORE_SECTION.lower(), "general maintainers", "core developers"}
GROUP_TITLES = {title.lower(): str(group) for group, title in roster_files.GROUP_SECTIONS.items()}
GITHUB_URL = re.compile(r"^https?://(?:www\.)?github\.com/(?P<handle>[^/?#\s]+)/?$", re.IGNORECASE)
AT_HANDLE = re.compile(r"(?<![\w@.])@(?P<handle>[A-Za-z0-9][A-Za-z0-9-]{0,38})(?![\w-])")
EMERITUS = "(emeritus)"
RST_SETTINGS = {
    "report_level": 5,  # silent: problems surface as MalformedFile, never on stderr
    "halt_level": 4,  # stop only on severe problems, such as inconsistent heading levels
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "_disable_config": True,
    "doctitle_xform": False,
    "sectsubtitle_xform": False,
    "warning_stream": False,
}
MARKDOWN_LINE = re.compile(r"[^\r\n]+(?:\r\n|\r|\n)?|\r\n|\r|\n")
MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
DOCUTILS_SOURCE = "persons"
DOCUTILS_REPORT = re.compile(rf"^{DOCUTILS_SOURCE}:(?P<line>\d+): \(\w+/\d\) (?P<message>.*)", re.S)
# Four times PyTorch's file. docutils and markdown-it are linear but not fast; a bound keeps an
# import (and a request that triggers one) short whatever it is given.
MAX_PERSONS_FILE_CHARS = 100_000


def detect_format(text: str, filename: str = "") -> str:
    """ "md" or "rst": by the file's extension, else by whether the first heading is underlined
    (or over- and underlined) rather than written with '#'."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix in {"md", "rst"}:
        return suffix
    lines = [line.strip() for line in text.splitlines() if line.strip()][:3]
    if len(lines) == 3 and _is_adornment(lines[0]) and lines[2] == lines[0]:
        return "rst"  # an overlined title, even in '#'
    if lines and lines[0].startswith("#"):
        return "md"
    if len(lines) >= 2 and _is_adornment(lines[1]):
        return "rst"
    return "md"


def _is_adornment(line: str) -> bool:
    line = line.rstrip()
    return len(line) >= 2 and not line[0].isalnum() and not line[0].isspace() and line == line[0] * len(line)  # fmt: skip


@dataclass(frozen=True)
class _Block:
    """One block of the file, in the parser's words: a heading, a list item, or anything else."""

    kind: str
    line: int
    depth: int = 0
    title: str = ""
    parts: tuple = ()  # of an item: ("text", str) and ("link", url, text) in reading order
    marker: str = ""


def _rst_blocks(text: str) -> list[_Block]:
    try:
        doctree = publish_doctree(
            text, source_path=DOCUTILS_SOURCE, settings_overrides=RST_SETTINGS
        )
    except SystemMessage as error:
        report = DOCUTILS_REPORT.match(str(error))
        if report is None:
            raise MalformedFile(f"reStructuredText: {error}") from None
        message = report["message"].strip().splitlines()[0].rstrip(".:")
        raise MalformedFile(f"reStructuredText: {message}", int(report["line"])) from None
    for message in doctree.findall(nodes.system_message):
        # docutils recovers from a heading it cannot place by dropping it into the text; the
        # people under it would then silently join the module before.
        if message["level"] >= 3 and "title" in message.astext().split("\n", 1)[0].lower():
            first = message.astext().split("\n", 1)[0].rstrip(".")
            raise MalformedFile(f"reStructuredText: {first}", message.get("line"))
    lines = text.splitlines()
    blocks: list[_Block] = []

    def item_parts(item) -> tuple:
        paragraph = next(iter(item.findall(nodes.paragraph)), None)
        if paragraph is None:
            return (("text", item.astext()),)
        parts = []
        for child in paragraph.children:
            if isinstance(child, nodes.reference) and child.get("refuri"):
                parts.append(("link", child["refuri"], child.astext()))
            elif not isinstance(child, nodes.target):
                parts.append(("text", child.astext()))
        return tuple(parts)

    def walk(node, depth: int) -> None:
        for child in node.children:
            if isinstance(child, nodes.section):
                title = child[0]
                underline = title.line  # docutils gives the underline's line
                start = underline - 1
                if start >= 2 and _is_adornment(lines[start - 2]):
                    start -= 1
                blocks.append(_Block("heading", start, depth + 1, title.astext()))
                walk(child, depth + 1)
            elif isinstance(child, nodes.block_quote):
                walk(child, depth)  # an indented list is still the list
            elif isinstance(child, nodes.bullet_list):
                for item in child.children:
                    line = item.line or next((n.line for n in item.findall() if n.line), None)
                    if line:
                        blocks.append(_Block("item", line, parts=item_parts(item), marker=child["bullet"]))  # fmt: skip
            elif isinstance(child, nodes.title | nodes.system_message | nodes.target | nodes.substitution_definition):  # fmt: skip
                continue
            elif child.line:
                blocks.append(_Block("other", child.line))

    walk(doctree, 0)
    return blocks


def _markdown_blocks(text: str) -> list[_Block]:
    tokens = MARKDOWN.parse(text)
    blocks: list[_Block] = []
    in_bullet_list = False
    for index, token in enumerate(tokens):
        if token.level == 0 and token.nesting == 1:
            in_bullet_list = token.type == "bullet_list_open"
        if token.map is None or token.nesting == -1:
            continue
        line = token.map[0] + 1
        if token.level == 0 and token.type == "heading_open":
            inline = tokens[index + 1]
            title = " ".join(inline.content.split())
            blocks.append(_Block("heading", line, int(token.tag[1:]), title))
        elif token.type == "list_item_open" and token.level == 1 and in_bullet_list:
            inline = next(
                (t for t in tokens[index + 1 : index + 4] if t.type == "inline" and t.level == 3),
                None,
            )
            parts = _markdown_parts(inline.children or []) if inline else ()
            blocks.append(_Block("item", line, parts=parts, marker=token.markup))
        elif token.level == 0 and token.type not in {"heading_open", "bullet_list_open"}:
            blocks.append(_Block("other", line))
    return blocks


def _markdown_parts(children) -> tuple:
    parts: list[tuple] = []
    link: list | None = None
    for child in children:
        if child.type == "link_open":
            link = [str(child.attrGet("href") or ""), ""]
        elif child.type == "link_close" and link is not None:
            parts.append(("link", link[0], link[1]))
            link = None
        else:
            piece = " " if child.type in {"softbreak", "hardbreak"} else child.content
            if link is not None:
                link[1] += piece
            else:
                parts.append(("text", piece))
    return tuple(parts)


def _without_emeritus(text: str) -> tuple[str, bool]:
    """The text without every "(emeritus)", in any case and place, and whether it had one."""
    lowered = text.lower()
    found = lowered.find(EMERITUS)
    if found < 0:
        return text, False
    pieces, start = [], 0
    while found >= 0:
        pieces.append(text[start:found])
        start = found + len(EMERITUS)
        found = lowered.find(EMERITUS, start)
    pieces.append(text[start:])
    return "".join(pieces), True


def _clean_name(text: str) -> str:
    name = " ".join(text.split()).replace("( )", "").replace("()", "")
    return " ".join(name.split()).strip(" ,;:-\u2013\u2014")


def _checked_handle(handle: str, line: int) -> str:
    if not HANDLE.match(handle) or len(handle) > 39:
        raise MalformedFile(f"{handle!r} is not a valid GitHub handle", line)
    return handle


def _person(parts: tuple, line: int) -> Bullet:
    """A person from a bullet's inline parts: a GitHub link (its address is the truth), else an
    @handle in the text, else a bare handle as the whole bullet, else a name with no handle."""
    link_index = next((i for i, part in enumerate(parts) if part[0] == "link"), None)
    if link_index is None:
        text, emeritus = _without_emeritus("".join(part[1] for part in parts))
        at = AT_HANDLE.search(text)
        if at:
            handle = _checked_handle(at["handle"], line)
            name = _clean_name(text[: at.start()] + text[at.end() :])
            return Bullet(line, name or handle, handle, emeritus)
        name = _clean_name(text)
        if not name:
            raise MalformedFile("a bullet without a name", line)
        if " " not in name and HANDLE.match(name) and name != name.capitalize():
            return Bullet(line, name, _checked_handle(name, line), emeritus)
        return Bullet(line, name, "", emeritus)
    _, url, link_text = parts[link_index]
    profile = GITHUB_URL.match(url)
    if profile is None:
        raise MalformedFile(f"{url!r} is not a GitHub profile address", line)
    handle = _checked_handle(profile["handle"], line)
    before = "".join(part[1] for part in parts[:link_index] if part[0] == "text")
    after = "".join(part[1] for part in parts[link_index + 1 :] if part[0] == "text")
    before, emeritus_before = _without_emeritus(before)
    after, emeritus_after = _without_emeritus(after)
    stripped_before, stripped_after = before.rstrip(), after.lstrip()
    if stripped_before.endswith("(") != stripped_after.startswith(")"):
        raise MalformedFile(f"cannot read the link in {''.join(p[-1] for p in parts)!r}", line)
    if stripped_before.endswith("("):
        before, after = stripped_before[:-1], stripped_after[1:]
    name = _clean_name(f"{before} {after}")
    return Bullet(
        line, name or handle, handle, emeritus_before or emeritus_after, link_text.strip()
    )


def _split_gap(text: str) -> tuple[str, str]:
    """A block's own text and the blank lines after it."""
    body = text.rstrip("\r\n\t ")
    end = text.find("\n", len(body))
    body = text[: end + 1] if end >= 0 else text
    return body, text[len(body) :]


class _Reader:
    """Turns the blocks into the roster's structure and the file's layout."""

    def __init__(self, text: str, fmt: str, blocks: list[_Block]) -> None:
        # Lines as the parser counts them: docutils splits as Python does, markdown-it at
        # "\n", "\r\n" and "\r" only.
        self.lines = text.splitlines(keepends=True) if fmt == "rst" else MARKDOWN_LINE.findall(text)
        self.fmt = fmt
        self.document = PersonsFile()
        self.layout: dict = {"format": fmt, "crlf": "\r\n" in text, "preamble": "", "title": None, "intro": "", "sections": []}  # fmt: skip
        self.blocks = sorted(blocks, key=lambda block: block.line)
        self.section: dict | None = None
        self.module: dict | None = None
        self.listed_module: ListedModule | None = None
        self.titles_seen: dict[str, int] = {}

    def raw(self, index: int) -> tuple[str, str]:
        start = self.blocks[index].line - 1
        end = self.blocks[index + 1].line - 1 if index + 1 < len(self.blocks) else len(self.lines)
        return _split_gap("".join(self.lines[start:end]))

    def read(self) -> PersonsFile:
        first = self.blocks[0].line - 1 if self.blocks else len(self.lines)
        self.layout["preamble"] = "".join(self.lines[:first])
        for index, block in enumerate(self.blocks):
            body, gap = self.raw(index)
            if block.kind == "heading" and block.depth <= 3:
                self.heading(block, body, gap)
            elif block.kind == "item":
                self.item(block, body, gap)
            else:
                self.other(block, body + gap)
        if not self.document.title:
            raise MalformedFile("the file has no title heading", 1)
        for container in [*self.layout["sections"], *(m for s in self.layout["sections"] for m in s["modules"])]:  # fmt: skip
            # The blank lines after a list, kept apart from its last entry, which may go.
            container["last_gap"] = container["items"][-1]["gap"] if container["items"] else "\n"
        for section in self.layout["sections"]:
            if section["kind"] == "unknown":
                section["kind"] = "prose"
            if section["kind"] == "responsibilities":
                self.document.responsibilities = section["before"].strip("\n")
        self.document.layout = self.layout
        return self.document

    def heading(self, block: _Block, body: str, gap: str) -> None:
        chunk = {"title": block.title, "line": block.line, "heading": body, "gap": gap, "before": "", "items": [], "after": ""}  # fmt: skip
        if block.depth == 1:
            if self.document.title:
                raise MalformedFile("a second title", block.line)
            self.document.title = block.title
            self.layout["title"] = chunk
            self.section = self.module = None
            return
        if not self.document.title:
            raise MalformedFile("the file has no title heading", 1)
        if block.depth == 2:
            self.section_heading(block, chunk)
            return
        section = self.section
        if section is None or section["kind"] in {"lead", "core"}:
            raise MalformedFile(f"the module {block.title!r} is outside a module section", block.line)  # fmt: skip
        if section["kind"] in {"responsibilities", "prose"}:
            self.other(block, body + gap)
            return
        if section["kind"] == "unknown":
            if section["items"]:
                raise MalformedFile(f"unknown section {section['title']!r}", section["line"])
            section.update(kind="group", group=self.group_of(section["title"]), group_name=section["title"])  # fmt: skip
        includes = roster_files.INCLUDES_PATTERN.match(block.title)
        self.listed_module = ListedModule(
            line=block.line,
            name=includes["name"].strip() if includes else block.title,
            includes=includes["includes"].strip() if includes else "",
            group=section["group"],
            group_name=section["group_name"],
        )
        self.document.modules.append(self.listed_module)
        chunk["name"] = self.listed_module.name
        section["modules"].append(chunk)
        self.module = chunk

    @staticmethod
    def group_of(title: str) -> str:
        lowered = title.lower()
        if "sunset" in lowered:
            return str(ModuleGroup.SUNSETTED)
        return str(ModuleGroup.EXTERNAL if "external" in lowered else ModuleGroup.CORE)

    def section_heading(self, block: _Block, chunk: dict) -> None:
        key = block.title.lower()
        earlier = self.titles_seen.setdefault(key, block.line)
        if earlier != block.line:
            raise MalformedFile(f"the section {block.title!r} appears twice", block.line)
        if key == roster_files.RESPONSIBILITIES.lower():
            kind = "responsibilities"
        elif key in LEAD_TITLES:
            kind = "lead"
        elif key in CORE_TITLES:
            kind = "core"
        elif key in GROUP_TITLES:
            kind = "group"
            chunk.update(group=GROUP_TITLES[key], group_name="")
        else:
            kind = "unknown"
        if kind in {"lead", "core"} and any(s["kind"] == kind for s in self.layout["sections"]):
            raise MalformedFile(f"the section {block.title!r} appears twice", block.line)
        chunk.update(kind=kind, modules=[])
        self.layout["sections"].append(chunk)
        self.section, self.module, self.listed_module = chunk, None, None

    def container(self) -> dict | None:
        return self.module or self.section or self.layout["title"]

    def item(self, block: _Block, body: str, gap: str) -> None:
        section = self.section
        if section is not None and section["kind"] in {"responsibilities", "prose"}:
            self.other(block, body + gap)
            return
        if section is not None and section["kind"] == "unknown":
            raise MalformedFile(f"unknown section {section['title']!r}", section["line"])
        bullet = _person(block.parts, block.line)
        if self.module is not None and self.listed_module is not None:
            self.listed_module.people.append(bullet)
            container = self.module
        elif section is not None and section["kind"] in {"lead", "core"}:
            getattr(self.document, section["kind"]).append(bullet)
            container = section
        else:
            raise MalformedFile("a person outside any section or module", block.line)
        if container["items"] and container["after"]:
            previous = container["items"][-1]
            previous["body"] += previous["gap"] + container["after"]
            previous["gap"], container["after"] = "", ""
        container["items"].append(
            {
                "line": block.line,
                "name": bullet.full_name,
                "github": bullet.github,
                "emeritus": bullet.emeritus,
                "marker": block.marker,
                "body": body,
                "gap": gap,
            }
        )

    def other(self, block: _Block, text: str) -> None:
        container = self.container()
        if container is None:
            self.layout["preamble"] += text
        elif container is self.layout["title"]:
            self.layout["intro"] += text
        elif container["items"]:
            container["after"] += text
        else:
            container["before"] += text


def parse_persons(text: str, fmt: str) -> PersonsFile:
    """Read persons_of_interest in any of the layouts projects write it in. Raises MalformedFile
    at the first line it cannot place."""
    if fmt not in {"md", "rst"}:
        raise MalformedFile(f"unknown format {fmt!r}; use md or rst")
    if len(text) > MAX_PERSONS_FILE_CHARS:
        raise MalformedFile(
            f"the file has {len(text):,} characters; a maintainer file has at most "
            f"{MAX_PERSONS_FILE_CHARS:,}"
        )
    if "\x00" in text:
        raise MalformedFile("the file contains a NUL character", text[: text.index("\x00")].count("\n") + 1)  # fmt: skip
    blocks = _rst_blocks(text) if fmt == "rst" else _markdown_blocks(text)
    document = _Reader(text, fmt, blocks).read()
    document.layout["conventions"] = layouts.conventions(document.layout)
    document.notes = _spelling_notes(document) + layouts.normalisations(document.layout)
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
