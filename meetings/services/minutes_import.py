"""Minutes written elsewhere, as plain text or Markdown, imported as draft meetings."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from governance import permissions
from governance.services import audit_record
from governance.services.base import require
from meetings.minutes_parser import MAX_IMPORT_BYTES, ParsedMeeting, parse_minutes
from meetings.models import Meeting, MeetingKind, Visibility
from meetings.services.agenda import (
    action_item_add,
    agenda_item_add,
    decision_add,
    meeting_create,
)

# The hour an imported meeting starts at when the text gives only its date.
IMPORTED_START = datetime.time(12, 0, tzinfo=datetime.UTC)


def _starts_at(parsed: ParsedMeeting) -> datetime.datetime:
    day = parsed.date or timezone.now().date()
    return datetime.datetime.combine(day, IMPORTED_START)


@sensitive_variables()
@transaction.atomic
def minutes_import(*, actor, text: str, source: str = "") -> list[Meeting]:
    """One draft meeting per meeting in `text`, oldest first, so that open action items carry
    over the way they would have. Nothing is published: the importer marks what is private and
    redacts, then submits for review."""
    require(permissions.can_manage_meetings(actor), "Only core maintainers import minutes.")
    if len(text.encode()) > MAX_IMPORT_BYTES:
        raise ValidationError(f"Minutes are imported up to {MAX_IMPORT_BYTES:,} bytes.")
    if not text.strip():
        raise ValidationError("There is nothing to import.")
    parsed_meetings = sorted(parse_minutes(text), key=lambda parsed: _starts_at(parsed))
    meetings = []
    for parsed in parsed_meetings:
        quarterly = "core maintainer" in parsed.title.lower()
        meeting = meeting_create(
            actor=actor,
            title=parsed.title,
            starts_at=_starts_at(parsed),
            kind=MeetingKind.QUARTERLY if quarterly else MeetingKind.OTHER,
        )
        for parsed_item in parsed.items:
            try:
                item = agenda_item_add(
                    actor=actor,
                    meeting=meeting,
                    title=parsed_item.title[:300],
                    notes=parsed_item.notes_text,
                    added_day_of_meeting=parsed_item.added_day_of_meeting,
                    visibility=Visibility.PRIVATE if parsed_item.private else Visibility.PUBLIC,
                )
            except ValidationError as error:
                raise ValidationError(
                    f"{parsed.title}, “{parsed_item.title}”: {' '.join(error.messages)}"
                ) from None
            for decision in parsed_item.decisions:
                decision_add(actor=actor, item=item, outcome=decision.outcome, text=decision.text)
            for action_text in parsed_item.action_items:
                action_item_add(actor=actor, item=item, text=action_text)
        meetings.append(meeting)
    audit_record(
        actor=actor,
        verb="minutes.imported",
        target=meetings[0],
        data={"source": source[:200], "meetings": [meeting.pk for meeting in meetings]},
    )
    return meetings
