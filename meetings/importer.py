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
_MEETING = re.compile(
    r"^\s*(?:#{1,6}\s+)?(?P<title>(?![•◦▪\-*+]\s).*\bmeeting\b.*?"
    r"(?:(?P<month>" + _MONTH_PATTERN + r")\.?\s+(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+)?"
    r"(?P<year>\d{4})|(?P<iso>\d{4}-\d{2}-\d{2})))\s*#*\s*$",
    re.IGNORECASE,
)
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[•◦▪‣∙●○■□]|[-*+](?=\s))\s*(?P<text>.*)$")
_FLAG = re.compile(
    r"\[\s*agenda item added (?:on the )?day[- ]of[- ](?:the[- ])?meeting\s*\]", re.I
)
_DECISION = re.compile(r"^\**\s*decision\s*\**\s*:\s*\**\s*(?P<text>.*?)\s*$", re.IGNORECASE)
_ACTION = re.compile(r"\[AI\]\s*", re.IGNORECASE)
_ACTION_LIST = re.compile(r"^\s*(?:open\s+ai|open\s+action\s+items|action\s+items)\s*:\s*$", re.I)

# Words in a decision's text that tell its outcome, in the order they are tried.
_OUTCOME_WORDS = (
    (re.compile(r"\bno action\b", re.I), DecisionOutcome.NO_ACTION),
    (re.compile(r"\b(rfc|design review)\b", re.I), DecisionOutcome.REFERRED),
    (re.compile(r"\b(defer|deferred|postpone)", re.I), DecisionOutcome.DEFERRED),
    (re.compile(r"\b(reject|rejected|not approved|not accepted|declined?)\b", re.I),
     DecisionOutcome.REJECTED),
    (re.compile(r"\b(accept|accepted|approved?|adopt|adopted)\b", re.I), DecisionOutcome.ACCEPTED),
)  # fmt: skip


class ImportRejected(ValueError):
    """Input that is not minutes to import: empty, binary, not UTF-8 or too large."""


@dataclass
class ParsedDecision:
    outcome: str
    text: str


@dataclass
class ParsedItem:
    title: str
    added_day_of_meeting: bool = False
    private: bool = False
    notes: list[str] = field(default_factory=list)
    decisions: list[ParsedDecision] = field(default_factory=list)
    action_items: list[str] = field(default_factory=list)

    @property
    def notes_text(self) -> str:
        return "\n".join(self.notes).strip()


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


def decision_outcome(text: str) -> str:
    for pattern, outcome in _OUTCOME_WORDS:
        if pattern.search(text):
            return outcome
    return DecisionOutcome.FOLLOW_UP


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
            _Line(raw.rstrip(), _BULLET.match(raw.rstrip()))
            for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        ]
        self.has_meeting_headings = any(
            not line.bullet and _MEETING.match(line.raw) for line in self.lines
        )
        # A file that marks items with Markdown headings uses no plain-line headings.
        self.has_markdown_headings = any(
            _MARKDOWN_HEADING.match(line.raw) and not _MEETING.match(line.raw)
            for line in self.lines
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
        for line in self.lines[index + 1 :]:
            if not line.blank:
                return line
        return None

    def is_item_heading(self, index: int) -> bool:
        line = self.lines[index]
        if _MARKDOWN_HEADING.match(line.raw):
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
        if _DECISION.match(text) or _ACTION.search(text) or _FLAG.fullmatch(text.strip()):
            return False
        following = self.next_content(index)
        return following is not None and bool(
            following.bullet
            or _DECISION.match(following.text)
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
        item.action_items.append(text)
        self.action = (len(item.action_items) - 1, line.indent)

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
        if not line.bullet and (meeting := _MEETING.match(line.raw)):
            title = " ".join(meeting["title"].split())
            self.meetings.append(ParsedMeeting(title=title, date=_meeting_date(meeting)))
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
            markdown = _MARKDOWN_HEADING.match(line.raw)
            self.start_item(markdown["text"] if markdown else line.raw)
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
            decision.text += f"\n{depth}- {text}"
            return
        if self.action and line.bullet and line.indent > self.action[1]:
            position, _ = self.action
            item.action_items[position] += f"\n- {text}"
            return
        self.decision = None
        self.action = None
        if decided := _DECISION.match(text):
            decision = ParsedDecision(decision_outcome(decided["text"]), decided["text"])
            item.decisions.append(decision)
            self.decision = (decision, line.indent if line.bullet else -1)
            return
        if _ACTION_LIST.match(text):
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
