"""Before a vote, where the rule asks: the nominee's consent, and seconders among the core
maintainers. `voting_open_refusal` reads both."""

from django.db import transaction
from django.utils import timezone

from governance import permissions
from governance.services import Message, notifications_queue
from governance.services.base import audit_record, require
from nominations.errors import NominationError
from nominations.models import Consent, Nomination, NominationStatus, Seconding
from nominations.services.common import locked, notify, touch


def consent_ask(nomination: Nomination) -> None:
    """Ask the nominee (who has an account) to accept the nomination; in the caller's
    transaction, as the nomination opens. The message names the role, nothing of the evidence."""
    touch(nomination, nominee_consent=Consent.ASKED)
    audit_record(actor=None, verb="nomination.consent_asked", target=nomination)
    notifications_queue(
        messages=[
            Message(
                event_key=f"nomination-consent:{nomination.pk}",
                recipients=[nomination.nominee.user],
                subject=f"You have been nominated: {nomination.role_title}",
                body=(
                    "The core maintainers would like to consider you for this role. Before they "
                    "vote, please say whether you accept the nomination."
                ),
                url=f"/nominations/{nomination.pk}/consent/",
            )
        ]
    )


@transaction.atomic
def nominee_consent_answer(*, actor, nomination: Nomination, accept: bool) -> Nomination:
    """The nominee accepts or declines. A declined nomination cannot go to a vote, and its
    nominators are told, kindly and without the nominee's reasons."""
    nomination = locked(nomination)
    require(
        permissions.can_answer_consent(actor, nomination),
        "Only the nominee answers, once asked, before the vote.",
    )
    if nomination.status not in (NominationStatus.DRAFT, NominationStatus.OPEN):
        raise NominationError("The vote on this nomination has started or it has ended.")
    answer = Consent.ACCEPTED if accept else Consent.DECLINED
    touch(nomination, nominee_consent=answer)
    audit_record(actor=actor, verb=f"nomination.consent_{answer}", target=nomination)
    if not accept:
        notify(
            nomination,
            "consent-declined",
            list(nomination.nominators.all()),
            f"The nominee declined: {nomination.heading}",
            "Thank you for putting them forward. They have declined the nomination for now, "
            "which is theirs to decide, so it will not go to a vote. You may withdraw it.",
        )
    return nomination


@transaction.atomic
def nomination_second(*, actor, nomination: Nomination) -> Seconding:
    require(
        permissions.can_second(actor, nomination),
        "A core maintainer other than its nominators seconds a nomination, before its vote.",
    )
    nomination = locked(nomination)
    if nomination.status not in (NominationStatus.DRAFT, NominationStatus.OPEN):
        raise NominationError("Seconding comes before the vote.")
    seconding, _ = Seconding.objects.get_or_create(
        nomination=nomination, user=actor, defaults={"created_at": timezone.now()}
    )
    audit_record(actor=actor, verb="nomination.seconded", target=nomination)
    return seconding


def before_vote_refusal(nomination: Nomination, *, seconders_needed: int) -> str:
    """Why the vote cannot open yet for want of consent or seconders, or ""."""
    if nomination.nominee_consent == Consent.DECLINED:
        return "The nominee declined the nomination, so it cannot go to a vote."
    if nomination.nominee_consent == Consent.ASKED:
        return "The nominee has not yet accepted the nomination."
    seconded = Seconding.objects.filter(nomination=nomination).count() if seconders_needed else 0
    if seconded < seconders_needed:
        return (
            f"This kind of nomination needs {seconders_needed} seconder(s) among the core "
            f"maintainers before its vote; it has {seconded}."
        )
    return ""
