"""persons_of_interest written the way an imported file wrote it: pure functions.

`governance.roster_parsers` records how the file writes each block (its layout: the source text of
every heading and bullet, the blank lines after each, the prose between them). When the export
settings say so, the export writes every unchanged block as the file had it and new blocks in the
file's own conventions (bullet, heading adornments, blank lines), so that the first drift check
after an import shows no difference. `normalisations` lists, line by line, what the standard
export would write differently.
"""

from collections import Counter

from governance import roster_files

CANONICAL_PREFIX = {"md": "- ", "rst": "-  "}
CANONICAL_BULLET = {"md": roster_files._markdown_bullet, "rst": roster_files._rst_bullet}
SECTION_ORDER = ("responsibilities", "lead", "core", "group")


def persons_of_interest(roster: roster_files.Roster, fmt: str) -> str:
    """The file in `fmt`: following the imported layout when the roster carries one of that
    format, else the standard layout."""
    layout = roster.persons_layout
    if layout and layout.get("format") == fmt and layout.get("title"):
        return render(roster, layout)
    if fmt == "rst":
        return roster_files.persons_of_interest_rst(roster)
    return roster_files.persons_of_interest_markdown(roster)


# Reading the conventions -----------------------------------------------------------------------


def _containers(layout: dict) -> list[dict]:
    sections = layout["sections"]
    return [*sections, *(module for section in sections for module in section.get("modules", []))]


def _headings(layout: dict) -> list[tuple[int, dict]]:
    found = [(1, layout["title"])] if layout.get("title") else []
    for section in layout["sections"]:
        found.append((2, section))
        found += [(3, module) for module in section.get("modules", [])]
    return found


def bullet_prefix(body: str) -> str:
    """The indentation, marker and spaces that open a bullet: "-  ", "* ", "  + "."""
    line = body.split("\n", 1)[0]
    start = len(line) - len(line.lstrip(" "))
    end = start + 1
    while end < len(line) and line[end] == " ":
        end += 1
    return line[:end]


def heading_style(text: str, fmt: str) -> dict:
    lines = text.rstrip("\r\n").splitlines()
    if fmt == "md":
        return {"atx": text.startswith("#")}
    underline = lines[-1].rstrip()
    overline = len(lines) >= 3
    return {
        "char": underline[:1] or "=",
        "overline": overline,
        "extra": len(underline) - len(lines[-2].rstrip()),
    }


def _most_common(values: list, default):
    return Counter(values).most_common(1)[0][0] if values else default


def conventions(layout: dict) -> dict:
    """What most of the file does, for the blocks an export adds: the bullet, each heading
    level's adornment and the blank lines between bullets."""
    fmt = layout["format"]
    items = [item for container in _containers(layout) for item in container["items"]]
    inner_gaps = [item["gap"] for c in _containers(layout) for item in c["items"][:-1]]
    by_depth: dict[int, list] = {}
    for depth, chunk in _headings(layout):
        style = heading_style(chunk["heading"], fmt)
        by_depth.setdefault(depth, []).append(tuple(sorted(style.items())))
    return {
        "marker": _most_common(
            [bullet_prefix(item["body"]) for item in items], CANONICAL_PREFIX[fmt]
        ),
        "item_gap": _most_common(inner_gaps, ""),
        "headings": {
            str(depth): dict(_most_common(styles, ())) for depth, styles in by_depth.items()
        },
    }


# What the standard export changes ----------------------------------------------------------------


def _canonical_heading(title: str, depth: int, fmt: str) -> str:
    if fmt == "md":
        return f"{'#' * depth} {title}\n"
    return roster_files._rst_heading(title, roster_files.RST_UNDERLINES[depth]) + "\n"


def _lf(text: str) -> str:
    """Line endings are one note for the whole file, not one a line."""
    return text.replace("\r\n", "\n")


def _blank_lines(gap: str) -> int:
    return gap.count("\n")


def _heading_notes(chunk: dict, depth: int, fmt: str) -> list[str]:
    title, line = chunk["title"], chunk["line"]
    canonical = _canonical_heading(title, depth, fmt)
    if _lf(chunk["heading"]) == canonical:
        return []
    if fmt == "md":
        return [f"line {line}: the heading {title!r} will be exported as {canonical.strip()!r}"]
    style = heading_style(chunk["heading"], fmt)
    notes = []
    if style["overline"]:
        notes.append(f"line {line}: the overline of {title!r} will be dropped")
    expected = roster_files.RST_UNDERLINES[depth]
    if style["char"] != expected:
        notes.append(f"line {line}: the `{style['char']}` underline of {title!r} will be exported with `{expected}`")  # fmt: skip
    if style["extra"]:
        notes.append(f"line {line}: the underline of {title!r} will be exported as long as the title")  # fmt: skip
    return notes or [f"line {line}: the heading {title!r} will be exported as {canonical!r}"]


