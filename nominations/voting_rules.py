"""The voting rules: one per kind of decision, set by the project.

A rule's numbers (threshold, quorum, duration, secrecy, method) live in the database
(`VotingRule`), edited by staff through `voting_rule_update`; the defaults below seed them and
stand in for a kind that has no row. A rule's words (title, summary, criteria) live here. The
nomination and proposal pages and the public "How to become a maintainer" page are rendered from
these objects, so what the documentation says is what the software does. When voting opens, the
rule is frozen on the vote, so a later change never rewrites a vote.
"""

from dataclasses import asdict, dataclass, fields, replace
from fractions import Fraction

from governance.models import Role, RoleKind, RoleStatus
from nominations.models import (
    ENDING_KINDS,
    Criterion,
    DecisionKind,
    Method,
    Nomination,
    NominationKind,
    Threshold,
    ThresholdBase,
    VotingRule,
)

THRESHOLDS = {
    Threshold.MAJORITY: Fraction(1, 2),
    Threshold.TWO_THIRDS: Fraction(2, 3),
    Threshold.THREE_QUARTERS: Fraction(3, 4),
}
# The fields a rule stores in the database; the rest of `Policy` is words.
RULE_FIELDS = tuple(
    field.name
    for field in VotingRule._meta.concrete_fields
    if field.name not in {"id", "kind", "updated_at", "updated_by"}
)


