"""The policy per nomination kind: who votes, quorum, threshold, who decides, secrecy.

The nomination pages and the public "How to become a maintainer" page are both rendered from
these objects, so what the documentation says is what the software does. When voting opens, the
policy is frozen on the nomination, so a later change of policy never rewrites a vote.
"""

from dataclasses import asdict, dataclass, replace
from fractions import Fraction

from governance.models import Role, RoleKind, RoleStatus
from nominations.models import ENDING_KINDS, Criterion, Nomination, NominationKind


@dataclass(frozen=True)
class Policy:
    kind: str
    title: str
    summary: str
    criteria: tuple[str, ...]
    # The defaults are DESIGN.md's: quorum half the electorate, a simple majority of the
    # non-abstaining votes, a week, secret ballots, conflicts of interest recused. The electorate
    # is every core maintainer frozen at the open, the recused included, so that recusing
    # others away can never shrink the quorum to one voter; and a vote runs at least a week
    # (PEP 13's), so that everyone can take part.
    quorum: Fraction = Fraction(1, 2)
    threshold: Fraction = Fraction(1, 2)
    # Whether the threshold counts approvals against the whole electorate rather than against
    # the approve and decline votes.
    threshold_of_electorate: bool = False
    voting_days: int = 7
    min_voting_days: int = 7
    # A vote opens only with at least this many core maintainers able to vote.
    min_voters: int = 3
    secret: bool = True
    early_close: bool = True
    lead_confirms: bool = False

    @property
    def quorum_text(self) -> str:
        return (
            f"at least {_fraction_words(self.quorum)} of the electorate cast a ballot "
            "(the electorate is every core maintainer when voting opens, the recused included)"
        )

    @property
    def threshold_text(self) -> str:
        if self.threshold_of_electorate:
            return (
                f"at least {_fraction_words(self.threshold)} of the whole electorate approve "
                "(the recused included)"
            )
        if self.threshold == Fraction(1, 2):
            return (
                "more than half of the approve and decline votes approve (abstentions not counted)"
            )
        return (
            f"at least {_fraction_words(self.threshold)} of the approve and decline votes approve "
            "(abstentions not counted)"
        )

    @property
    def decider_text(self) -> str:
        if self.lead_confirms:
            return (
                "The core maintainers vote; the lead core maintainer then confirms or declines. "
                "The lead does not start such a vote, since whoever starts a vote does not "
                "decide it."
            )
        return (
            "The core maintainers vote, and a core maintainer other than the one who started "
            "the vote records the decision the vote reached and releases the announcement."
        )

    @property
    def duration_text(self) -> str:
        text = (
            f"Voting is open for {self.voting_days} days by default and never less than "
            f"{self.min_voting_days}"
        )
        if self.early_close:
            return f"{text}; it closes early once every core maintainer not recused has voted"
        return text

    @property
    def floor_text(self) -> str:
        return (
            f"A vote starts only if at least {self.min_voters} core maintainers can vote. "
            "The nominee, and whoever the nomination would remove, are recused; any other core "
            "maintainer may recuse only themselves, with a reason, before voting"
        )

    @property
    def lead_removal_text(self) -> str:
        if self.kind not in ENDING_KINDS:
            return ""
        return (
            "Ending a role of the lead core maintainer needs three quarters of all the core "
            "maintainers (the whole electorate, the recused included) to approve"
        )

    def frozen(self) -> dict:
        data = asdict(self)
        data["quorum"] = [self.quorum.numerator, self.quorum.denominator]
        data["threshold"] = [self.threshold.numerator, self.threshold.denominator]
        del data["title"], data["summary"], data["criteria"]
        # Votes frozen before this key existed counted only the electors not recused; their
        # recount keeps doing so.
        data["counts_recused"] = True
        return data


def _fraction_words(value: Fraction) -> str:
    words = {Fraction(1, 2): "half", Fraction(2, 3): "two thirds", Fraction(3, 4): "three quarters"}
    return words.get(value, f"{value.numerator}/{value.denominator}")


MAINTAINER_CRITERIA = (
    Criterion.CONTRIBUTIONS,
    Criterion.TRIAGE,
    Criterion.QUALITY,
    Criterion.COMMITMENT,
    Criterion.MODULE_SUPPORT,
    Criterion.POSITIVE,
    Criterion.NEGATIVE,
)
REVIEWER_CRITERIA = (Criterion.CONTRIBUTIONS, Criterion.QUALITY, Criterion.POSITIVE)
ENDING_CRITERIA = (Criterion.COMMITMENT, Criterion.GENERAL)
# Kinds of evidence that are not criteria a nominee meets: the criteria page leaves them out.
NOT_CRITERIA = frozenset({Criterion.NEGATIVE, Criterion.GENERAL})

