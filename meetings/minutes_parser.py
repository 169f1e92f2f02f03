"""Reading minutes written as plain text or Markdown: a pure parser, from text to drafts.

What it recognises, line by line:

- a meeting heading: a line naming a meeting and ending in its date ("Core Maintainers Meeting
  March 24th, 2023", "## Triage meeting 2023-06-20"), optionally a Markdown heading;
- an agenda item heading: a Markdown heading or, in a file without them, a plain unindented line
  without a colon that is followed by bullets, a decision or the day-of-meeting flag;
- "[Agenda item added day-of-meeting]", on the heading's line or on its own line below it;
- "Decision: ..." lines, with the bullets indented under them, as decisions;
- "[AI] ..." as action items (a line that only starts with "[AI]" becomes the action item; one
  with "[AI]" inside also stays in the notes), and the bullets under an "Open AI:" or
  "Action items:" line;
- bullets ("•", "◦", "-", "*", "+"), nested by indentation, as Markdown lists.

Everything else is kept, verbatim, in the notes of the item it follows. Text outside any agenda
item is kept in a private item of its meeting, so nothing is dropped and nothing leaks.

The parse is linear in its input: each line is read a bounded number of times, the patterns
use possessive quantifiers and no nested repetition, and text is collected in lists.
"""

import datetime
import re
from dataclasses import dataclass, field

from meetings.models import DecisionOutcome

MAX_IMPORT_BYTES = 1_000_000
OUTSIDE_ITEMS_TITLE = "Imported text outside any agenda item"
UNTITLED_MEETING = "Imported minutes"

_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTH_PATTERN = "|".join([*_MONTHS, *(month[:3] for month in _MONTHS), "sept"])
# The parts of a meeting heading, read on its line with each run of blanks made one space:
# the Markdown heading mark, a list mark (which makes it no heading), the word "meeting" and
# the date that ends the line.
_HEADING_MARK = re.compile(r"#{1,6} ")
_LIST_MARK = re.compile(r"[•◦▪\-*+]\s")
_MEETING_WORD = re.compile(r"\bmeeting\b", re.IGNORECASE)
_DATE_AT_END = re.compile(
    r"(?:\b(?P<month>" + _MONTH_PATTERN + r")\.? (?:(?P<day>\d{1,2})(?:st|nd|rd|th)?,? )?"
    r"(?P<year>\d{4})|\b(?P<iso>\d{4}-\d{2}-\d{2}))\Z",
    re.IGNORECASE,
)
_LONGEST_DATE = len("september. 30th, 2023") + 1
_MARKDOWN_HEADING = re.compile(r"\s{0,3}#{1,6}\s++(?P<text>.+)")
_BULLET = re.compile(r"(?P<indent>[ \t]*+)(?:[•◦▪‣∙●○■□]|[-*+](?=\s))\s*+(?P<text>.*)")
_FLAG = re.compile(
    r"\[\s*+agenda item added (?:on the )?day[- ]of[- ](?:the[- ])?meeting\s*+\]", re.I
)
_DECISION = re.compile(r"\**+\s*+decision\s*+\**+\s*+:\s*+\**+\s*+(?P<text>.*)", re.IGNORECASE)
_ACTION = re.compile(r"\[AI\]\s*+", re.IGNORECASE)
_ACTION_LIST = re.compile(
    r"\s*+(?:open\s++ai|open\s++action\s++items|action\s++items)\s*+:\s*+", re.IGNORECASE
)

# Words in a decision's text that tell its outcome, in the order they are tried. Each pattern
# is matched on lower-case text and starts with its words, so that the search can skip ahead to
# them; `_mentions` checks that a match starts a word.
_OUTCOME_WORDS = (
    (re.compile(r"no action\b"), DecisionOutcome.NO_ACTION),
    (re.compile(r"(?:rfc|design review)\b"), DecisionOutcome.REFERRED),
    (re.compile(r"defer|postpone"), DecisionOutcome.DEFERRED),
    (re.compile(r"(?:reject|rejected|not approved|not accepted|declined?)\b"),
     DecisionOutcome.REJECTED),
    (re.compile(r"(?:accept|accepted|approved?|adopt|adopted)\b"), DecisionOutcome.ACCEPTED),
)  # fmt: skip


class ImportRejected(ValueError):
    """Input that is not minutes to import: empty, binary, not UTF-8 or too large."""


@dataclass
class ParsedDecision:
    outcome: str
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class ParsedItem:
    title: str
    added_day_of_meeting: bool = False
    private: bool = False
    notes: list[str] = field(default_factory=list)
    decisions: list[ParsedDecision] = field(default_factory=list)
    action_lines: list[list[str]] = field(default_factory=list)

    @property
    def notes_text(self) -> str:
        return "\n".join(self.notes).strip()

    @property
    def action_items(self) -> list[str]:
        return ["\n".join(lines) for lines in self.action_lines]


