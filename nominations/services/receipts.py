"""The receipt a voter gets for each cast: the hash of its ledger entry."""

from django.urls import reverse

from nominations.models import Ballot
from nominations.services.common import notify


def receipt_send(ballot: Ballot) -> None:
    """Tell the voter their receipt, in the inbox and by email, inside the cast's transaction.
    Neither says how they voted nor carries their comment: mail may be read by others, and a
    receipt alone reveals neither."""
    nomination = ballot.nomination
    notify(
        nomination,
        f"receipt-{ballot.sequence}",
        [ballot.voter],
        f"Your ballot receipt: {nomination.notice_heading}",
        f"Your ballot is recorded in the vote's ledger. Its receipt is\n\n{ballot.receipt}\n\n"
        "Keep it: once voting closes, the vote's verification page "
        f"({reverse('nominations:verify', args=[nomination.pk])}) lists the receipt of every "
        "ballot counted, and shows whether this one is counted as your last. If you vote again "
        "before the close, your new receipt replaces this one. This message does not say how "
        "you voted.",
        # The key names the ledger entry this transaction appends.
        new_event=True,
    )