def _item_notes(item: dict, fmt: str) -> list[str]:
    listed = roster_files.Listed(full_name=item["name"], github=item["github"])
    canonical = CANONICAL_BULLET[fmt](listed, item["emeritus"]) + "\n"
    body = _lf(item["body"])
    if body == canonical:
        return []
    line, notes = item["line"], []
    prefix, canonical_prefix = bullet_prefix(body), CANONICAL_PREFIX[fmt]
    if prefix.strip() != canonical_prefix.strip():
        notes.append(f"line {line}: `{prefix.strip()}` bullet will be exported as `-`")
    elif prefix != canonical_prefix:
        notes.append(f"line {line}: the bullet {prefix!r} will be exported as {canonical_prefix!r}")  # fmt: skip
    if body[len(prefix) :] != canonical[len(canonical_prefix) :]:
        notes.append(f"line {line}: the entry will be exported as {canonical.strip()!r}")
    return notes


def _gap_note(line: int, what: str, gap: str, expected: int) -> list[str]:
    found = _blank_lines(gap)
    if found == expected:
        return []
    return [f"line {line}: {found} blank line(s) after {what} will be exported as {expected}"]


def normalisations(layout: dict) -> list[str]:
    """Each way the standard export writes this file differently, with the line."""
    fmt = layout["format"]
    notes: list[str] = []
    if layout.get("crlf"):
        notes.append("the file's CRLF line endings will be exported as LF")
    if layout["preamble"].strip() or layout["intro"].strip():
        notes.append("the text outside the sections is written only when the export follows the file")  # fmt: skip
    headings = _headings(layout)
    for index, (depth, chunk) in enumerate(headings):
        notes += _heading_notes(chunk, depth, fmt)
        last_in_file = index == len(headings) - 1 and not chunk["items"] and not chunk["before"]
        notes += _gap_note(chunk["line"], f"the heading {chunk['title']!r}", chunk["gap"], 0 if last_in_file else 1)  # fmt: skip
        if depth > 1 and chunk.get("kind") == "prose":
            notes.append(f"line {chunk['line']}: the section {chunk['title']!r} is written only when the export follows the file")  # fmt: skip
        if chunk.get("kind") != "responsibilities" and depth > 1 and (chunk["before"].strip() or chunk["after"].strip()):  # fmt: skip
            notes.append(f"line {chunk['line']}: the text under {chunk['title']!r} is written only when the export follows the file")  # fmt: skip
        items = chunk["items"]
        for position, item in enumerate(items):
            notes += _item_notes(item, fmt)
            last = position == len(items) - 1
            expected = 0 if not last or (index == len(headings) - 1) else 1
            notes += _gap_note(item["line"], "the entry", item["gap"], expected)
    kinds = [section["kind"] for section in layout["sections"] if section["kind"] != "prose"]
    ranks = [SECTION_ORDER.index(kind) for kind in kinds]
    if ranks != sorted(ranks):
        notes.append("the sections will be exported in the standard order")
    by_kind = {section["kind"]: section for section in layout["sections"]}
    standard = {"responsibilities": roster_files.RESPONSIBILITIES, "lead": roster_files.LEAD_SECTION, "core": roster_files.CORE_SECTION}  # fmt: skip
    for kind, title in standard.items():
        section = by_kind.get(kind)
        if section is None:
            notes.append(f"the standard export adds the section {title!r}")
        elif section["title"] != title:
            notes.append(f"line {section['line']}: the section {section['title']!r} will be exported as {title!r}")  # fmt: skip
    titles = {section["title"].lower() for section in layout["sections"]}
    custom_groups = {s.get("group") for s in layout["sections"] if s.get("group_name")}
    for group, title in roster_files.GROUP_SECTIONS.items():
        if group not in custom_groups and title.lower() not in titles:
            notes.append(f"the standard export adds the section {title!r}")
    return notes


def without_person(layout: dict, *, full_name: str, github: str) -> dict:
    """The layout with no entry that names this person: for a person who asked to be forgotten.
    Their entries are written afresh from the roster, which no longer names them either."""

    def names_them(item: dict) -> bool:
        same_handle = bool(github) and item["github"].lower() == github.lower()
        return same_handle or item["name"].lower() == full_name.lower()

    def kept(container: dict) -> dict:
        items = [item for item in container["items"] if not names_them(item)]
        modules = [kept(module) for module in container.get("modules", [])]
        return {**container, "items": items, **({"modules": modules} if "modules" in container else {})}  # fmt: skip

    if not layout:
        return layout
    return {**layout, "sections": [kept(section) for section in layout["sections"]]}


# Writing in the file's layout ------------------------------------------------------------------


