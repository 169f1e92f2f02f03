"""Redaction markup: a pure function from the text a writer keeps to the text the public reads.

A writer marks what the public must not read, with a reason:

    [redact: specific examples]the names of the four nominees[/redact]

and the public text carries a visible placeholder in its place:

    [specific examples redacted]

Spans may span lines and may nest; the outermost span is replaced whole and counted once in the
log. The reason is public. Tags are read in any case. Anything that looks like a tag but is not
exactly ``[redact: reason]`` or ``[/redact]`` is an error with a line and column, and so are a
span never closed and a close without an open: markup that cannot be read never falls back to
publishing the text it was meant to hide. "Looks like" is judged on the text as a reader sees
it: compatibility forms folded (NFKC: a fullwidth bracket U+FF3B reads as "["), invisible
format characters (category Cf: a zero-width space) removed. So a fullwidth ``[redact: x]``,
``[\u200bredact: x]``, ``[redacted: x]`` and ``[/ redact]`` are refused; a bracketed word such
as ``[redaction]`` is text.

Every pattern here is linear in its input: possessive quantifiers, no nested repetition.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

REASON_MAX_LENGTH = 60
PRIVATE_ITEM_REASON = "private agenda item"

# A tag, at each "[" that may start one: exactly an opener or a closer, or something else that
# starts like one (an error).
_TAG = re.compile(
    r"\[(?:redact:(?P<reason>[^\[\]\n]*+)\]|(?P<close>/redact\])|\s*+(?P<slash>/?)\s*+redact\b)",
    re.IGNORECASE,
)
# On folded text (see `_folded`): an opener or closer with a word that starts like "redact"
# ("[redacted: x]", "[/ redaction]"), or the bare word ("[redact", "[ redact]").
_LOOKALIKE = re.compile(r"\[\s*+(?:/\s*+redact|redact(?:\b|\w*+\s*+:))")
# What valid tags are blanked with before looking for lookalikes: no word, space or bracket.
_BLANK = "\x01"

SYNTAX_HELP = (
    "Mark private text as [redact: reason]text[/redact]; the public reads [reason redacted]. "
    "The reason is public; spans may cover several lines and may nest."
)


class RedactionError(ValueError):
    """Markup that cannot be read. `line` and `column` count from 1."""

    def __init__(self, message: str, *, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"Line {self.line}, column {self.column}: {self.message}"


class Span(NamedTuple):
    """An outermost redacted span: `text[start:end]` is the whole markup, tags included."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Redacted:
    text: str
    log: dict[str, int] = field(default_factory=dict)


def public_placeholder(reason: str) -> str:
    return f"[{reason} redacted]"


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _error(text: str, index: int, message: str) -> RedactionError:
    line, column = _position(text, index)
    return RedactionError(message, line=line, column=column)


def _reason(text: str, start: int, written: str) -> str:
    reason = " ".join(written.split())
    if not reason:
        raise _error(text, start, "a redaction needs a reason: [redact: reason].")
    if len(reason) > REASON_MAX_LENGTH:
        raise _error(text, start, f"keep the reason under {REASON_MAX_LENGTH} characters.")
    return reason


def _fold_character(character: str) -> str:
    if unicodedata.category(character) == "Cf":
        return ""
    return unicodedata.normalize("NFKC", character).lower()


class _FoldTable(dict):
    """A `str.translate` table that folds each character the first time it is met."""

    def __missing__(self, codepoint: int) -> str:
        self[codepoint] = folded = _fold_character(chr(codepoint))
        return folded


def _folded(text: str) -> str:
    """`text` as a reader sees it, for finding lookalikes: each character in its compatibility
    form (NFKC), lower case, with format characters (category Cf, zero-width) removed."""
    return text.lower() if text.isascii() else text.translate(_FoldTable())


