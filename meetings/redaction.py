"""Redaction markup: a pure function from the text a writer keeps to the text the public reads.

A writer marks what the public must not read, with a reason:

    [redact: specific examples]the names of the four nominees[/redact]

and the public text carries a visible placeholder in its place:

    [specific examples redacted]

Spans may span lines and may nest; the outermost span is replaced whole and counted once in the
log. The reason is public. Anything that looks like a tag (``[redact``, ``[/redact``, any case)
but is not exactly ``[redact: reason]`` or ``[/redact]``, a span never closed and a close without
an open are errors with a line and column: markup that cannot be read never falls back to
publishing the text it was meant to hide.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

REASON_MAX_LENGTH = 60
PRIVATE_ITEM_REASON = "private agenda item"

_TAG = re.compile(r"\[\s*/?\s*redact\b", re.IGNORECASE)
_OPEN = re.compile(r"\[redact:[ \t]*(?P<reason>[^\[\]\n]*?)[ \t]*\]", re.IGNORECASE)
_CLOSE = re.compile(r"\[/redact\]", re.IGNORECASE)

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


@dataclass(frozen=True)
class Span:
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


def _reason(text: str, match: re.Match) -> str:
    reason = " ".join(match["reason"].split())
    if not reason:
        raise _error(text, match.start(), "a redaction needs a reason: [redact: reason].")
    if len(reason) > REASON_MAX_LENGTH:
        raise _error(text, match.start(), f"keep the reason under {REASON_MAX_LENGTH} characters.")
    return reason


def find_spans(text: str) -> list[Span]:
    """The outermost redacted spans of `text`, in order. Raises RedactionError."""
    spans: list[Span] = []
    # Each open tag still waiting for its close: (position, reason).
    stack: list[tuple[int, str]] = []
    position = 0
    while (tag := _TAG.search(text, position)) is not None:
        start = tag.start()
        if opening := _OPEN.match(text, start):
            stack.append((start, _reason(text, opening)))
            position = opening.end()
        elif closing := _CLOSE.match(text, start):
            if not stack:
                raise _error(text, start, "[/redact] closes nothing: no redaction is open here.")
            opened_at, reason = stack.pop()
            if not stack:
                spans.append(Span(start=opened_at, end=closing.end(), reason=reason))
            position = closing.end()
        elif text[start:].lstrip("[ \t").startswith("/"):
            raise _error(text, start, "a closing tag is written exactly [/redact].")
        else:
            raise _error(text, start, "a redaction opens as [redact: reason], with a reason.")
    if stack:
        raise _error(text, stack[0][0], "this redaction is never closed with [/redact].")
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


def merge_logs(*logs: dict[str, int]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for log in logs:
        for reason, count in log.items():
            merged[reason] = merged.get(reason, 0) + count
    return merged