class _Writer:
    def __init__(self, roster: roster_files.Roster, layout: dict) -> None:
        self.roster = roster
        self.layout = layout
        self.fmt = layout["format"]
        self.conventions = layout["conventions"]
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        if text:
            self.parts.append(text)

    def text(self) -> str:
        return "".join(self.parts)

    def separate(self) -> None:
        """A blank line before a block the file did not have."""
        tail = "".join(self.parts[-2:])[-4:].replace("\r\n", "\n")
        if tail and not tail.endswith("\n\n"):
            self.write("\n" if tail.endswith("\n") else "\n\n")

    def new_heading(self, title: str, depth: int) -> None:
        self.separate()
        if self.fmt == "md":
            self.write(f"{'#' * depth} {title}\n\n")
            return
        style = self.conventions["headings"].get(str(depth)) or {}
        char = style.get("char", roster_files.RST_UNDERLINES[depth])
        line = char * max(len(title), len(title) + style.get("extra", 0))
        overline = f"{line}\n" if style.get("overline") else ""
        self.write(f"{overline}{title}\n{line}\n\n")

    def heading(self, chunk: dict | None, title: str, depth: int) -> None:
        if chunk is not None and chunk["title"] == title:
            self.write(chunk["heading"] + chunk["gap"])
        else:
            self.new_heading(title, depth)

    def people(self, container: dict, entries: list[tuple[roster_files.Listed, bool]]) -> None:
        stored = container.get("items", [])
        index_of: dict[tuple, int] = {}
        for index, item in enumerate(stored):
            index_of.setdefault((item["name"], item["github"], item["emeritus"]), index)
        matches = [index_of.get((p.full_name, p.github, emeritus)) for p, emeritus in entries]
        active_matches = [m for m, (_, emeritus) in zip(matches, entries, strict=True) if m is not None and not emeritus]  # fmt: skip
        after_active = max(active_matches, default=-1) + 0.5
        rows, used = [], set()
        for order, ((person, emeritus), match) in enumerate(zip(entries, matches, strict=True)):
            if match is not None and match not in used:
                used.add(match)
                rows.append(((match, order), match))
            else:
                rows.append(((float("inf") if emeritus else after_active, order), (person, emeritus)))  # fmt: skip
        rows.sort(key=lambda row: row[0])
        inner_gaps = [item["gap"] for item in stored[:-1]]
        item_gap = _most_common(inner_gaps, self.conventions["item_gap"])
        last_gap = container.get("last_gap", "\n")
        prefix = bullet_prefix(stored[0]["body"]) if stored else self.conventions["marker"]
        if rows and not stored:
            self.separate()
        for position, (_, row) in enumerate(rows):
            if isinstance(row, int):
                body, own_gap = stored[row]["body"], (stored[row]["gap"] if row < len(stored) - 1 else item_gap)  # fmt: skip
            else:
                person, emeritus = row
                canonical = CANONICAL_BULLET[self.fmt](person, emeritus)
                body, own_gap = prefix + canonical[len(CANONICAL_PREFIX[self.fmt]) :] + "\n", item_gap  # fmt: skip
            self.write(body + (last_gap if position == len(rows) - 1 else own_gap))
        self.write(container.get("after", ""))

    def module(self, chunk: dict | None, module: roster_files.ModuleRoster) -> None:
        self.heading(chunk, module.heading, 3)
        self.write((chunk or {}).get("before", ""))
        entries = _entries(module.maintainers, module.emeritus_maintainers)
        self.people(chunk or {}, entries)

    def render(self) -> str:
        roster, layout = self.roster, self.layout
        self.write(layout["preamble"])
        self.heading(layout["title"], roster.title, 1)
        self.write(layout["intro"])
        people = {
            "lead": _entries(roster.lead, roster.emeritus_lead),
            "core": _entries(roster.core, roster.emeritus_core),
        }
        groups: dict[str, tuple[str, list]] = {}
        for module in roster.modules:
            title = module.group_name or roster_files.GROUP_SECTIONS[module.group]
            groups.setdefault(title.lower(), (title, []))[1].append(module)
        for section in layout["sections"]:
            kind = section["kind"]
            self.write(section["heading"] + section["gap"])
            if kind == "responsibilities":
                self.write(_prose(section["before"], roster.responsibilities))
                continue
            self.write(section["before"])
            if kind in people:
                self.people(section, people.pop(kind))
            elif kind == "group":
                stored = {module["name"].lower(): module for module in section["modules"]}
                for module in groups.pop(section["title"].lower(), ("", []))[1]:
                    self.module(stored.get(module.name.lower()), module)
                self.write(section["after"])
        titles = {"lead": roster_files.LEAD_SECTION, "core": roster_files.CORE_SECTION}
        for kind, entries in people.items():
            if entries:
                self.new_heading(titles[kind], 2)
                self.people({}, entries)
        for title, modules in groups.values():
            self.new_heading(title, 2)
            for module in modules:
                self.module(None, module)
        return self.text()


def _entries(active, former) -> list[tuple[roster_files.Listed, bool]]:
    return [(person, False) for person in active] + [(person, True) for person in former]


def _prose(written: str, wanted: str) -> str:
    """The file's prose when the roster still says the same, else the roster's, set in the
    file's blank lines."""
    if written.strip("\n") == wanted:
        return written
    leading = written[: len(written) - len(written.lstrip("\n"))]
    trailing = written[len(written.rstrip("\n")) :] or "\n"
    return f"{leading}{wanted}{trailing}" if wanted else ""


def render(roster: roster_files.Roster, layout: dict) -> str:
    return _Writer(roster, layout).render()
