"""Reads for checking a closed vote: its ledger as the file `verify_vote` checks, and the
verification page its electorate reads. Each a fixed number of queries whatever the ledger size.

The page runs the very verifier anyone can run on the exported file, on the rows as they are
in the database now, so the page and the file can never disagree about what checks out.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from nominations.models import Ballot, Elector, Nomination, Tally
from verify_vote import FORMAT, VERSION, Mismatch, Verified, verify


def nomination_for_verification(pk: int) -> Nomination | None:
    """The nomination with its people, its tally (if closed) and its electors. Two queries."""
    return (
        Nomination.objects.filter(pk=pk)
        .select_related("nominee", "module", "ending_role", "tally")
        .prefetch_related(Prefetch("electors", queryset=Elector.objects.order_by("pk")))
        .first()
    )


def electorate_of(nomination: Nomination) -> frozenset[int]:
    """The user ids of the frozen electorate, the recused included (prefetched electors)."""
    return frozenset(elector.user_id for elector in nomination.electors.all())


def _tally(nomination: Nomination) -> Tally | None:
    return getattr(nomination, "tally", None) if nomination.voting_closed_at else None


def ledger_document(
    nomination: Nomination, ballots: list[Ballot], tally: Tally
) -> dict[str, object]:
    """The closed vote as `python -m verify_vote` reads it: the frozen rule, the electorate by
    user id, every cast in order, the digest stored at the close and the stored tally.

    For a secret ballot this file says who chose what (the hashes cover the voter), so it is
    for the operators who run `manage.py export_vote`, like the database it comes from."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "vote": {
            "kind": "nomination",
            "id": nomination.pk,
            "policy": nomination.policy,
            "opened_at": nomination.voting_opened_at.isoformat(),
            "closed_at": nomination.voting_closed_at.isoformat(),
        },
        "electors": [
            {"id": elector.user_id, "recused": elector.recused}
            for elector in nomination.electors.all()
        ],
        "ledger": [
            {
                "sequence": ballot.sequence,
                "voter": ballot.voter_id,
                "choice": ballot.choice,
                "comment": ballot.comment,
                "cast_at": ballot.cast_at.isoformat(),
                "nonce": ballot.nonce,
                "previous_hash": ballot.previous_hash,
                "entry_hash": ballot.entry_hash,
            }
            for ballot in ballots
        ],
        "digest": tally.ledger_head,
        "tally": {
            "electorate": tally.electorate,
            "approve": tally.approve,
            "decline": tally.decline,
            "abstain": tally.abstain,
            "quorum_met": tally.quorum_met,
            "passed": tally.passed,
        },
    }


def _ballots(nomination: Nomination, *, with_voters: bool) -> list[Ballot]:
    ballots = Ballot.objects.filter(nomination=nomination).order_by("sequence")
    return list(ballots.select_related("voter") if with_voters else ballots)


def vote_export(nomination: Nomination) -> dict[str, object] | None:
    """The ledger file of a closed vote (None before the close). One query more than
    `nomination_for_verification`."""
    tally = _tally(nomination)
    if tally is None:
        return None
    return ledger_document(nomination, _ballots(nomination, with_voters=False), tally)


@dataclass(frozen=True)
class CountedBallot:
    receipt: str
    # Only on an open ballot: who cast it and what they chose.
    voter: str = ""
    choice: str = ""


@dataclass(frozen=True)
class MyCast:
    receipt: str
    counted: bool


@dataclass(frozen=True)
class VoteVerification:
    tally: Tally
    digest: str
    # The verifier's own words where the rows do not hold together, else "".
    problem: str
    counted: list[CountedBallot]
    # The viewer's casts in order; only the last, if any, is counted.
    my_casts: list[MyCast]

    @property
    def my_last_counted(self) -> bool:
        return bool(self.my_casts) and self.my_casts[-1].counted

    def check(self, receipt: str) -> str:
        """What the ledger says of a receipt the viewer holds: one of theirs only, so that no
        one learns whether another voter changed their vote."""
        receipt = receipt.strip().lower()
        for position, cast in enumerate(self.my_casts, start=1):
            if cast.receipt == receipt:
                if cast.counted:
                    return "counted: it is your last cast, and it is in the tally."
                if position < len(self.my_casts):
                    return "in the ledger, but you voted again later: your last cast is counted."
                return "in the ledger but NOT counted: report this to the core maintainers."
        return "not one of your casts in this vote's ledger."


def vote_verification(nomination: Nomination, user, *, show_owners: bool) -> VoteVerification:
    """The verification page of a closed vote (`nomination_for_verification`'s), for `user`.
    One query: the ledger (with its voters where `show_owners`)."""
    tally = _tally(nomination)
    ballots = _ballots(nomination, with_voters=show_owners)
    problem = ""
    try:
        verified: Verified | None = verify(ledger_document(nomination, ballots, tally))
    except Mismatch as error:
        verified, problem = None, str(error)
    counted_receipts = verified.counted if verified else frozenset()
    counted = [ballot for ballot in ballots if ballot.entry_hash in counted_receipts]
    if show_owners:
        rows = [
            CountedBallot(
                ballot.receipt, ballot.voter.get_username(), ballot.get_choice_display().lower()
            )
            for ballot in sorted(counted, key=lambda ballot: ballot.voter.get_username())
        ]
    else:
        # Sorted by receipt: an order that carries neither who cast it nor when.
        rows = [CountedBallot(receipt) for receipt in sorted(b.receipt for b in counted)]
    return VoteVerification(
        tally=tally,
        digest=verified.digest if verified else "",
        problem=problem,
        counted=rows,
        my_casts=[
            MyCast(ballot.receipt, ballot.entry_hash in counted_receipts)
            for ballot in ballots
            if ballot.voter_id == user.pk
        ],
    )
