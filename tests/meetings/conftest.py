"""Meeting fixtures, built through the services as the personas, like everything else.

`lead`, `core1` and `core2` are the core maintainers here, so a majority is two approvals.
Canary strings are planted in everything private; the leak tests look for them everywhere the
public, or a non-member, can read.
"""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import DecisionOutcome, Meeting, Visibility

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"
REFERENCE_MINUTES = REFERENCE / "core-maintainers-meetings-2022Q4-2023Q1.txt"

# Each canary is a word no public text contains, so finding it anywhere public is a leak.
CANARY_REDACTED_NOTE = "QXCANARYREDACTEDNOTE"
CANARY_PRIVATE_ITEM_TITLE = "QXCANARYPRIVATETITLE"
CANARY_PRIVATE_ITEM_NOTE = "QXCANARYPRIVATENOTE"
CANARY_SUMMARY_ITEM_NOTE = "QXCANARYSUMMARYNOTE"
CANARY_REDACTED_DECISION = "QXCANARYDECISION"
CANARY_REDACTED_ACTION = "QXCANARYACTION"
CANARY_REDACTED_TITLE = "QXCANARYTITLE"
CANARY_PRIVATE_DECISION = "QXCANARYPRIVATEDECISION"
CANARY_PRIVATE_ACTION = "QXCANARYPRIVATEACTION"
CANARIES = (
    CANARY_REDACTED_NOTE,
    CANARY_PRIVATE_ITEM_TITLE,
    CANARY_PRIVATE_ITEM_NOTE,
    CANARY_SUMMARY_ITEM_NOTE,
    CANARY_REDACTED_DECISION,
    CANARY_REDACTED_ACTION,
    CANARY_REDACTED_TITLE,
    CANARY_PRIVATE_DECISION,
    CANARY_PRIVATE_ACTION,
)
PUBLIC_WORD = "Quarterlyroadmap"
# What the new-meeting form posts for a meeting it accepts.
NEW_MEETING_FORM = {
    "title": "Triage",
    "starts_at": "2030-01-01T12:00",
    "duration_minutes": 60,
    "kind": "quarterly",
}


def starts(days_from_now: int) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days_from_now)).replace(microsecond=0)


def new_meeting(actor, *, title: str = "Core Maintainers Meeting March 2023", days: int = -30):
    return services.meeting_create(actor=actor, title=title, starts_at=starts(days))


def add_public_item(actor, meeting: Meeting, *, title: str = "Release plan", notes: str = ""):
    return services.agenda_item_add(
        actor=actor, meeting=meeting, title=title, notes=notes or f"- {PUBLIC_WORD} discussed."
    )


def publish(meeting: Meeting, submitter, *approvers) -> Meeting:
    services.minutes_submit(actor=submitter, meeting=meeting)
    for approver in approvers:
        services.minutes_review(actor=approver, meeting=meeting, verdict="approve")
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def draft_meeting(core1) -> Meeting:
    meeting = new_meeting(core1)
    add_public_item(core1, meeting)
    return meeting


@pytest.fixture
def canary_meeting(lead, core1, core2, maintainer, nominee) -> Meeting:
    return make_canary_meeting(lead, core1, core2, maintainer, nominee)


def make_canary_meeting(lead, core1, core2, maintainer, nominee) -> Meeting:
    """A published meeting with a canary in every private place: redacted spans of notes,
    titles, decisions and action items; a private item (title, notes, decision, action item);
    the notes of a summary-only item. Its action items are owned by the module maintainer."""
    meeting = new_meeting(core1, title="Canary meeting")
    meeting.attendees.add(nominee.person)
    public = services.agenda_item_add(
        actor=core1,
        meeting=meeting,
        title=f"Nominations [redact: names]{CANARY_REDACTED_TITLE}[/redact]",
        notes=(
            f"- {PUBLIC_WORD} was agreed.\n"
            f"- [redact: specific examples]{CANARY_REDACTED_NOTE} and "
            f"[redact: inner]nested {CANARY_REDACTED_NOTE}[/redact][/redact]\n"
        ),
    )
    services.decision_add(
        actor=core1,
        item=public,
        outcome=DecisionOutcome.ACCEPTED,
        text=f"Accepted [redact: personal]{CANARY_REDACTED_DECISION}[/redact].",
    )
    services.action_item_add(
        actor=core1,
        item=public,
        text=f"Write to [redact: personal]{CANARY_REDACTED_ACTION}[/redact].",
        owners=[maintainer.person],
    )
    private = services.agenda_item_add(
        actor=core1,
        meeting=meeting,
        title=f"Conduct report {CANARY_PRIVATE_ITEM_TITLE}",
        notes=f"- {CANARY_PRIVATE_ITEM_NOTE}",
        visibility=Visibility.PRIVATE,
    )
    services.decision_add(
        actor=core1, item=private, outcome=DecisionOutcome.NO_ACTION, text=CANARY_PRIVATE_DECISION
    )
    services.action_item_add(
        actor=core1, item=private, text=CANARY_PRIVATE_ACTION, owners=[maintainer.person]
    )
    services.agenda_item_add(
        actor=core1,
        meeting=meeting,
        title="Security process",
        notes=f"- {CANARY_SUMMARY_ITEM_NOTE}",
        visibility=Visibility.SUMMARY,
        public_summary="The security process was reviewed.",
    )
    return publish(meeting, core1, lead, core2)