@dataclass(frozen=True)
class Policy:
    kind: str
    title: str
    summary: str
    criteria: tuple[str, ...] = ()
    # The rule applied: the kind's own, or the lead-removal rule for a vote that ends a role of
    # the lead core maintainer.
    rule_kind: str = ""
    method: str = Method.APPROVAL
    # The defaults are DESIGN.md's: quorum half the electorate, a simple majority of the
    # non-abstaining votes, a week, secret ballots, conflicts of interest recused. The electorate
    # is every core maintainer frozen at the open, the recused included, so that recusing
    # others away can never shrink the quorum to one voter; and a vote runs at least a week
    # (PEP 13's), so that everyone can take part.
    threshold: str = Threshold.MAJORITY
    threshold_base: str = ThresholdBase.CAST
    quorum_percent: int = 50
    voting_days: int = 7
    min_voting_days: int = 7
    # A vote opens only with at least this many core maintainers able to vote.
    min_voters: int = 3
    early_close: bool = True
    secret: bool = True
    objections_to_block: int = 1
    lead_confirms: bool = False
    nominee_consent: bool = False
    seconders: int = 0

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_percent, 100)

    @property
    def threshold_fraction(self) -> Fraction:
        return THRESHOLDS[Threshold(self.threshold)]

    @property
    def threshold_of_electorate(self) -> bool:
        return self.threshold_base == ThresholdBase.ELECTORATE

    @property
    def choice_words(self) -> dict[str, str]:
        """What the three ballots of the ledger mean under this method, for the tallies."""
        if self.method == Method.LAZY_CONSENSUS:
            return {"approve": "agree", "decline": "object", "abstain": "abstain"}
        if self.method == Method.CONSENT:
            return {"approve": "consent", "decline": "block", "abstain": "stand aside"}
        return {"approve": "approve", "decline": "decline", "abstain": "abstain"}

    @property
    def method_label(self) -> str:
        return Method(self.method).label

    @property
    def quorum_text(self) -> str:
        if not self.quorum_percent:
            return "none: the ballots cast decide, however few"
        return (
            f"at least {_fraction_words(self.quorum)} of the electorate cast a ballot "
            "(the electorate is every core maintainer when voting opens, the recused included)"
        )

    @property
    def threshold_text(self) -> str:
        share = _fraction_words(self.threshold_fraction)
        if self.threshold_of_electorate:
            return f"at least {share} of the whole electorate approve (the recused included)"
        if self.threshold_fraction == Fraction(1, 2):
            return (
                "more than half of the approve and decline votes approve (abstentions not counted)"
            )
        return (
            f"at least {share} of the approve and decline votes approve (abstentions not counted)"
        )

    @property
    def decision_text(self) -> str:
        """How the ballots decide, by the rule's method."""
        if self.method == Method.LAZY_CONSENSUS:
            objections = (
                "one core maintainer objects"
                if self.objections_to_block == 1
                else f"{self.objections_to_block} core maintainers object"
            )
            return (
                f"By lazy consensus: accepted at the deadline unless {objections} "
                "(an objection is a Decline ballot; silence is consent)"
            )
        if self.method == Method.CONSENT:
            return (
                "By consent: accepted unless a core maintainer blocks it (a block is a Decline "
                "ballot and must give its reason)"
            )
        return f"Accepted when {self.threshold_text}"

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
    def before_vote_text(self) -> str:
        """What must happen before the vote opens, where the rule asks for anything."""
        steps = []
        if self.nominee_consent:
            steps.append("the nominee, if they have an account here, accepts the nomination")
        if self.seconders:
            steps.append(
                f"{self.seconders} core maintainer{'s' if self.seconders > 1 else ''} other than "
                "the nominators second it"
            )
        return " and ".join(steps)

    @property
    def ends_roles(self) -> bool:
        return self.kind in ENDING_KINDS

    def rule_values(self) -> dict:
        return {name: getattr(self, name) for name in RULE_FIELDS}

    def frozen(self) -> dict:
        data = asdict(self)
        del data["title"], data["summary"], data["criteria"]
        data["rule_kind"] = self.rule_kind or self.kind
        data["method"] = str(self.method)
        data["threshold"] = [self.threshold_fraction.numerator, self.threshold_fraction.denominator]
        data["threshold_of_electorate"] = self.threshold_of_electorate
        data["quorum"] = [self.quorum.numerator, self.quorum.denominator]
        # Votes frozen before this key existed counted only the electors not recused; their
        # recount keeps doing so.
        data["counts_recused"] = True
        return data

    @classmethod
    def from_frozen(cls, frozen: dict) -> "Policy":
        """The rule a vote runs under, as it stood when the vote opened."""
        base = DEFAULT_RULES[DecisionKind(frozen["kind"])]
        threshold = Fraction(*frozen["threshold"])
        names = {f.name for f in fields(cls)}
        values = {
            key: value
            for key, value in frozen.items()
            if key in names and key not in {"kind", "threshold", "threshold_base", "quorum_percent"}
        }
        return replace(
            base,
            **values,
            threshold=next(name for name, share in THRESHOLDS.items() if share == threshold),
            threshold_base=ThresholdBase.ELECTORATE
            if frozen.get("threshold_of_electorate")
            else ThresholdBase.CAST,
            quorum_percent=int(Fraction(*frozen["quorum"]) * 100),
        )


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

# The nomination kinds' rules: the sections of /become-a-maintainer/.
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
        threshold=Threshold.TWO_THIRDS,
        voting_days=14,
        early_close=False,
    ),
}


# The other decisions' rules: proposals, and the stricter rule for ending the lead's role.
OTHER_DEFAULT_RULES = {
    DecisionKind.LEAD_REMOVAL: Policy(
        kind=DecisionKind.LEAD_REMOVAL,
        title="Ending a role of the lead core maintainer",
        summary=(
            "Removing the lead core maintainer, or moving them to emeritus, takes three quarters "
            "of all the core maintainers, as PyTorch's governance states."
        ),
        criteria=ENDING_CRITERIA,
        threshold=Threshold.THREE_QUARTERS,
        threshold_base=ThresholdBase.ELECTORATE,
        voting_days=14,
        early_close=False,
    ),
    DecisionKind.EMERITUS_BATCH: Policy(
        kind=DecisionKind.EMERITUS_BATCH,
        title="Emeritus batch",
        summary="Several inactive maintainers move to emeritus together, in one vote.",
        secret=False,
    ),
    DecisionKind.TAXONOMY_REVISION: Policy(
        kind=DecisionKind.TAXONOMY_REVISION,
        title="Taxonomy revision",
        summary="A new module taxonomy; its steps are applied only once the vote accepts it.",
        secret=False,
    ),
    DecisionKind.RULE_CHANGE: Policy(
        kind=DecisionKind.RULE_CHANGE,
        title="Change to a voting rule",
        summary="A change to one of these rules; it applies to votes opened after it.",
        threshold=Threshold.TWO_THIRDS,
        secret=False,
    ),
    DecisionKind.MOTION: Policy(
        kind=DecisionKind.MOTION,
        title="Motion",
        summary='A free-text motion, such as "refer this question to an RFC" or "adopt this".',
        secret=False,
    ),
}
DEFAULT_RULES: dict[str, Policy] = {**POLICIES, **OTHER_DEFAULT_RULES}


