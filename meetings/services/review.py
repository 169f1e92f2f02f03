"""Review and publication: submit, approve or object, publish a redacted, immutable version."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from governance import permissions
from governance.markdown import render_markdown
from governance.selectors import core_maintainer_users
from governance.services import audit_record
from governance.services.base import require
from meetings import selectors
from meetings.minutes import ItemRedactionError, compose_public
from meetings.models import (
    COMMENT_MAX_LENGTH,
    Attendance,
    Meeting,
    MeetingStatus,
    MinutesVersion,
    Review,
    ReviewRound,
    RoundOutcome,
    Verdict,
)
from meetings.redaction import RedactionError, merge_logs, redact
from meetings.review_rules import MAX_WINDOW_DAYS, MIN_WINDOW_DAYS, REVIEW_WINDOW
from meetings.services.common import (
    MeetingError,
    clean_markup,
    clean_text,
    locked,
    notify,
    open_round,
)
from meetings.services.sharing import minutes_published_share


def _compose(meeting: Meeting):
    try:
        return compose_public(
            selectors.agenda_items(meeting),
            attendance=Attendance.objects.filter(meeting=meeting).first(),
            announcement_url=meeting.announcement_url,
        )
    except ItemRedactionError as error:
        raise MeetingError(f"Fix the redaction markup first: {error}") from None


@sensitive_variables()
@transaction.atomic
def minutes_submit(
    *, actor, meeting: Meeting, window_days: int | None = None, change_note: str = ""
) -> ReviewRound:
    """Open a review round on the working copy as it stands, and ask the core maintainers."""
    require(permissions.can_edit_minutes(actor, meeting), "Only core maintainers submit minutes.")
    meeting = locked(meeting)
    if meeting.status == MeetingStatus.IN_REVIEW:
        raise MeetingError("These minutes are already in review.")
    if meeting.status == MeetingStatus.PUBLISHED:
        raise MeetingError("Nothing changed since the last published version.")
    if meeting.starts_at is None:
        raise MeetingError("Set the meeting's date before submitting its minutes for review.")
    window = REVIEW_WINDOW
    if window_days is not None:
        if not MIN_WINDOW_DAYS <= window_days <= MAX_WINDOW_DAYS:
            raise ValidationError(
                {"window_days": f"Choose {MIN_WINDOW_DAYS} to {MAX_WINDOW_DAYS} days."}
            )
        window = datetime.timedelta(days=window_days)
    _compose(meeting)
    last = ReviewRound.objects.filter(meeting=meeting).aggregate(last=Max("number"))["last"]
    now = timezone.now()
    review_round = ReviewRound.objects.create(
        meeting=meeting,
        number=(last or 0) + 1,
        submitted_by=actor,
        submitted_at=now,
        closes_at=now + window,
        # Public once published, redacted like the minutes: it may name what a correction hid.
        change_note=clean_markup(change_note, field="change_note", limit=300),
    )
    meeting.status = MeetingStatus.IN_REVIEW
    meeting.updated_at = now
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb="minutes.submitted",
        target=meeting,
        data={"round": review_round.number, "closes_at": review_round.closes_at.isoformat()},
    )
    notify(
        meeting,
        f"review-{review_round.number}",
        core_maintainer_users(),
        f"Minutes to review: {meeting.title}",
        (
            "Read the private notes beside the public preview, then approve or object. "
            f"The review window ends {review_round.closes_at:%Y-%m-%d %H:%M} UTC; without an "
            "open objection the minutes are published then, or as soon as a majority approves."
        ),
        meeting.get_edit_url(),
    )
    return review_round


@sensitive_variables()
@transaction.atomic
def minutes_review(*, actor, meeting: Meeting, verdict: str, comment: str = "") -> Review:
    """Record (or change) a core maintainer's verdict; a majority of approvals publishes."""
    meeting = locked(meeting)
    require(
        permissions.can_review_minutes(actor, meeting),
        "Only core maintainers review minutes, while they are in review.",
    )
    review_round = open_round(meeting)
    if review_round is None:
        raise MeetingError("These minutes are not in review.")
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": "Choose approve or object."})
    comment = clean_text(comment, field="comment", limit=COMMENT_MAX_LENGTH, required=False)
    if verdict == Verdict.OBJECT and not comment:
        raise ValidationError({"comment": "Say what should change: an objection needs a comment."})
    review, _ = Review.objects.update_or_create(
        round=review_round,
        reviewer=actor,
        defaults={"verdict": verdict, "comment": comment, "reviewed_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        verb=f"minutes.{'approved' if verdict == Verdict.APPROVE else 'objected'}",
        target=meeting,
        data={"round": review_round.number},
    )
    if verdict == Verdict.OBJECT:
        notify(
            meeting,
            f"objection-{review.pk}-{int(review.reviewed_at.timestamp())}",
            core_maintainer_users(),
            f"Objection to the minutes of {meeting.title}",
            f"{actor.get_username()} objects: {comment}",
            meeting.get_edit_url(),
        )
    if selectors.review_state_of(review_round).majority_approves:
        _publish(actor=actor, meeting=meeting, review_round=review_round)
    return review


def _public_change_note(review_round: ReviewRound):
    try:
        return redact(review_round.change_note)
    except RedactionError as error:
        raise MeetingError(
            f"Fix the redaction markup of the change note, then submit again: {error}"
        ) from None


def _publish(*, actor, meeting: Meeting, review_round: ReviewRound) -> MinutesVersion:
    minutes = _compose(meeting)
    change_note = _public_change_note(review_round)
    redaction_log = merge_logs(minutes.redaction_log, change_note.log)
    last = MinutesVersion.objects.filter(meeting=meeting).aggregate(last=Max("number"))["last"]
    now = timezone.now()
    version = MinutesVersion.objects.create(
        meeting=meeting,
        number=(last or 0) + 1,
        title=meeting.title,
        starts_at=meeting.starts_at,
        markdown=minutes.markdown,
        html=str(render_markdown(minutes.markdown)),
        redaction_log=redaction_log,
        change_note=change_note.text.strip(),
        published_at=now,
        published_by=actor,
    )
    review_round.closed_at = now
    review_round.outcome = RoundOutcome.PUBLISHED
    review_round.save(update_fields=["closed_at", "outcome"])
    meeting.status = MeetingStatus.PUBLISHED
    meeting.updated_at = now
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb="minutes.published",
        target=meeting,
        data={"version": version.number, "redactions": redaction_log},
    )
    minutes_published_share(meeting=meeting, version=version)
    attendees = [
        person.user for person in meeting.attendees.select_related("user") if person.user_id
    ]
    notify(
        meeting,
        f"published-{version.number}",
        core_maintainer_users() + attendees,
        f"Minutes published: {meeting.title}"
        + (f" (version {version.number})" if version.number > 1 else ""),
        "The redacted minutes are public now.",
        reverse("meetings:version", args=[meeting.slug, version.number]),
    )
    return version


@sensitive_variables()
@transaction.atomic
def minutes_publish(*, actor, meeting: Meeting) -> MinutesVersion:
    """Publish now, if the review policy allows it: a majority approves, or the window ended
    with no open objection."""
    require(
        permissions.can_publish_minutes(actor, meeting), "Only core maintainers publish minutes."
    )
    meeting = locked(meeting)
    review_round = open_round(meeting)
    if meeting.status != MeetingStatus.IN_REVIEW or review_round is None:
        raise MeetingError("Submit the minutes for review first; they publish after review.")
    state = selectors.review_state_of(review_round)
    if not state.may_publish:
        raise MeetingError(state.explanation())
    return _publish(actor=actor, meeting=meeting, review_round=review_round)


def minutes_publish_due() -> int:
    """The beat scan: publish each round the policy now allows (a window that ended with no
    open objection, or a majority reached some other way). Safe to run twice at once: each
    meeting is locked, and a published round is closed."""
    due = ReviewRound.objects.filter(closed_at__isnull=True).values_list("meeting_id", flat=True)
    published = 0
    for meeting_id in list(due):
        try:
            minutes_publish(actor=None, meeting=Meeting(pk=meeting_id))
        except MeetingError:
            continue
        published += 1
    return published