POLICIES = {
    NominationKind.MODULE_MAINTAINER: Policy(
        kind=NominationKind.MODULE_MAINTAINER,
        title="Module maintainer",
        summary=(
            "Module maintainers decide the direction of a module and review its changes. "
            "Promotion trails the work: a nominee has already reviewed changes, triaged issues "
            "and held the quality bar of the module."
        ),
        criteria=MAINTAINER_CRITERIA,
    ),
    NominationKind.MODULE_REVIEWER: Policy(
        kind=NominationKind.MODULE_REVIEWER,
        title="Module reviewer",
        summary=(
            "Reviewers may approve changes in a module but have no vote in governance. The role "
            "helps where review is short."
        ),
        criteria=REVIEWER_CRITERIA,
    ),
    NominationKind.CORE_MAINTAINER: Policy(
        kind=NominationKind.CORE_MAINTAINER,
        title="Core maintainer",
        summary=(
            "Core maintainers steer the whole project, meet every quarter, and decide on "
            "nominations. Letters of support are collected as evidence."
        ),
        criteria=MAINTAINER_CRITERIA,
        voting_days=14,
        early_close=False,
        lead_confirms=True,
    ),
    NominationKind.CORE_REVIEWER: Policy(
        kind=NominationKind.CORE_REVIEWER,
        title="Core reviewer",
        summary="Core reviewers may approve changes anywhere but have no vote in governance.",
        criteria=REVIEWER_CRITERIA,
    ),
    NominationKind.EMERITUS: Policy(
        kind=NominationKind.EMERITUS,
        title="Move to emeritus",
        summary=(
            "Maintainers who have been inactive past their module's inactivity period move to "
            "emeritus. Emeritus is an honour, not a sanction."
        ),
        criteria=ENDING_CRITERIA,
        secret=False,
    ),
    NominationKind.REMOVAL: Policy(
        kind=NominationKind.REMOVAL,
        title="Removal",
        summary=(
            "Anyone may propose a removal. Core maintainers with a conflict of interest are "
            "excluded from the vote."
        ),
        criteria=ENDING_CRITERIA,
        threshold=Fraction(2, 3),
        voting_days=14,
        early_close=False,
    ),
}


def policy_for(kind: str) -> Policy:
    return POLICIES[NominationKind(kind)]


# Removing the lead core maintainer (or moving them to emeritus) takes three quarters of all the
# core maintainers, as PyTorch's governance states.
LEAD_REMOVAL_THRESHOLD = Fraction(3, 4)


def ends_the_lead(nomination: Nomination) -> bool:
    """Whether the nomination would end a role of the lead core maintainer."""
    if nomination.kind not in ENDING_KINDS or nomination.ending_role_id is None:
        return False
    role = nomination.ending_role
    return role.kind == RoleKind.LEAD_CORE_MAINTAINER or (
        Role.objects.filter(
            person_id=role.person_id,
            kind=RoleKind.LEAD_CORE_MAINTAINER,
            status=RoleStatus.ACTIVE,
        ).exists()
    )


def policy_for_nomination(nomination: Nomination) -> Policy:
    """The policy of this one nomination: its kind's, made stricter where it ends the lead's
    role."""
    policy = policy_for(nomination.kind)
    if ends_the_lead(nomination):
        return replace(policy, threshold=LEAD_REMOVAL_THRESHOLD, threshold_of_electorate=True)
    return policy


@dataclass(frozen=True)
class Count:
    """`electorate` is the whole frozen electorate, the recused included (for votes frozen
    before that rule: the electors not recused)."""

    electorate: int
    approve: int
    decline: int
    abstain: int

    @property
    def votes(self) -> int:
        return self.approve + self.decline + self.abstain


def quorum_met(frozen_policy: dict, count: Count) -> bool:
    numerator, denominator = frozen_policy["quorum"]
    return count.electorate > 0 and count.votes * denominator >= count.electorate * numerator


def threshold_met(frozen_policy: dict, count: Count) -> bool:
    numerator, denominator = frozen_policy["threshold"]
    if frozen_policy.get("threshold_of_electorate", False):
        return count.electorate > 0 and count.approve * denominator >= count.electorate * numerator
    decisive = count.approve + count.decline
    if decisive == 0:
        return False
    if Fraction(numerator, denominator) == Fraction(1, 2):
        return count.approve * 2 > decisive
    return count.approve * denominator >= decisive * numerator
