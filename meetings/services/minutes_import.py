"""Minutes written elsewhere (Markdown, plain text, an email) imported as draft meetings."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from governance import permissions
from governance.services import audit_record
from governance.services.base import require
from meetings import selectors
from meetings.minutes_parser import ImportRejected, ParsedMeeting, parse_minutes
from meetings.minutes_preview import minutes_structure
from meetings.models import NOTES_MAX_LENGTH, Meeting, MeetingKind, Visibility
from meetings.services.agenda import (
    action_item_add,
    agenda_item_add,
    decision_add,
    meeting_create,
)
from meetings.services.attendance import NAME_MAX_LENGTH, NAMES_MAX, attendance_update

# The hour an imported meeting starts at when the text gives only its date.
IMPORTED_START = datetime.time(12, 0, tzinfo=datetime.UTC)


def _starts_at(parsed: ParsedMeeting) -> datetime.datetime | None:
    if parsed.date is None:
        return None  # never today: an undated meeting stays out of calendars and feeds
    return datetime.datetime.combine(parsed.date, IMPORTED_START)


def _parsed(text: str, day_first: bool) -> list[ParsedMeeting]:
    try:
        return parse_minutes(text, day_first=day_first)
    except ImportRejected as error:
        raise ValidationError(str(error)) from None


def _owners(parsed_meetings: list[ParsedMeeting]) -> list[str]:
    return [
        owner
        for meeting in parsed_meetings
        for item in meeting.items
        for action in item.actions
        for owner in action.owners
    ]


def minutes_import_preview(*, text: str, day_first: bool = False) -> dict:
    """What `minutes_import` would create, as `minutes_preview.minutes_structure` data. Saves
    nothing; raises ValidationError for text that is not minutes."""
    parsed_meetings = _parsed(text, day_first)
    return minutes_structure(parsed_meetings, selectors.people_named(_owners(parsed_meetings)))


def _note_parts(notes: str) -> list[str]:
    """The notes in parts that each fit an agenda item, split between lines where it can be,
    so that long minutes are imported whole rather than refused."""
    if len(notes) <= NOTES_MAX_LENGTH:
        return [notes]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in notes.split("\n"):
        while len(line) > NOTES_MAX_LENGTH:
            parts += ["\n".join(current)] if current else []
            current, size = [], 0
            parts.append(line[:NOTES_MAX_LENGTH])
            line = line[NOTES_MAX_LENGTH:]
        if current and size + len(line) + 1 > NOTES_MAX_LENGTH:
            parts.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    return [*parts, "\n".join(current)] if current else parts


def _save_meeting(*, actor, parsed: ParsedMeeting, people: dict) -> Meeting:
    quarterly = "core maintainer" in parsed.title.lower()
    meeting = meeting_create(
        actor=actor,
        title=parsed.title,
        starts_at=_starts_at(parsed),
        kind=MeetingKind.QUARTERLY if quarterly else MeetingKind.OTHER,
    )
    attendance = parsed.attendance
    if not attendance.is_empty:
        attendance_update(
            actor=actor,
            meeting=meeting,
            present=[name[:NAME_MAX_LENGTH] for name in attendance.present[:NAMES_MAX]],
            absent=[name[:NAME_MAX_LENGTH] for name in attendance.absent[:NAMES_MAX]],
            guests=[name[:NAME_MAX_LENGTH] for name in attendance.guests[:NAMES_MAX]],
            chair=" ".join(attendance.chair.split())[:NAME_MAX_LENGTH],
            note_taker=" ".join(attendance.note_taker.split())[:NAME_MAX_LENGTH],
            quorum=attendance.quorum,
            public=False,  # private until a person marks it public
        )
    for parsed_item in parsed.items:
        try:
            item, *_ = [
                agenda_item_add(
                    actor=actor,
                    meeting=meeting,
                    title=parsed_item.title
                    if number == 1
                    else f"{parsed_item.title[:280]} ({number})",
                    notes=notes,
                    added_day_of_meeting=parsed_item.added_day_of_meeting,
                    visibility=Visibility.PRIVATE,
                    is_vote=parsed_item.is_vote,
                )
                for number, notes in enumerate(_note_parts(parsed_item.notes_text), start=1)
            ]
        except ValidationError as error:
            raise ValidationError(
                f"{parsed.title}, “{parsed_item.title}”: {' '.join(error.messages)}"
            ) from None
        for parsed_decision in parsed_item.decisions:
            decision_add(
                actor=actor,
                item=item,
                outcome=parsed_decision.outcome,
                text=parsed_decision.text,
                moved_by=parsed_decision.mover[:200],
                seconded_by=parsed_decision.seconder[:200],
            )
        for parsed_action in parsed_item.actions:
            action_item_add(
                actor=actor,
                item=item,
                text=parsed_action.text,
                owners=[people[owner] for owner in parsed_action.owners if owner in people],
                unmatched_owners=[owner for owner in parsed_action.owners if owner not in people],
            )
    return meeting


@sensitive_variables()
@transaction.atomic
def minutes_import(*, actor, text: str, source: str = "", day_first: bool = False) -> list[Meeting]:
    """One draft meeting per meeting in `text`, oldest first (undated ones last), so that open
    action items carry over the way they would have. Every item is private and nothing is
    published: a person marks what may be public, redacts, then submits for review."""
    require(permissions.can_manage_meetings(actor), "Only core maintainers import minutes.")
    parsed_meetings = _parsed(text, day_first)
    people = selectors.people_named(_owners(parsed_meetings))
    ordered = sorted(
        parsed_meetings, key=lambda parsed: (parsed.date is None, parsed.date or datetime.date.min)
    )
    meetings = [_save_meeting(actor=actor, parsed=parsed, people=people) for parsed in ordered]
    audit_record(
        actor=actor,
        verb="minutes.imported",
        target=meetings[0],
        data={"source": source[:200], "meetings": [meeting.pk for meeting in meetings]},
    )
    return meetings
