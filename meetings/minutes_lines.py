"""The block structure of minutes, read by markdown-it: each non-blank line of the input as one
`Line`, knowing whether it is a heading, a bullet (and how deep), a line continuing a bullet, a
line of prose, or verbatim text (code, HTML).

Minutes pasted from word processors use "•" and "◦" for bullets; they are read as Markdown
bullets. Only the block rules run (no inline parsing), so the parse is linear in the input.
Every non-blank line becomes exactly one `Line`, whatever markdown-it makes of it.
"""

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"maxNesting": 20}).disable(["inline", "text_join"])
_WORD_PROCESSOR_BULLET = re.compile(r"^([ \t]*+)[•◦▪‣∙●○■□][ \t]?+", re.MULTILINE)
_BLOCK_MARKUP = re.compile(r"[ \t>]*+(?:(?:[-*+•◦▪‣∙●○■□]|\d{1,9}[.)])(?=[ \t]|$))?+[ \t]*+")
_ATX_MARKS = re.compile(r"[ \t]*+#{1,6}+(?=[ \t]|$)")

HEADING = "heading"
BULLET = "bullet"
CONTINUATION = "continuation"
PROSE = "prose"
VERBATIM = "verbatim"
UNDERLINE = "underline"


@dataclass(slots=True)
class Line:
    number: int  # from 1, as editors count
    raw: str  # the input line without its line break and trailing blanks
    text: str  # without block markup: heading marks, bullet marks, quote marks, indentation
    kind: str
    level: int  # a heading's level, a bullet's list depth (1 = top level); else its list depth
    blank_before: bool
    paragraph_lines: int = 1  # lines in the paragraph this line starts, for a plain heading


def split_lines(text: str) -> list[str]:
    """The input's lines as markdown-it counts them: only LF, CRLF and CR end a line."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _heading_text(raw: str) -> str:
    text = raw.strip()
    if marks := _ATX_MARKS.match(text):
        text = text[marks.end() :].strip()
        closing = text.rstrip("#")
        if closing != text and (not closing or closing[-1] in " \t"):
            text = closing.rstrip()
    return text


def _content(raw: str) -> str:
    return raw[_BLOCK_MARKUP.match(raw).end() :].strip()


def read_lines(text: str) -> list[Line]:
    raw_lines = [line.rstrip() for line in split_lines(text)]
    source = _WORD_PROCESSOR_BULLET.sub(r"\1- ", "\n".join(raw_lines))
    found: list[Line | None] = [None] * len(raw_lines)

    def blank_before(number: int) -> bool:
        return number == 0 or not raw_lines[number - 1].strip()

    def put(number: int, text: str, kind: str, level: int) -> None:
        if number < len(raw_lines) and found[number] is None and raw_lines[number].strip():
            found[number] = Line(
                number + 1, raw_lines[number], text, kind, level, blank_before(number)
            )

    depth = 0
    item_starts: list[int] = []  # the first line of each open list item
    for token in _MARKDOWN.parse(source):
        kind, span = token.type, token.map
        if kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif kind == "list_item_open":
            item_starts.append(span[0])
        elif kind == "list_item_close":
            start = item_starts.pop()
            put(start, _content(raw_lines[start]), BULLET, depth)
        elif kind == "heading_open":
            level = int(token.tag[1])
            text = " ".join(raw_lines[n].strip() for n in range(span[0], span[1] - 1))
            if token.markup.startswith("#"):
                text = _heading_text(raw_lines[span[0]])
            put(span[0], text, HEADING, level)
            for number in range(span[0] + 1, span[1]):
                put(number, "", UNDERLINE, level)
        elif kind == "paragraph_open":
            first = span[0]
            if item_starts and item_starts[-1] == first:
                put(first, _content(raw_lines[first]), BULLET, depth)
            else:
                put(first, _content(raw_lines[first]), CONTINUATION if depth else PROSE, depth)
            if found[first] is not None:
                found[first].paragraph_lines = span[1] - first
            for number in range(first + 1, span[1]):
                put(number, _content(raw_lines[number]), CONTINUATION if depth else PROSE, depth)
        elif kind in ("fence", "code_block", "html_block"):
            for number in range(*span):
                put(number, raw_lines[number].strip(), VERBATIM, depth)
    for number, raw in enumerate(raw_lines):
        if found[number] is None and raw.strip():
            # A thematic break, a table row or whatever else no block rule above took.
            put(number, _content(raw) or raw.strip(), PROSE, 0)
    return [line for line in found if line is not None]