@dataclass
class ParsedMeeting:
    title: str
    date: datetime.date | None
    items: list[ParsedItem] = field(default_factory=list)


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file, or ImportRejected saying why it cannot be minutes."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRejected(
            f"The file is {len(data):,} bytes; minutes are imported up to "
            f"{MAX_IMPORT_BYTES:,} bytes."
        )
    if b"\x00" in data:
        raise ImportRejected("The file is binary, not text. Import plain text or Markdown.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            f"The file is not UTF-8 text (byte {error.start} cannot be read). "
            "Save it as UTF-8 plain text or Markdown."
        ) from None
    if not text.strip():
        raise ImportRejected("The file is empty.")
    return text


def _mentions(pattern: re.Pattern, text: str) -> bool:
    match = pattern.search(text)
    while match is not None:
        start = match.start()
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
            return True
        match = pattern.search(text, start + 1)
    return False


def decision_outcome(text: str) -> str:
    lowered = text.lower()
    for pattern, outcome in _OUTCOME_WORDS:
        if _mentions(pattern, lowered):
            return outcome
    return DecisionOutcome.FOLLOW_UP


def _meeting_heading(raw: str) -> tuple[str, datetime.date | None] | None:
    """(title, date) when the line names a meeting and ends in its date."""
    title = " ".join(raw.split())
    if mark := _HEADING_MARK.match(title):
        title = title[mark.end() :]
    if _LIST_MARK.match(title):
        return None
    title = title.rstrip("#").rstrip()
    # A date is short: look for it at the end of the line only.
    date = _DATE_AT_END.search(title, max(len(title) - _LONGEST_DATE, 0))
    if date is None or _MEETING_WORD.search(title, 0, date.start()) is None:
        return None
    return title, _meeting_date(date)


def _markdown_heading(raw: str) -> str | None:
    """The text of a Markdown heading line, without its marks."""
    if heading := _MARKDOWN_HEADING.fullmatch(raw):
        text = heading["text"]
        return text.rstrip().rstrip("#").rstrip() or text[:1]
    return None


def _decision(text: str) -> str | None:
    """The text of a "Decision: ..." line."""
    if decided := _DECISION.fullmatch(text):
        return decided["text"].rstrip()
    return None


def _meeting_date(match: re.Match) -> datetime.date | None:
    try:
        if match["iso"]:
            return datetime.date.fromisoformat(match["iso"])
        month = next(
            number
            for number, name in enumerate(_MONTHS, start=1)
            if name.startswith(match["month"].lower()[:3])
        )
        return datetime.date(int(match["year"]), month, int(match["day"] or 1))
    except ValueError:
        return None


