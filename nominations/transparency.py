"""The public record of closed votes (`/transparency/`), from any app that runs votes.

Each app registers a source: a function that returns its closed votes the public may know of,
as `ClosedVote` rows, in a fixed number of queries. The nominations register theirs below; an
app that puts other decisions to a vote registers its own in its `AppConfig.ready`, with
`register_closed_votes`. A row carries no voter's name and no private text: only what the
published result already says, the rule, the counts and the ledger's final digest, so that
anyone can see later that a published result was not changed.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.urls import reverse

from governance import permissions
from nominations.models import Nomination


@dataclass(frozen=True)
class ClosedVote:
    kind: str  # "Nomination", "Proposal", ...
    title: str  # public already: the announced role, the proposal's title
    opened_at: datetime.datetime
    closed_at: datetime.datetime
    rule: str
    electorate: int
    counts: tuple[tuple[str, int], ...]  # ("approve", 3), in the order the rule reads them
    result: str
    digest: str
    url: str = ""  # the public page of the result, if any


ClosedVoteSource = Callable[[], Iterable[ClosedVote]]
_SOURCES: list[ClosedVoteSource] = []


def register_closed_votes(source: ClosedVoteSource) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def closed_votes_public() -> list[ClosedVote]:
    """Every source's closed public votes, the latest closed first."""
    votes = [vote for source in _SOURCES for vote in source()]
    return sorted(votes, key=lambda vote: (vote.closed_at, vote.digest), reverse=True)


def _fraction_words(pair: list[int]) -> str:
    value = Fraction(*pair)
    words = {Fraction(1, 2): "half", Fraction(2, 3): "two thirds", Fraction(3, 4): "three quarters"}
    return words.get(value, f"{value.numerator}/{value.denominator}")


def rule_text(frozen_policy: dict) -> str:
    """The rule a vote ran under, read from the policy frozen when it opened."""
    method = frozen_policy.get("method", "approval")
    if method == "lazy_consensus":
        objections = frozen_policy["objections_to_block"]
        passing = f"no more than {objections - 1} object (lazy consensus)"
    elif method == "consent":
        passing = "nobody blocks (consent)"
    else:
        threshold = _fraction_words(frozen_policy["threshold"])
        if frozen_policy.get("threshold_of_electorate"):
            passing = f"{threshold} of the whole electorate approve"
        elif Fraction(*frozen_policy["threshold"]) == Fraction(1, 2):
            passing = "more than half of the approve and decline votes approve"
        else:
            passing = f"{threshold} of the approve and decline votes approve"
    ballot = "secret ballot" if frozen_policy.get("secret", True) else "open ballot"
    return (
        f"Quorum {_fraction_words(frozen_policy['quorum'])} of the electorate; passes if "
        f"{passing}; {ballot}; at least {frozen_policy['min_voting_days']} days."
    )


def _counts(tally) -> tuple[tuple[str, int], ...]:
    return (("approve", tally.approve), ("decline", tally.decline), ("abstain", tally.abstain))


def nominations_closed_public() -> list[ClosedVote]:
    """Announced nominations' votes. One query."""
    nominations = permissions.nominations_with_public_vote(Nomination.objects.all())
    rows = []
    announcements = reverse("announcements")
    for nomination in nominations.select_related(
        "nominee", "module", "ending_role", "tally", "announcement"
    ).order_by("-voting_closed_at", "-pk"):
        tally = nomination.tally
        rows.append(
            ClosedVote(
                kind="Nomination",
                title=nomination.heading,
                opened_at=nomination.voting_opened_at,
                closed_at=nomination.voting_closed_at,
                rule=rule_text(nomination.policy),
                electorate=tally.electorate,
                counts=_counts(tally),
                result=f"{'Passed' if tally.passed else 'Did not pass'}; "
                f"{nomination.get_outcome_display().lower()} and announced "
                f"{nomination.announcement.released_at:%Y-%m-%d}.",
                digest=tally.ledger_head,
                url=announcements,
            )
        )
    return rows


def proposals_closed_public() -> list[ClosedVote]:
    """Decided proposals with their public outcome, named by kind and number only. One query."""
    votes = permissions.proposals_with_public_vote(Nomination.objects.all())
    rows = []
    for vote in votes.select_related("tally", "proposal", "decision").order_by(
        "-voting_closed_at", "-pk"
    ):
        tally = vote.tally
        rows.append(
            ClosedVote(
                kind="Proposal",
                title=f"{vote.get_kind_display()} #{vote.pk}",
                opened_at=vote.voting_opened_at,
                closed_at=vote.voting_closed_at,
                rule=rule_text(vote.policy),
                electorate=tally.electorate,
                counts=_counts(tally),
                result=f"{'Passed' if tally.passed else 'Did not pass'}; "
                f"{vote.get_outcome_display().lower()}: {vote.proposal.public_outcome}",
                digest=tally.ledger_head,
            )
        )
    return rows


register_closed_votes(nominations_closed_public)
register_closed_votes(proposals_closed_public)
