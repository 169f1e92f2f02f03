"""The passages a search shows: plain text (no Markdown), cut at word boundaries around the first
match, every match marked. Pure, and linear in the text: one pass of a regular expression made
of the escaped query terms."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from governance.markdown import plain_text

SNIPPET_RADIUS = 120
MAX_TERMS = 10


def query_terms(query: str) -> list[str]:
    """The words searched for: whitespace splits them, and only the first few count."""
    return query.split()[:MAX_TERMS]


def _pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    # Longest first, so that "release" is marked whole when "rel" is searched too.
    alternatives = sorted({term.lower() for term in terms}, key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in alternatives), re.IGNORECASE)


def highlighted(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, each match of a term in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return mark_safe(escape(text))
    pieces, done = [], 0
    for match in pattern.finditer(text):
        pieces += [escape(text[done : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        done = match.end()
    pieces.append(escape(text[done:]))
    return mark_safe("".join(pieces))


def snippet(text: str, terms: list[str], *, radius: int = SNIPPET_RADIUS) -> SafeString:
    """A passage of plain `text` around its first match (its start without one), cut at
    word boundaries, "…" where it was cut, the matches marked."""
    flat = " ".join(text.split())
    pattern = _pattern(terms)
    first = pattern.search(flat) if pattern else None
    match_start, match_end = (first.start(), first.end()) if first else (0, 0)
    start = max(match_start - radius, 0)
    end = min(max(match_end, start) + radius, len(flat))
    if start > 0:
        # Forward to the next word's start, never past the match; a word longer than the
        # radius is cut, since it has no boundary to cut at.
        space = flat.find(" ", start, match_start)
        start = space + 1 if space != -1 else start
    if end < len(flat):
        space = flat.rfind(" ", match_end, end + 1)
        end = space if space != -1 else end
    passage = highlighted(flat[start:end], terms)
    return mark_safe(("… " if start else "") + passage + (" …" if end < len(flat) else ""))


def markdown_snippet(markdown: str, terms: list[str]) -> SafeString:
    """The snippet of what a Markdown text reads as, without its markup."""
    return snippet(plain_text(markdown), terms)
