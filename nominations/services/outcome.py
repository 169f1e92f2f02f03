"""The decision, the private feedback and the public announcement."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from governance import permissions
from governance import services as governance_services
from governance.selectors import core_maintainer_users
from governance.services import audit_record, notification_queue
from governance.services.base import require
from governance.services.forum import forum_topic_publish
from governance.services.webhooks import webhook_event_queue
from nominations.errors import NominationError
from nominations.models import (
    ENDING_KINDS,
    GRANTING_KINDS,
    Announcement,
    Feedback,
    FeedbackRead,
    Nomination,
    NominationDecision,
    NominationKind,
    NominationStatus,
    Outcome,
)
from nominations.services.common import (
    clean_text,
    locked,
    notify,
    revoke_votes,
    touch,
)

# Plain text, one paragraph on the announcements page and in the feed.
ANNOUNCEMENT_MAX_LENGTH = 1_000

# Decision, feedback, announcement -------------------------------------------------------------


def _announcement_text(nomination: Nomination) -> str:
    name = nomination.nominee.full_name
    if nomination.kind in ENDING_KINDS:
        role = nomination.ending_role
        where = f" of {role.module.name}" if role.module_id else ""
        return f"{name} moves to emeritus as {role.get_kind_display().lower()}{where}."
    # Only the kind is lowercased: a module's name keeps the case it is written in.
    kind = nomination.get_kind_display().lower()
    where = f" of {nomination.module.name}" if nomination.module_id else ""
    return f"Please welcome {name} as {kind}{where}."


def _noun(nomination: Nomination) -> str:
    return "proposal" if nomination.is_proposal else "nomination"


def decision_record(
    *, actor, nomination: Nomination, outcome: str, reasons: str
) -> NominationDecision:
    """The decision a closed vote reached, shared by nominations and proposals: never by whoever
    opened the vote, and never against a vote that passed or failed (where the lead confirms, the
    lead may decline a vote that passed). The caller holds the transaction."""
    nomination = locked(nomination)
    if nomination.status != NominationStatus.CLOSED:
        raise NominationError("A decision follows the close of the vote.")
    require(
        permissions.can_decide(actor, nomination), permissions.decide_refusal(actor, nomination)
    )
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose accepted or declined."})
    reasons = clean_text(reasons, field="reasons")
    passed = nomination.tally.passed
    if outcome == Outcome.ACCEPTED and not passed:
        raise ValidationError(
            {"outcome": f"The vote did not pass; the {_noun(nomination)} cannot be accepted."}
        )
    if outcome == Outcome.DECLINED and passed and not nomination.policy.get("lead_confirms"):
        raise ValidationError({"outcome": "The vote passed; the decision follows the vote."})
    decision = NominationDecision.objects.create(
        nomination=nomination, outcome=outcome, reasons=reasons, decided_by=actor
    )
    touch(nomination, status=NominationStatus.DECIDED, outcome=outcome)
    audit_record(
        actor=actor, verb="nomination.decided", target=nomination, data={"outcome": outcome}
    )
    return decision


@sensitive_variables()
@transaction.atomic
def nomination_decide(
    *, actor, nomination: Nomination, outcome: str, reasons: str
) -> NominationDecision:
    if nomination.is_proposal:
        raise NominationError("A proposal is decided on its own page, with its public outcome.")
    decision = decision_record(actor=actor, nomination=nomination, outcome=outcome, reasons=reasons)
    nomination = decision.nomination
    if outcome == Outcome.ACCEPTED:
        Announcement.objects.create(nomination=nomination, text=_announcement_text(nomination))
    notify(
        nomination,
        "decided",
        core_maintainer_users(),
        f"Decided: {nomination.notice_heading}",
        f"The nomination was {outcome}. Draft and release the feedback next.",
    )
    return decision


@sensitive_variables()
@transaction.atomic
def feedback_save(
    *, actor, nomination: Nomination, to_nominee: str, to_nominators: str
) -> Feedback:
    require(
        permissions.can_manage_nomination(actor, nomination),
        "Only core maintainers draft feedback.",
    )
    nomination = locked(nomination)
    if nomination.status == NominationStatus.WITHDRAWN:
        raise NominationError("A withdrawn nomination gets no feedback.")
    feedback = Feedback.objects.select_for_update().filter(nomination=nomination).first()
    if feedback is not None and feedback.released_at is not None:
        raise NominationError("This feedback was released and can no longer change.")
    values = {
        "to_nominee": clean_text(to_nominee, field="to_nominee"),
        "to_nominators": clean_text(to_nominators, field="to_nominators"),
        "drafted_by": actor,
        "updated_at": timezone.now(),
    }
    feedback, _ = Feedback.objects.update_or_create(nomination=nomination, defaults=values)
    audit_record(actor=actor, verb="feedback.saved", target=nomination)
    return feedback


NOWHERE_TO_SEND = (
    "The nominee has neither an account here nor an email address, so the feedback would reach "
    "nobody. Add their email address to the roster, or say how you will give it to them."
)


@sensitive_variables()
@transaction.atomic
def feedback_release(*, actor, nomination: Nomination, other_channel: str = "") -> Feedback:
    """Release the feedback to its readers. A nominee without an account gets an invitation by
    email; with neither account nor email, the release waits until a core maintainer says how
    the feedback reaches them (`other_channel`), which is recorded."""
    require(
        permissions.can_manage_nomination(actor, nomination),
        "Only core maintainers release feedback.",
    )
    nomination = locked(nomination)
    if nomination.status != NominationStatus.DECIDED:
        raise NominationError("Feedback is released after the decision.")
    feedback = Feedback.objects.select_for_update().filter(nomination=nomination).first()
    if feedback is None:
        raise NominationError("Draft the feedback before releasing it.")
    if feedback.released_at is not None:
        return feedback
    nominee = nomination.nominee
    feedback_url = f"{nomination.get_absolute_url()}feedback/"
    other_channel = other_channel.strip()
    if nominee.user_id is None and not nominee.email:
        if not other_channel:
            raise ValidationError({"other_channel": NOWHERE_TO_SEND})
        feedback.other_channel = clean_text(other_channel, field="other_channel", limit=1000)
    feedback.released_at = timezone.now()
    feedback.released_by = actor
    feedback.save(update_fields=["released_at", "released_by", "other_channel"])
    audit_record(
        actor=actor,
        verb="feedback.released",
        target=nomination,
        data={"other_channel": bool(feedback.other_channel)},
    )
    if nominee.user_id is None and nominee.email:
        governance_services.invitation_create(
            actor=actor,
            person=nominee,
            event_key=f"nomination-feedback:{nomination.pk}",
            url=feedback_url,
        )
    nominators = [user for user in nomination.nominators.all() if user.pk != nominee.user_id]
    readers = [(nominators, feedback.to_nominators)]
    if nominee.user_id:
        readers.append(([nominee.user], feedback.to_nominee))
    for recipients, text in readers:
        notification_queue(
            event_key=f"nomination-feedback:{nomination.pk}",
            recipients=recipients,
            subject="Feedback on a nomination is ready for you",
            body="The core maintainers have written feedback for you. Sign in to read it.",
            inbox_body=text,
            url=feedback_url,
        )
    return feedback


@transaction.atomic
def feedback_mark_read(*, actor, nomination: Nomination) -> bool:
    """Record when `actor` first opened their released feedback; True the first time."""
    feedback = getattr(nomination, "feedback", None)
    require(
        permissions.can_read_feedback(actor, nomination, feedback),
        "Only the nominee and the nominators read the feedback.",
    )
    _, created = FeedbackRead.objects.get_or_create(feedback=feedback, reader=actor)
    if created:
        audit_record(actor=actor, verb="feedback.first_read", target=nomination)
    return created


def announcement_edit(*, actor, nomination: Nomination, text: str) -> Announcement:
    """Reword the announcement before its release; once released it is public and stays."""
    nomination = locked(nomination)
    require(
        permissions.can_manage_nomination(actor, nomination),
        "Only core maintainers word announcements.",
    )
    announcement = Announcement.objects.select_for_update().filter(nomination=nomination).first()
    if announcement is None:
        raise NominationError("Only accepted nominations are announced.")
    if announcement.released_at is not None:
        raise NominationError("This announcement is released; its words are public and stay.")
    announcement.text = clean_text(text, field="text", limit=ANNOUNCEMENT_MAX_LENGTH)
    announcement.save(update_fields=["text"])
    audit_record(actor=actor, verb="announcement.edited", target=nomination)
    return announcement


@transaction.atomic
def announcement_release(*, actor, nomination: Nomination) -> Announcement:
    """Make the accepted change public and real: grant (or end) the role, then announce it."""
    nomination = locked(nomination)
    require(
        permissions.can_release_announcement(actor, nomination),
        permissions.announcement_release_refusal(actor, nomination),
    )
    announcement = Announcement.objects.select_for_update().filter(nomination=nomination).first()
    if announcement is None:
        raise NominationError("Only accepted nominations are announced.")
    if announcement.released_at is not None:
        return announcement
    if nomination.kind in ENDING_KINDS:
        # A fixed wording, public as the announcement itself is.
        reason = (
            "Moved to emeritus by decision of the core maintainers."
            if nomination.kind == NominationKind.EMERITUS
            else "Removed by decision of the core maintainers."
        )
        governance_services.role_make_emeritus(
            actor=actor, role=nomination.ending_role, reason=reason, public_reason=reason
        )
    else:
        governance_services.role_grant(
            actor=actor,
            person=nomination.nominee,
            kind=GRANTING_KINDS[nomination.kind],
            module=nomination.module,
        )
    announcement.released_at = timezone.now()
    announcement.released_by = actor
    announcement.save(update_fields=["released_at", "released_by"])
    audit_record(actor=actor, verb="announcement.released", target=nomination)
    _announcement_share(nomination, announcement)
    recipients = core_maintainer_users() + list(nomination.nominators.all())
    if nomination.nominee.user_id:
        recipients.append(nomination.nominee.user)
    notification_queue(
        event_key=f"nomination-announcement:{nomination.pk}",
        recipients=recipients,
        subject=f"Announced: {announcement.text}",
        body=announcement.text,
        url="/announcements/",
    )
    return announcement


def announcement_forum_subject(nomination: Nomination) -> str:
    return f"announcement:{nomination.pk}"


def _announcement_share(nomination: Nomination, announcement: Announcement) -> None:
    """The forum topic and the webhooks: the announcement's text, which is public from now on,
    and the address of the public page; nothing of the nomination itself."""
    url = settings.SITE_URL + reverse("announcements")
    first_line = announcement.text.strip().splitlines()[0]
    forum_topic_publish(
        subject_key=announcement_forum_subject(nomination),
        title=f"Announcement: {first_line}"[:250],
        raw=f"{announcement.text.strip()}\n\n<{url}>",
    )
    webhook_event_queue(
        event_type="announcement.released",
        event_key=f"announcement.released:{announcement.pk}",
        data={
            "text": announcement.text,
            "released_at": announcement.released_at.isoformat(),
            "url": url,
        },
        text=f"{announcement.text.strip()} {url}",
    )


@sensitive_variables()
@transaction.atomic
def nomination_withdraw(*, actor, nomination: Nomination, reason: str) -> Nomination:
    nomination = locked(nomination)
    require(
        permissions.can_manage_nomination(actor, nomination),
        "Only core maintainers withdraw nominations.",
    )
    if not nomination.is_live:
        raise NominationError("Only a nomination that is not yet decided can be withdrawn.")
    reason = clean_text(reason, field="reason", limit=5_000)
    revoke_votes(nomination)
    touch(nomination, status=NominationStatus.WITHDRAWN, withdrawn_reason=reason)
    audit_record(actor=actor, verb="nomination.withdrawn", target=nomination)
    notify(
        nomination,
        "withdrawn",
        core_maintainer_users(),
        f"Withdrawn: {nomination.notice_heading}",
        "The nomination was withdrawn; any vote in progress is void.",
    )
    return nomination
