"""Reading minutes written elsewhere (Markdown, plain text, an email) into draft meetings: a pure
function from text to `ParsedMeeting`s, shown as a preview and as JSON before anything is saved.

The block structure comes from markdown-it (`meetings.minutes_lines`); what each line says from
`meetings.minutes_phrases`. What it recognises:

- meetings: a heading with a date starts a meeting (of the dated headings, those of the highest
  level), as does a plain line naming a meeting with its date ("Board meeting, Aug 1 2023") in
  a file without dated headings; an archive becomes one meeting per dated heading. A file
  without one is one meeting without a date, never today's;
- attendance: Present, Attendees, Board Members, Missing, Absent, Regrets, Guests, Chair,
  Minutes (the note-taker) and Quorum, as bold labels, headings or plain lines, followed by
  names on the line or in the bullets or lines below;
- items: headings, the bullets under an "Agenda" label, a one-line paragraph followed by
  bullets or a decision in a file without headings, a line in bold, "Vote on …" (marked as a
  vote), "Approval of previous minutes", and each "<name> topic: …" question followed by
  "Response: …";
- decisions: "Decision: …", and motions ("Ada moved to approve …; Ben seconded; carried"), with
  mover, seconder and outcome;
- action items: "AI:", "Action:", "TODO:", "[ ]", "[AI]", "@handle …", the bullets under
  "Open AI:" or "Action items:", with "(owner: …)", "(owners: …)" and @handles as owners.

Nothing is lost: each non-blank line lands in exactly one place (a title, notes, a decision, an
action item, the attendance or a label the structure replaced), and `ParsedMeeting.lines`
records which. What no rule recognised stays verbatim in the notes of the item it follows, or
in a private item of text outside any agenda item. Every item is private: a person decides
what becomes public.
"""

import datetime
from dataclasses import dataclass, field

from meetings import minutes_phrases as phrases
from meetings.minutes_dates import find_date
from meetings.minutes_lines import (
    BULLET,
    CONTINUATION,
    HEADING,
    PROSE,
    UNDERLINE,
    VERBATIM,
    Line,
    read_lines,
)

MAX_IMPORT_BYTES = 1_000_000
OUTSIDE_ITEMS_TITLE = "Imported text outside any agenda item"
OPEN_ACTIONS_TITLE = "Open action items"
APPROVAL_TITLE = "Approval of previous minutes"
UNTITLED_MEETING = "Imported minutes"
TITLE_MAX_LENGTH = 300
# A line longer than this is prose, never a title, a meeting heading or a name list.
SHORT_LINE = 200
_MEETING_WORDS = ("meeting", "minutes", "call", "sync", "standup", "session", "assembly")


class ImportRejected(ValueError):
    """Input that is not minutes to import: empty, binary, not UTF-8 or too large."""


@dataclass
class ParsedAttendance:
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    guests: list[str] = field(default_factory=list)
    chair: str = ""
    note_taker: str = ""
    quorum: str = ""  # "", "reached" or "not reached", as the minutes state it

    def add(self, part: str, names: list[str]) -> None:
        for written in names:
            role, name = phrases.role_in_name(written)
            if role == "chair" and not self.chair:
                self.chair = name
            elif role == "note_taker" and not self.note_taker:
                self.note_taker = name
            target = "guests" if role == "guests" else part
            if target in ("present", "absent", "guests"):
                getattr(self, target).append(name)
            elif target in ("chair", "note_taker"):
                setattr(self, target, ", ".join(filter(None, [getattr(self, target), name])))

    @property
    def is_empty(self) -> bool:
        return not (
            self.present or self.absent or self.guests or self.chair or self.note_taker
        ) and not (self.quorum)


@dataclass
class ParsedDecision:
    text: str
    outcome: str
    mover: str = ""
    seconder: str = ""


@dataclass
class ParsedAction:
    lines: list[str]
    owners: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class ParsedItem:
    title: str
    is_vote: bool = False
    added_day_of_meeting: bool = False
    outside: bool = False  # text outside any agenda item, kept so that nothing is lost
    notes: list[str] = field(default_factory=list)
    decisions: list[ParsedDecision] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)
    number: int = 0  # its place in the meeting, from 1

    @property
    def notes_text(self) -> str:
        return "\n".join(self.notes).strip("\n")

    @property
    def is_empty(self) -> bool:
        return not (self.notes or self.decisions or self.actions)