@dataclass
class _Line:
    raw: str
    bullet: re.Match | None
    meeting: tuple[str, datetime.date | None] | None

    @property
    def blank(self) -> bool:
        return not self.raw.strip()

    @property
    def text(self) -> str:
        return (self.bullet["text"] if self.bullet else self.raw).strip()

    @property
    def indent(self) -> int:
        return len(self.bullet["indent"].expandtabs(4)) if self.bullet else 0


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = [
            _Line(raw, _BULLET.fullmatch(raw), _meeting_heading(raw))
            for raw in map(str.rstrip, text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        ]
        self.has_meeting_headings = any(not line.bullet and line.meeting for line in self.lines)
        # A file that marks items with Markdown headings uses no plain-line headings.
        self.has_markdown_headings = any(
            _markdown_heading(line.raw) is not None and not line.meeting for line in self.lines
        )
        self.meetings: list[ParsedMeeting] = []
        self.outside: list[str] = []  # text before the first meeting heading
        self.item: ParsedItem | None = None
        self.indents: list[int] = []  # the open list levels of the current item
        self.decision: tuple[ParsedDecision, int] | None = None  # and its bullet's indent
        self.action_list = False
        self.action: tuple[int, int] | None = None  # (index in action_items, indent)

    # Recognising lines -------------------------------------------------------------------

    def next_content(self, index: int) -> _Line | None:
        for position in range(index + 1, len(self.lines)):
            if not self.lines[position].blank:
                return self.lines[position]
        return None

    def is_item_heading(self, index: int) -> bool:
        line = self.lines[index]
        if _markdown_heading(line.raw) is not None:
            return True
        text = line.raw
        if (
            self.has_markdown_headings
            or line.bullet
            or text[:1].isspace()
            or ":" in text
            or len(text) > 200
        ):
            return False
        if _decision(text) is not None or _ACTION.search(text) or _FLAG.fullmatch(text.strip()):
            return False
        following = self.next_content(index)
        return following is not None and bool(
            following.bullet
            or _decision(following.text) is not None
            or _FLAG.fullmatch(following.raw.strip())
        )

    # Building items --------------------------------------------------------------------

    def current_meeting(self) -> ParsedMeeting:
        if not self.meetings:
            self.meetings.append(ParsedMeeting(title=UNTITLED_MEETING, date=None))
        return self.meetings[-1]

    def start_item(self, title: str, *, private: bool = False) -> None:
        flagged = bool(_FLAG.search(title))
        title = " ".join(_FLAG.sub("", title).split()).strip("#").strip()
        self.item = ParsedItem(
            title=title or "Untitled item", added_day_of_meeting=flagged, private=private
        )
        self.current_meeting().items.append(self.item)
        self.end_structures()

    def end_structures(self) -> None:
        self.indents = []
        self.decision = None
        self.action_list = False
        self.action = None

    def ensure_item(self) -> ParsedItem:
        if self.item is None:
            self.start_item(OUTSIDE_ITEMS_TITLE, private=True)
        return self.item

    def list_line(self, line: _Line, text: str) -> str:
        while self.indents and line.indent < self.indents[-1]:
            self.indents.pop()
        if not self.indents or line.indent > self.indents[-1]:
            self.indents.append(line.indent)
        return f"{'  ' * (len(self.indents) - 1)}- {text}"

    def add_note(self, line: _Line) -> None:
        if line.blank:
            if self.item is not None and self.item.notes and self.item.notes[-1] != "":
                self.item.notes.append("")
            return
        item = self.ensure_item()
        if line.bullet:
            item.notes.append(self.list_line(line, line.text))
        else:
            self.indents = []
            item.notes.append(line.raw.strip())

    def add_action(self, line: _Line, text: str) -> None:
        item = self.ensure_item()
        item.action_lines.append([text])
        self.action = (len(item.action_lines) - 1, line.indent)

    # The pass ------------------------------------------------------------------------------

    def parse(self) -> list[ParsedMeeting]:
        for index, line in enumerate(self.lines):
            self.read(index, line)
        if self.outside and any(text.strip() for text in self.outside):
            meeting = self.meetings[0] if self.meetings else self.current_meeting()
            preamble = ParsedItem(title=OUTSIDE_ITEMS_TITLE, private=True)
            preamble.notes = list(self.outside)
            meeting.items.insert(0, preamble)
        return self.meetings

    def read(self, index: int, line: _Line) -> None:
        if line.blank:
            # A blank line ends a decision's or an action item's bullets, but not the list
            # under "Open AI:", which is often set off by a blank line.
            self.decision = None
            self.action = None
            if self.item is not None:
                self.add_note(line)
            elif not self.meetings:
                self.outside.append("")
            return
        if not line.bullet and line.meeting:
            title, date = line.meeting
            self.meetings.append(ParsedMeeting(title=title, date=date))
            self.item = None
            self.end_structures()
            return
        heading = self.is_item_heading(index)
        if not self.meetings and (self.has_meeting_headings or not heading):
            # Before the first meeting heading, or before the first item of a file without
            # meeting headings: kept aside, then put in a private item of the first meeting.
            self.outside.append(line.raw)
            return
        if heading:
            markdown = _markdown_heading(line.raw)
            self.start_item(markdown if markdown is not None else line.raw)
            return
        self.read_content(line)

    def read_content(self, line: _Line) -> None:
        item = self.ensure_item()
        text = line.text
        if _FLAG.fullmatch(text) and not item.notes and not item.decisions:
            item.added_day_of_meeting = True
            return
        if self.decision and line.bullet and line.indent > self.decision[1]:
            decision, _ = self.decision
            depth = "  " if line.indent - self.decision[1] > 2 else ""
            decision.lines.append(f"{depth}- {text}")
            return
        if self.action and line.bullet and line.indent > self.action[1]:
            position, _ = self.action
            item.action_lines[position].append(f"- {text}")
            return
        self.decision = None
        self.action = None
        if (decided := _decision(text)) is not None:
            decision = ParsedDecision(decision_outcome(decided), [decided])
            item.decisions.append(decision)
            self.decision = (decision, line.indent if line.bullet else -1)
            return
        if _ACTION_LIST.fullmatch(text):
            self.action_list = True
            return
        if self.action_list and line.bullet:
            self.add_action(line, text)
            return
        self.action_list = False
        if action := _ACTION.search(text):
            rest = text[action.end() :].strip()
            if action.start() > 0:
                self.add_note(line)
            if rest:
                self.add_action(line, rest)
            return
        self.add_note(line)


def parse_minutes(text: str) -> list[ParsedMeeting]:
    """The meetings in `text`, each with its agenda items; at least one meeting."""
    meetings = _Parser(text).parse()
    for meeting in meetings:
        for item in meeting.items:
            while item.notes and item.notes[-1] == "":
                item.notes.pop()
    return meetings
