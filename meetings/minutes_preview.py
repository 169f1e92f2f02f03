"""The parsed structure of minutes as plain data: what the upload form previews and what
`import_minutes FILE --dry-run --json` prints (its shape is documented in the README).

`owners` maps each owner as written to the person it names, or is empty when none does; the
matching reads the roster (`meetings.selectors.people_named`), so this module stays pure.
"""

from meetings.minutes_parser import ParsedMeeting
from meetings.models import Visibility


def _person(person) -> dict | None:
    if person is None:
        return None
    return {"name": person.full_name, "github": person.github}


def minutes_structure(meetings: list[ParsedMeeting], people: dict | None = None) -> dict:
    people = people or {}
    return {
        "meetings": [
            {
                "title": meeting.title,
                "date": meeting.date.isoformat() if meeting.date else None,
                "attendance": {
                    "present": meeting.attendance.present,
                    "absent": meeting.attendance.absent,
                    "guests": meeting.attendance.guests,
                    "chair": meeting.attendance.chair,
                    "note_taker": meeting.attendance.note_taker,
                    "quorum": meeting.attendance.quorum or None,
                },
                "items": [
                    {
                        "title": item.title,
                        "visibility": Visibility.PRIVATE.value,
                        "vote": item.is_vote,
                        "added_day_of_meeting": item.added_day_of_meeting,
                        "notes": item.notes_text,
                        "decisions": [
                            {
                                "text": decision.text,
                                "outcome": decision.outcome,
                                "mover": decision.mover or None,
                                "seconder": decision.seconder or None,
                            }
                            for decision in item.decisions
                        ],
                        "action_items": [
                            {
                                "text": action.text,
                                "owners": [
                                    {"as_written": owner, "person": _person(people.get(owner))}
                                    for owner in action.owners
                                ],
                            }
                            for action in item.actions
                        ],
                    }
                    for item in meeting.items
                ],
                "not_understood": meeting.not_understood,
            }
            for meeting in meetings
        ]
    }