@dataclass
class ParsedMeeting:
    title: str
    date: datetime.date | None
    attendance: ParsedAttendance = field(default_factory=ParsedAttendance)
    items: list[ParsedItem] = field(default_factory=list)
    # Where each non-blank input line went: line number -> "title", "attendance", "item 2", …
    lines: dict[int, str] = field(default_factory=dict)

    @property
    def not_understood(self) -> list[str]:
        return [note for item in self.items if item.outside for note in item.notes if note]


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
    check_text(text)
    return text


def check_text(text: str) -> None:
    """ImportRejected unless `text` is something to import."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_IMPORT_BYTES:
        raise ImportRejected(f"Minutes are imported up to {MAX_IMPORT_BYTES:,} bytes.")
    if "\x00" in text:
        raise ImportRejected("The text holds a NUL character: it is binary, not minutes.")
    if not text.strip():
        raise ImportRejected("The file is empty.")


def _title(text: str) -> str:
    return " ".join(text.split())[:TITLE_MAX_LENGTH] or "Untitled item"


def _is_meeting_line(line: Line, day_first: bool) -> bool:
    """A short line of its own that names a meeting and its date."""
    if line.kind != PROSE or line.paragraph_lines != 1 or len(line.text) > SHORT_LINE:
        return False
    # The date ends the line, so that a sentence mentioning a meeting's date starts none.
    text = line.text.rstrip(" .)*_")
    lowered = text.lower()
    return (
        text[-1:].isdigit()
        and any(word in lowered for word in _MEETING_WORDS)
        and find_date(text[-30:], day_first=day_first) is not None
    )


def _is_bold_title(text: str) -> bool:
    """A line all in bold, without a colon: how word processors write a heading."""
    return (
        len(text) > 4
        and len(text) <= SHORT_LINE
        and text[:2] in ("**", "__")
        and text[-2:] == text[:2]
        and ":" not in text
        and text[:2] not in text[2:-2]
    )


class _Parser:
    def __init__(self, text: str, *, day_first: bool) -> None:
        self.day_first = day_first
        self.lines = read_lines(text)
        self.meeting_starts = self.find_meeting_starts()
        # Headings other than meeting headings, which mark items: then no plain line does.
        self.has_headings = any(
            line.kind == HEADING and index not in self.meeting_starts
            for index, line in enumerate(self.lines)
        )
        self.meetings: list[ParsedMeeting] = []
        self.item: ParsedItem | None = None
        self.mode = ""  # "agenda", "actions", or an attendance part while names follow
        self.anchor: tuple[object, int] | None = None  # a decision or action and its depth
        self.motion: ParsedDecision | None = None
        self.titles: dict[str, ParsedItem] = {}  # empty items by title, for "Agenda" lists
        self.preamble: ParsedMeeting | None = None  # what comes before the first meeting
        self.item_depth = 0  # the list depth of the bullet that started the item, if one did
        self.bullet_items = False  # whether top-level bullets with a body start items
        self.attendance_names = 0  # names read since the last attendance label

    meeting_level = 0

    def find_meeting_starts(self) -> dict[int, datetime.date | None]:
        dated = {
            index: date
            for index, line in enumerate(self.lines)
            if line.kind == HEADING
            and len(line.text) <= SHORT_LINE
            and (date := find_date(line.text, day_first=self.day_first)) is not None
        }
        if dated:
            top = min(self.lines[index].level for index in dated)
            self.meeting_level = top
            return {index: date for index, date in dated.items() if self.lines[index].level == top}
        named = {
            index: find_date(line.text, day_first=self.day_first)
            for index, line in enumerate(self.lines)
            if _is_meeting_line(line, self.day_first)
        }
        first = self.lines[0] if self.lines else None
        if (
            not named
            and first is not None
            and ((first.kind == HEADING and first.level == 1) or _is_bold_title(first.text))
        ):
            # An undated file titled by its first heading: one meeting, with no date.
            return {0: None}
        return named

    # Where text goes ---------------------------------------------------------------------

    @property
    def meeting(self) -> ParsedMeeting:
        if not self.meetings:
            self.preamble = ParsedMeeting(title=UNTITLED_MEETING, date=None)
            self.meetings.append(self.preamble)
        return self.meetings[-1]

    def place(self, line: Line, where: str) -> None:
        self.meeting.lines[line.number] = where

    def start_item(self, line: Line | None, title: str, **flags) -> ParsedItem:
        title, flagged = phrases.day_of_meeting_flag(title)
        flags["added_day_of_meeting"] = flagged
        key = " ".join(title.lower().split())
        reused = self.titles.pop(key, None) if line is not None else None
        if reused is not None and reused.is_empty:
            self.item = reused
        else:
            self.item = ParsedItem(title=_title(title), **flags)
            self.meeting.items.append(self.item)
            self.item.number = len(self.meeting.items)
        if line is not None:
            self.place(line, self.item_place("title"))
        self.mode = ""
        self.anchor = None
        self.motion = None
        self.item_depth = line.level if line is not None and line.kind == BULLET else 0
        return self.item

    def current_item(self) -> ParsedItem:
        if self.item is None:
            self.item = ParsedItem(title=OUTSIDE_ITEMS_TITLE, outside=True)
            self.meeting.items.append(self.item)
            self.item.number = len(self.meeting.items)
        return self.item

    def item_place(self, part: str) -> str:
        return f"item {self.current_item().number} {part}"

    def note(self, line: Line) -> None:
        """The line as Markdown in the item's notes: its text verbatim, a bullet re-nested from
        the item's own depth (so that indentation never turns it into a code block)."""
        item = self.current_item()
        if line.blank_before and item.notes:
            item.notes.append("")
        depth = max(line.level - 1 - self.item_depth, 0)
        if line.kind == BULLET:
            item.notes.append(f"{'  ' * depth}- {line.text}")
        elif line.kind == CONTINUATION:
            item.notes.append(f"{'  ' * (depth + 1)}{line.text}" if depth else line.text)
        elif line.kind == VERBATIM:
            item.notes.append(line.raw)
        else:
            item.notes.append(line.text)
        self.place(line, self.item_place("notes"))

    # The pass ------------------------------------------------------------------------------

    def parse(self) -> list[ParsedMeeting]:
        for index, line in enumerate(self.lines):
            if index in self.meeting_starts:
                title = _title(phrases.without_subject(line.text).strip("*_ "))
                self.meetings.append(ParsedMeeting(title, self.meeting_starts[index]))
                self.place(line, "title")
                self.item, self.mode, self.anchor, self.motion = None, "", None, None
                self.titles = {}
            elif line.kind == UNDERLINE:
                self.place(line, self.meeting.lines.get(line.number - 1, "title"))
            else:
                self.read(index, line)
        if not self.meetings:
            self.meetings.append(ParsedMeeting(title=UNTITLED_MEETING, date=None))
        if self.preamble is not None and len(self.meetings) > 1:
            self.keep_preamble_with_first_meeting()
        return self.meetings

    def keep_preamble_with_first_meeting(self) -> None:
        preamble, first = self.meetings.pop(0), self.meetings[0]
        first.items[:0] = preamble.items
        for number, item in enumerate(first.items, start=1):
            item.number = number
        first.lines.update(preamble.lines)
        if first.attendance.is_empty:
            first.attendance = preamble.attendance

    def read(self, index: int, line: Line) -> None:
        text = line.text
        if line.kind == VERBATIM:
            self.note(line)
            return
        if line.kind == HEADING:
            self.read_heading(line)
            return
        if self.continue_structure(line):
            return
        if self.item is not None and phrases.day_of_meeting_flag(text) == ("", True):
            self.item.added_day_of_meeting = True
            self.place(line, self.item_place("day-of-meeting flag"))
            return
        self.anchor = None
        continues = self.motion is not None and line.kind == PROSE and not line.blank_before
        if continues and phrases.continues_motion(text):
            self.extend_motion(line)
            return
        self.motion = None
        if self.read_labels(line):
            return
        if self.read_item_start(index, line):
            return
        self.read_content(line)

    def read_heading(self, line: Line) -> None:
        text = line.text
        if line.level < self.meeting_level:
            self.note(line)  # the title of an archive of meetings
            return
        label = phrases.attendance_label(text)
        if label is not None and len(text) <= SHORT_LINE:
            self.read_attendance(line, label)
        elif phrases.is_agenda_label(text):
            self.mode = "agenda"
            self.place(line, "agenda label")
        elif phrases.is_action_list_label(text):
            self.start_item(line, text)
            self.mode = "actions"
        else:
            self.start_item(line, text, is_vote=phrases.is_vote(text))

    def continue_structure(self, line: Line) -> bool:
        """Bullets under a decision, an action item, an attendance label, an action list."""
        nested = line.kind in (BULLET, CONTINUATION)
        own = phrases.action_text(line.text) is not None or phrases.decision_text(line.text)
        if self.anchor is not None and nested and not line.blank_before and own is None:
            target, depth = self.anchor
            if line.level > depth or (line.kind == CONTINUATION and line.level == depth):
                if isinstance(target, ParsedDecision):
                    target.text += "\n" + line.text
                    self.place(line, self.item_place("decision"))
                else:
                    target.lines.append(f"- {line.text}" if line.kind == BULLET else line.text)
                    self.place(line, self.item_place("action item"))
                return True
        if self.mode in ("present", "absent", "guests", "chair", "note_taker", "quorum"):
            first_names = self.attendance_names == 0 and line.kind == PROSE
            if (nested or first_names or not line.blank_before) and (
                phrases.attendance_label(line.text) is None
            ):
                self.attendance_names += 1
                if self.mode == "quorum":
                    self.meeting.attendance.quorum = phrases.quorum_state(f"quorum {line.text}")
                else:
                    self.meeting.attendance.add(self.mode, phrases.names_in(line.text))
                self.place(line, "attendance")
                return True
            self.mode = ""
        if self.mode == "actions":
            if line.kind == BULLET:
                self.add_action(line, phrases.action_text(line.text) or line.text)
                return True
            if line.blank_before:
                self.mode = ""
        return False

    def read_labels(self, line: Line) -> bool:
        text = line.text
        if len(text) > SHORT_LINE * 5:
            return False
        if phrases.is_date_line(text):
            date = find_date(text, day_first=self.day_first)
            if date is not None and self.meeting.date is None:
                self.meeting.date = date
                self.place(line, "date")
                return True
            return False
        label = phrases.attendance_label(text)
        if label is not None and not phrases.is_minutes_approval(text):
            self.read_attendance(line, label)
            return True
        if phrases.is_agenda_label(text):
            self.mode = "agenda"
            self.place(line, "agenda label")
            return True
        if phrases.is_action_list_label(text):
            # Its own item: the open action items of the meeting, not of the item above.
            self.start_item(None, OPEN_ACTIONS_TITLE)
            self.place(line, self.item_place("action list label"))
            self.mode = "actions"
            return True
        return False

    def read_attendance(self, line: Line, label: phrases.AttendanceLabel) -> None:
        attendance = self.meeting.attendance
        if label.part == "quorum":
            attendance.quorum = phrases.quorum_state(f"quorum {label.rest}")
        elif label.rest:
            attendance.add(label.part, phrases.names_in(label.rest))
        self.mode = "" if label.rest else label.part
        self.attendance_names = 0
        self.place(line, "attendance")

    def read_item_start(self, index: int, line: Line) -> bool:
        text = line.text
        top = line.kind == PROSE or (line.kind == BULLET and line.level == 1)
        if self.mode == "agenda" and line.kind == BULLET and line.level == 1:
            item = self.start_item(line, text, is_vote=phrases.is_vote(text))
            self.titles[" ".join(text.lower().split())] = item
            self.mode = "agenda"
            return True
        if line.kind == PROSE and _is_bold_title(text):
            title = text.strip("*_").strip()
            self.start_item(line, title, is_vote=phrases.is_vote(title))
            return True
        if top and phrases.is_vote(text) and len(text) <= SHORT_LINE:
            self.start_item(line, text, is_vote=True)
            return True
        if top and phrases.is_minutes_approval(text):
            if self.item is None or self.item.title != APPROVAL_TITLE:
                self.start_item(None, APPROVAL_TITLE)
            return False  # the line itself is read as a decision, a motion or a note
        if self.is_question(index, line):
            self.start_item(None, phrases.question_lead(text))
            self.note(line)
            return True
        if self.is_plain_heading(index, line):
            self.start_item(line, text)
            return True
        if self.is_bullet_heading(index, line):
            self.bullet_items = True
            self.start_item(line, text)
            return True
        return False

    def is_bullet_heading(self, index: int, line: Line) -> bool:
        """In a file without headings, a top-level bullet with a body of its own, before any
        other item or after another such bullet: "1. Runner capacity" and its notes below."""
        if self.has_headings or line.kind != BULLET or line.level != 1:
            return False
        if not (self.bullet_items or self.item is None or self.item.outside):
            return False
        following = self.lines[index + 1] if index + 1 < len(self.lines) else None
        return (
            following is not None
            and not following.blank_before
            and following.kind in (BULLET, CONTINUATION)
            and following.level >= 1
            and (following.kind == CONTINUATION or following.level > 1)
            and phrases.action_text(line.text) is None
            and phrases.decision_text(line.text) is None
        )

    def is_question(self, index: int, line: Line) -> bool:
        following = self.lines[index + 1] if index + 1 < len(self.lines) else None
        return (
            following is not None
            and line.kind in (PROSE, BULLET)
            and phrases.is_response(following.text)
            and not phrases.is_response(line.text)
            and phrases.question_lead(line.text) is not None
        )

    def is_plain_heading(self, index: int, line: Line) -> bool:
        """In a file without headings, a one-line paragraph followed by bullets or a decision."""
        if self.has_headings or line.kind != PROSE or line.paragraph_lines != 1:
            return False
        if ":" in line.text or len(line.text) > SHORT_LINE or line.raw[:1].isspace():
            return False
        if line.text.endswith(".") or (self.item is not None and self.item.is_empty):
            return False  # a sentence, or the first line under a title
        if phrases.action_text(line.text) is not None:
            return False
        following = self.lines[index + 1] if index + 1 < len(self.lines) else None
        return following is not None and (
            following.kind == BULLET
            or phrases.decision_text(following.text) is not None
            or phrases.day_of_meeting_flag(following.text) == ("", True)
        )

    def read_content(self, line: Line) -> None:
        text = line.text
        if (decided := phrases.decision_text(text)) is not None:
            self.add_decision(line, decided)
            return
        if (moved := phrases.motion(text)) is not None:
            decision = self.add_decision(line, text, moved.mover, moved.seconder)
            self.motion = decision
            return
        if (
            (
                self.item is not None
                and self.item.title == APPROVAL_TITLE
                and phrases.is_minutes_approval(text)
            )
            and phrases.decision_outcome(text) != "follow_up"
            and "approval" not in text.lower()
        ):
            self.add_decision(line, text)
            return
        if (acted := phrases.action_text(text)) is not None or phrases.has_owners(text):
            self.add_action(line, acted if acted is not None else text)
            return
        if (inside := phrases.action_inside(text)) is not None:
            self.note(line)
            self.add_action(line, inside, place=False)
            return
        if (quorum := phrases.quorum_state(text)) and len(text) <= SHORT_LINE:
            self.meeting.attendance.quorum = quorum
        self.note(line)

    def add_decision(
        self, line: Line, text: str, mover: str = "", seconder: str = ""
    ) -> ParsedDecision:
        decision = ParsedDecision(text, phrases.decision_outcome(text), mover, seconder)
        self.current_item().decisions.append(decision)
        self.place(line, self.item_place("decision"))
        self.anchor = (decision, line.level if line.kind == BULLET else 0)
        return decision

    def extend_motion(self, line: Line) -> None:
        decision = self.motion
        decision.text += "\n" + line.text
        decision.seconder = decision.seconder or phrases.seconder(line.text)
        decision.outcome = phrases.decision_outcome(decision.text)
        self.place(line, self.item_place("decision"))

    def add_action(self, line: Line, text: str, *, place: bool = True) -> None:
        text, owners = phrases.owners_of(text)
        action = ParsedAction([text or line.text], owners)
        self.current_item().actions.append(action)
        if place:
            self.place(line, self.item_place("action item"))
        self.anchor = (action, line.level if line.kind == BULLET else 0)


def parse_minutes(text: str, *, day_first: bool = False) -> list[ParsedMeeting]:
    """The meetings in `text`, in the order written, each with its attendance and items; at
    least one meeting. Raises ImportRejected for text that is not minutes."""
    check_text(text)
    return _Parser(text, day_first=day_first).parse()
