"""Markdown to safe HTML, for every text users write (evidence, notes, feedback).

markdown-it-py parses CommonMark with raw HTML disabled; nh3 then keeps only the tags and
attributes Markdown itself produces, so nothing a writer types can run script or style the page.
"""

import functools
import html
import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
# No titles (nh3 allows "title" on every tag unless "*" says otherwise): a tooltip is text that
# readers, and the reviewers of a preview, never see written.
ALLOWED_ATTRIBUTES = {"*": set(), "a": {"href"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)


def plain_text(text: str) -> str:
    """What a Markdown text reads as, without its markup, on one line: for previews, where
    `**bold**` would show its asterisks."""
    words = html.unescape(nh3.clean(_parser.render(text), tags=set(), strip_comments=True))
    return " ".join(words.split())


def render_markdown(text: str) -> SafeString:
    html = _parser.render(text)
    return mark_safe(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="nofollow noopener noreferrer",
            strip_comments=True,
        )
    )


# The public text: what the HTML shows, and nothing it leaves out ------------------------------
#
# The HTML drops images (their alt text and address), link titles, addresses the sanitiser
# refuses, a code fence's info string and reference definitions; the Markdown source still
# holds them, and so would every format made from it (an export, a search document). So the
# Markdown that is published is rewritten first: each block that holds such text is written
# again from its parsed tokens, keeping what the HTML keeps; reference definitions and info
# strings are cut. Other blocks stay as the writer wrote them.

_LEAF_BLOCKS = {"paragraph_open", "heading_open", "table_open", "code_block", "fence", "hr"}
# What opens a line inside containers: blockquote marks, list markers, indentation.
_CONTAINER_PREFIX = re.compile(r"(?:[ \t]*+(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)))*+[ \t]*+")
_LIST_MARKER = re.compile(r"[-+*]|\d{1,9}[.)]")
_ESCAPED = re.compile(r"[\\`*_\[\]<>!#|~&]")
_ORDERED_MARKER = re.compile(r"\d{1,9}(?=[.)])")
_MAX_PASSES = 3


def _escape(text: str) -> str:
    return _ESCAPED.sub(r"\\\g<0>", text)


def _code_span(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if code[:1] in ("`", " ") or code[-1:] in ("`", " ") else ""
    return f"{fence}{padding}{code}{padding}{fence}"


@functools.lru_cache(maxsize=1024)
def _kept_href(href: str) -> str:
    """The address as the HTML keeps it, or "" when the sanitiser drops it."""
    cleaned = nh3.clean(
        f'<a href="{html.escape(href)}">x</a>',
        tags={"a"},
        attributes={"a": {"href"}},
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )
    return href if "href=" in cleaned else ""


def _hidden_in(children: list[Token]) -> bool:
    return any(
        child.type == "image"
        or (
            child.type == "link_open"
            and (child.attrGet("title") or not _kept_href(child.attrGet("href") or ""))
        )
        for child in children
    )


def _inline_markdown(children: list[Token]) -> str:
    """Inline tokens back to Markdown, keeping only what the HTML shows, on one line."""
    pieces: list[str] = []
    links: list[str] = []
    for child in children:
        kind = child.type
        if kind == "text":
            pieces.append(_escape(child.content))
        elif kind == "code_inline":
            pieces.append(_code_span(child.content))
        elif kind in ("softbreak", "hardbreak"):
            pieces.append(" ")
        elif kind == "link_open":
            href = _kept_href(child.attrGet("href") or "")
            links.append(href)
            pieces.append("[" if href else "")
        elif kind == "link_close":
            # Entities are read in an address too: "&" is escaped so it stays one.
            href = links.pop().replace("&", "\\&")
            pieces.append(f"](<{href}>)" if href else "")
        elif kind.endswith(("_open", "_close")):
            pieces.append(child.markup)
        elif kind != "image":
            pieces.append(_escape(child.content))
    line = "".join(pieces).strip()
    # Nothing at the start of the line may open a block: a list, a heading underline.
    if line[:1] in ("-", "+", "="):
        return "\\" + line
    if number := _ORDERED_MARKER.match(line):
        return f"{line[: number.end()]}\\{line[number.end() :]}"
    return line


def _continuation(prefix: str) -> str:
    """The prefix of a block's next lines: its containers, with list markers as blanks."""
    return _LIST_MARKER.sub(lambda marker: " " * len(marker[0]), prefix)


def _table_markdown(tokens: list[Token], prefix: str) -> list[str]:
    """A table (its tokens from table_open to table_close) as lines, cells kept as the HTML."""
    rows: list[list[str]] = []
    alignments: list[str] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "th_open":
            alignments.append(str(token.attrGet("style") or "").removeprefix("text-align:"))
        elif token.type == "inline":
            rows[-1].append(_inline_markdown(token.children or []))
    delimiter = {"left": ":--", "right": "--:", "center": ":-:"}
    lines = [f"| {' | '.join(cells)} |" for cells in rows]
    lines.insert(1, f"| {' | '.join(delimiter.get(a, '---') for a in alignments)} |")
    return [prefix + lines[0]] + [_continuation(prefix) + line for line in lines[1:]]


def _rewrites(lines: list[str], tokens: list[Token], env: dict) -> dict[int, tuple[str, ...]]:
    """For each line to change, the lines that replace it (none: the line goes)."""
    rewrites: dict[int, tuple[str, ...]] = {}
    references = bool(env.get("references"))
    covered: set[int] = set()
    for index, token in enumerate(tokens):
        if token.type not in _LEAF_BLOCKS or token.map is None:
            continue
        first, end = token.map
        covered.update(range(first, end))
        if token.type == "fence" and token.info:
            line = lines[first]
            fence_end = line.index(token.markup) + len(token.markup)
            rewrites[first] = (line[:fence_end],)
        if token.type not in ("paragraph_open", "heading_open", "table_open"):
            continue
        closing = token.type.replace("_open", "_close")
        block = tokens[
            index : next(i for i in range(index, len(tokens)) if tokens[i].type == closing) + 1
        ]
        inlines = [
            child for inline in block if inline.type == "inline" for child in inline.children or []
        ]
        if not _hidden_in(inlines) and not (
            references and any(c.type == "link_open" for c in inlines)
        ):
            continue
        prefix = _CONTAINER_PREFIX.match(lines[first])[0]
        if token.type == "table_open":
            replacement = tuple(_table_markdown(block, prefix))
        elif token.type == "heading_open":
            level = int(token.tag[1:])
            replacement = (f"{prefix}{'#' * level} {_inline_markdown(inlines)}",)
        else:
            replacement = (prefix + _inline_markdown(inlines),)
        rewrites[first] = replacement
        rewrites.update(dict.fromkeys(range(first + 1, end), ()))
    if references:
        # Reference definitions are the lines no block holds, beyond their container marks.
        for number, line in enumerate(lines):
            prefix = _CONTAINER_PREFIX.match(line)[0]
            if number not in covered and line[len(prefix) :].strip():
                rewrites[number] = (prefix.rstrip(),)
    return rewrites


def public_markdown(text: str) -> str:
    """`text` with everything the rendered HTML leaves out taken out: what every public format
    (the published Markdown and HTML, exports, search) is made from, and what reviewers see."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for _ in range(_MAX_PASSES):
        env: dict = {}
        lines = text.split("\n")
        rewrites = _rewrites(lines, _parser.parse(text, env), env)
        if not rewrites:
            return text
        text = "\n".join(
            replaced
            for number, line in enumerate(lines)
            for replaced in rewrites.get(number, (line,))
        )
    # Still not settled (no known text does this): publish the words, with no markup at all.
    return _escape(text)
