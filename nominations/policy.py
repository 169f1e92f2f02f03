"""The policy per nomination kind: who votes, quorum, threshold, who decides, secrecy.

The nomination pages and the public "How to become a maintainer" page are both rendered from
these objects, so what the documentation says is what the software does. When voting opens, the
policy is frozen on the nomination, so a later change of policy never rewrites a vote.
"""

from dataclasses import asdict, dataclass
from fractions import Fraction

from nominations.models import Criterion, NominationKind


@dataclass(frozen=True)
class Policy:
    kind: str
    title: str
    summary: str
    criteria: tuple[str, ...]
    # The defaults are DESIGN.md's: quorum half the electorate, a simple majority of the
    # non-abstaining votes, a week, secret ballots, conflicts of interest recused.
    quorum: Fraction = Fraction(1, 2)
    threshold: Fraction = Fraction(1, 2)
    voting_days: int = 7
    secret: bool = True
    early_close: bool = True
    lead_confirms: bool = False
    conflicts_excluded: bool = True

    @property
    def quorum_text(self) -> str:
        return f"at least {_fraction_words(self.quorum)} of the electorate cast a ballot"

    @property
    def threshold_text(self) -> str:
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
            return "The core maintainers vote; the lead core maintainer then confirms or declines."
        return "The core maintainers vote and record the decision the vote reached."

    def frozen(self) -> dict:
        data = asdict(self)
        data["quorum"] = [self.quorum.numerator, self.quorum.denominator]
        data["threshold"] = [self.threshold.numerator, self.threshold.denominator]
        del data["title"], data["summary"], data["criteria"]
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


@dataclass(frozen=True)
class Count:
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
    decisive = count.approve + count.decline
    if decisive == 0:
        return False
    if Fraction(numerator, denominator) == Fraction(1, 2):
        return count.approve * 2 > decisive
    return count.approve * denominator >= decisive * numerator
