"""Every state change of a nomination, from the request to the announcement.

Split by stage; callers use `from nominations import services` and the names below.
"""

from nominations.errors import NominationError
from nominations.services.consent import nomination_second, nominee_consent_answer
from nominations.services.intake import (
    evidence_add,
    evidence_edit,
    evidence_invite,
    nomination_create,
    nomination_open,
    nomination_request_reject,
    nomination_request_submit,
    nomination_request_take_up,
)
from nominations.services.outcome import (
    announcement_edit,
    announcement_release,
    feedback_mark_read,
    feedback_release,
    feedback_save,
    nomination_decide,
    nomination_withdraw,
)
from nominations.services.proposals import proposal_create, proposal_decide
from nominations.services.removal import RemovalBatch, nominations_for_inactive
from nominations.services.rules import voting_rule_update
from nominations.services.voting import (
    ballot_cast,
    elector_recuse,
    voting_close,
    voting_close_expired,
    voting_open,
    voting_open_refusal,
    voting_remind_due,
)

__all__ = [
    "NominationError",
    "RemovalBatch",
    "announcement_edit",
    "announcement_release",
    "ballot_cast",
    "elector_recuse",
    "evidence_add",
    "evidence_edit",
    "evidence_invite",
    "feedback_mark_read",
    "feedback_release",
    "feedback_save",
    "nomination_create",
    "nomination_decide",
    "nomination_open",
    "nomination_request_reject",
    "nomination_request_submit",
    "nomination_request_take_up",
    "nomination_second",
    "nomination_withdraw",
    "nominations_for_inactive",
    "nominee_consent_answer",
    "proposal_create",
    "proposal_decide",
    "voting_close",
    "voting_close_expired",
    "voting_open",
    "voting_open_refusal",
    "voting_remind_due",
    "voting_rule_update",
]