def current_rules() -> dict[str, Policy]:
    """Every kind's rule as it stands now: its row, or its default where it has none (one
    query)."""
    rules = dict(DEFAULT_RULES)
    for row in VotingRule.objects.all():
        rules[row.kind] = replace(
            DEFAULT_RULES[row.kind], **{name: getattr(row, name) for name in RULE_FIELDS}
        )
    return rules


def lead_removal_text(lead: Policy) -> str:
    """What the lead-removal rule asks, stated beside the rules of the kinds that end roles."""
    if lead.method != Method.APPROVAL:
        return (
            f"Ending a role of the lead core maintainer follows its own rule: {lead.decision_text}"
        )
    if lead.threshold_of_electorate:
        share = f"{_fraction_words(lead.threshold_fraction)} of all the core maintainers"
        return (
            f"Ending a role of the lead core maintainer needs {share} (the whole electorate, the "
            "recused included) to approve"
        )
    return (
        "Ending a role of the lead core maintainer needs "
        f"{_fraction_words(lead.threshold_fraction)} of the approve and decline votes"
    )


def policy_for(kind: str) -> Policy:
    return current_rules()[DecisionKind(kind)]


def ends_the_lead(nomination: Nomination) -> bool:
    """Whether the nomination (or emeritus batch) would end a role of the lead core maintainer."""
    if nomination.kind == DecisionKind.EMERITUS_BATCH:
        people = nomination.proposal.emeritus_roles.values("person")
    elif nomination.kind in ENDING_KINDS and nomination.ending_role_id is not None:
        if nomination.ending_role.kind == RoleKind.LEAD_CORE_MAINTAINER:
            return True
        people = [nomination.ending_role.person_id]
    else:
        return False
    return Role.objects.filter(
        person__in=people, kind=RoleKind.LEAD_CORE_MAINTAINER, status=RoleStatus.ACTIVE
    ).exists()


def policy_for_nomination(nomination: Nomination) -> Policy:
    """The rule of this one nomination, as it stands now: its kind's, or, where it ends a role
    of the lead, the lead-removal rule (under the words of the nomination's kind)."""
    rules = current_rules()
    policy = rules[DecisionKind(nomination.kind)]
    if ends_the_lead(nomination):
        lead = rules[DecisionKind.LEAD_REMOVAL]
        return replace(policy, rule_kind=DecisionKind.LEAD_REMOVAL, **lead.rule_values())
    return policy


def policy_of_vote(nomination: Nomination) -> Policy:
    """The rule a vote runs under: frozen when it opened; before that, the current one."""
    if nomination.policy:
        return Policy.from_frozen(nomination.policy)
    return policy_for_nomination(nomination)


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


def vote_passes(frozen_policy: dict, count: Count) -> bool:
    """Whether a closed vote passed under its frozen rule. Votes frozen before methods existed
    were approval votes."""
    if not quorum_met(frozen_policy, count):
        return False
    method = frozen_policy.get("method", Method.APPROVAL)
    if method == Method.LAZY_CONSENSUS:
        return count.decline < frozen_policy["objections_to_block"]
    if method == Method.CONSENT:
        return count.decline == 0
    return threshold_met(frozen_policy, count)
