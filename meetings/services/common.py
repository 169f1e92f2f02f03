"""Helpers shared by the meeting services: permission, text, locking and notification rules."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.services import audit_record, base, notification_queue
from meetings.minutes import strip_marks
from meetings.models import Meeting, MeetingStatus, ReviewRound, RoundOutcome
from meetings.redaction import RedactionError, find_spans


class MeetingError(ValidationError):
    """A request the meeting's state does not allow (not in review, not enough approvals...)."""


def clean_text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    return base.clean_text(strip_marks(value or ""), field=field, limit=limit, required=required)


def clean_markup(value: str, *, field: str, limit: int, required: bool = False) -> str:
    """Text that may carry redaction markup: it must read cleanly, or nothing is saved."""
    value = clean_text(value, field=field, limit=limit, required=required)
    try:
        find_spans(value)
    except RedactionError as error:
        raise ValidationError({field: str(error)}) from None
    return value


def locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def open_round(meeting: Meeting) -> ReviewRound | None:
    return (
        ReviewRound.objects.select_for_update()
        .filter(meeting=meeting, closed_at__isnull=True)
        .first()
    )


def begin_edit(*, actor, meeting: Meeting) -> Meeting:
    """Lock the meeting for a change of its working copy. A change during review withdraws
    the round (its approvals were given to other text); a change after publication makes the
    working copy a draft again, while the public keeps reading the published version."""
    meeting = locked(meeting)
    if meeting.status == MeetingStatus.IN_REVIEW:
        review_round = open_round(meeting)
        if review_round is not None:
            review_round.closed_at = timezone.now()
            review_round.outcome = RoundOutcome.WITHDRAWN
            review_round.save(update_fields=["closed_at", "outcome"])
            audit_record(
                actor=actor,
                verb="minutes.review_withdrawn",
                target=meeting,
                data={"round": review_round.number},
            )
    meeting.status = MeetingStatus.DRAFT
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


def notify(meeting: Meeting, event: str, recipients: Iterable, subject: str, body: str, url: str):
    notification_queue(
        event_key=f"meeting-{event}:{meeting.pk}",
        recipients=recipients,
        subject=subject,
        body=body,
        url=url,
    )