def _original_index(text: str, folded_index: int) -> int:
    """The index in `text` of the character that became `_folded(text)[folded_index]`."""
    length = 0
    for index, character in enumerate(text):
        length += len(_fold_character(character))
        if length > folded_index:
            return index
    return len(text)


def _refuse_lookalikes(text: str, tag_count: int) -> None:
    """Raise at the first place, outside the `tag_count` valid tags of `text`, that reads as a
    tag.

    Each valid tag reads as one lookalike at its own "[" (a lookalike holds one "["), so there
    is one elsewhere exactly when the folded text holds more lookalikes than valid tags. And
    every lookalike holds the word: with no more of it than tags, there is none to look for."""
    folded = _folded(text)
    if folded.count("redact") == tag_count or len(_LOOKALIKE.findall(folded)) == tag_count:
        return
    pieces, position = [], 0
    for tag in _TAG.finditer(text):
        pieces.append(text[position : tag.start()])
        pieces.append(_BLANK * (tag.end() - tag.start()))
        position = tag.end()
    pieces.append(text[position:])
    blanked = "".join(pieces)
    lookalike = _LOOKALIKE.search(_folded(blanked))
    raise _error(
        text,
        _original_index(blanked, lookalike.start()),
        "this looks like redaction markup but is not: write [redact: reason] and "
        "[/redact] exactly, with plain brackets and nothing hidden between them.",
    )


def find_spans(text: str) -> list[Span]:
    """The outermost redacted spans of `text`, in order. Raises RedactionError."""
    spans: list[Span] = []
    # Each open tag still waiting for its close: (position, reason).
    stack: list[tuple[int, str]] = []
    reasons: dict[str, str] = {}  # as written: as read
    tag_count = 0
    for tag in _TAG.finditer(text):
        kind = tag.lastgroup
        if kind == "reason":
            written = tag["reason"]
            if (reason := reasons.get(written)) is None:
                reason = reasons[written] = _reason(text, tag.start(), written)
            stack.append((tag.start(), reason))
        elif kind == "close":
            if not stack:
                raise _error(
                    text, tag.start(), "[/redact] closes nothing: no redaction is open here."
                )
            opened_at, reason = stack.pop()
            if not stack:
                spans.append(Span(opened_at, tag.end(), reason))
        elif tag["slash"]:
            raise _error(text, tag.start(), "a closing tag is written exactly [/redact].")
        else:
            raise _error(text, tag.start(), "a redaction opens as [redact: reason], with a reason.")
        tag_count += 1
    if stack:
        raise _error(text, stack[0][0], "this redaction is never closed with [/redact].")
    _refuse_lookalikes(text, tag_count)
    return spans


def redact(text: str, *, placeholder: Callable[[str], str] = public_placeholder) -> Redacted:
    """The public text and the count of redactions by reason. Raises RedactionError."""
    pieces: list[str] = []
    log: dict[str, int] = {}
    position = 0
    for span in find_spans(text):
        pieces.append(text[position : span.start])
        pieces.append(placeholder(span.reason))
        log[span.reason] = log.get(span.reason, 0) + 1
        position = span.end
    pieces.append(text[position:])
    return Redacted(text="".join(pieces), log=log)


def _reason_key(reason: str) -> str:
    """ "Specific example" and "specific examples " are one reason: case, spacing and a plural
    "s" on the last word make no difference ("access" keeps its "ss")."""
    words = reason.casefold().split()
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def grouped_reasons(log: dict[str, int]) -> list[tuple[str, int]]:
    """A redaction log for readers: reasons that differ only in case, spacing or number
    counted together, under the first spelling met; sorted as the log was."""
    groups: dict[str, tuple[str, int]] = {}
    for reason, count in log.items():
        key = _reason_key(reason)
        spelling, total = groups.get(key, (reason, 0))
        groups[key] = (spelling, total + count)
    return list(groups.values())


def merge_logs(*logs: dict[str, int]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for log in logs:
        for reason, count in log.items():
            merged[reason] = merged.get(reason, 0) + count
    return merged
