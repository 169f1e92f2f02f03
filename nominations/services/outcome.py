"""The decision, the private feedback and the public announcement."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from governance import permissions
from governance import services as governance_services
from governance.selectors import core_maintainer_users
from governance.services import audit_record, notification_queue
from governance.services.base import require
from nominations.errors import NominationError
from nominations.models import (
    ENDING_KINDS,
    GRANTING_KINDS,
    Announcement,
    Decision,
    Feedback,
    Nomination,
    NominationKind,
    Outcome,
    Status,
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


@sensitive_variables()
@transaction.atomic
def nomination_decide(*, actor, nomination: Nomination, outcome: str, reasons: str) -> Decision:
    nomination = locked(nomination)
    if nomination.status != Status.CLOSED:
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
            {"outcome": "The vote did not pass; the nomination cannot be accepted."}
        )
    if outcome == Outcome.DECLINED and passed and not nomination.policy.get("lead_confirms"):
        raise ValidationError({"outcome": "The vote passed; the decision follows the vote."})
    decision = Decision.objects.create(
        nomination=nomination, outcome=outcome, reasons=reasons, decided_by=actor
    )
    touch(nomination, status=Status.DECIDED, outcome=outcome)
    if outcome == Outcome.ACCEPTED:
        Announcement.objects.create(nomination=nomination, text=_announcement_text(nomination))
    audit_record(
        actor=actor, verb="nomination.decided", target=nomination, data={"outcome": outcome}
    )
    notify(
        nomination,
        "decided",
        core_maintainer_users(),
        f"Decided: {nomination.heading}",
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
    if nomination.status == Status.WITHDRAWN:
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


@sensitive_variables()
@transaction.atomic
def feedback_release(*, actor, nomination: Nomination) -> Feedback:
    require(
        permissions.can_manage_nomination(actor, nomination),
        "Only core maintainers release feedback.",
    )
    nomination = locked(nomination)
    if nomination.status != Status.DECIDED:
        raise NominationError("Feedback is released after the decision.")
    feedback = Feedback.objects.select_for_update().filter(nomination=nomination).first()
    if feedback is None:
        raise NominationError("Draft the feedback before releasing it.")
    if feedback.released_at is not None:
        return feedback
    feedback.released_at = timezone.now()
    feedback.released_by = actor
    feedback.save(update_fields=["released_at", "released_by"])
    audit_record(actor=actor, verb="feedback.released", target=nomination)
    nominators = [
        user for user in nomination.nominators.all() if user.pk != nomination.nominee.user_id
    ]
    readers = [(nominators, feedback.to_nominators)]
    if nomination.nominee.user_id:
        readers.append(([nomination.nominee.user], feedback.to_nominee))
    for recipients, text in readers:
        notification_queue(
            event_key=f"nomination-feedback:{nomination.pk}",
            recipients=recipients,
            subject="Feedback on a nomination is ready for you",
            body="The core maintainers have written feedback for you. Sign in to read it.",
            inbox_body=text,
            url=f"{nomination.get_absolute_url()}feedback/",
        )
    return feedback


@transaction.atomic
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
    touch(nomination, status=Status.WITHDRAWN, withdrawn_reason=reason)
    audit_record(actor=actor, verb="nomination.withdrawn", target=nomination)
    notify(
        nomination,
        "withdrawn",
        core_maintainer_users(),
        f"Withdrawn: {nomination.heading}",
        "The nomination was withdrawn; any vote in progress is void.",
    )
    return nomination
