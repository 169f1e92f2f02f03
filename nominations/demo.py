"""Demo voting rules, PyTorch's own, and demo nominations: one in voting (core2 to core4 still to vote), one declined with feedback
released to `nominee` and `nominator`, and one accepted and announced. Idempotent: a nomination
that exists is left as it is. Every change goes through the services, as the personas."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from governance.models import Module, Person
from nominations import services
from nominations.models import (
    BallotChoice,
    Criterion,
    DecisionKind,
    Method,
    Nomination,
    NominationKind,
    Outcome,
    Threshold,
    ThresholdBase,
    VotingRule,
)
from nominations.voting_rules import DEFAULT_RULES

# PyTorch's governance in the rules' terms: the core maintainers confirm maintainer nominations
# by a majority of the votes cast (the lead confirms core maintainers); removing the lead takes
# three quarters of all the core maintainers; a motion passes by lazy consensus unless one core
# maintainer objects, as at Apache.
PYTORCH_RULES = {
    DecisionKind.MODULE_MAINTAINER: {"method": Method.APPROVAL, "threshold": Threshold.MAJORITY},
    DecisionKind.CORE_MAINTAINER: {"method": Method.APPROVAL, "lead_confirms": True},
    DecisionKind.LEAD_REMOVAL: {
        "method": Method.APPROVAL,
        "threshold": Threshold.THREE_QUARTERS,
        "threshold_base": ThresholdBase.ELECTORATE,
    },
    DecisionKind.MOTION: {
        "method": Method.LAZY_CONSENSUS,
        "objections_to_block": 1,
        "quorum_percent": 0,
    },
}


@dataclass(frozen=True)
class DemoNomination:
    nominee: str
    module: str
    nominators: tuple[str, ...]
    rationale: str
    evidence: tuple[tuple[str, str, str], ...]
    votes: tuple[tuple[str, str, str], ...]
    invited: tuple[str, ...] = ()


IN_VOTING = DemoNomination(
    nominee="kasante",
    module="nn-apis",
    nominators=("core2",),
    rationale=(
        "Kwame has reviewed a large share of the `torch.nn` changes this year as a module "
        "reviewer, and drove the design of the new module hooks."
    ),
    evidence=(
        ("core1", Criterion.CONTRIBUTIONS, "Over 150 reviews in `torch/nn` since January."),
        ("core2", Criterion.TRIAGE, "Triages the *module: nn* label weekly."),
        ("maintainer", Criterion.MODULE_SUPPORT, "The NN APIs maintainers support this."),
    ),
    votes=(("lead", BallotChoice.APPROVE, ""), ("core1", BallotChoice.APPROVE, "Long overdue.")),
    invited=("maintainer",),
)
DECLINED = DemoNomination(
    nominee="iokonkwo",
    module="cpu-performance",
    nominators=("nominator",),
    rationale="Ife has been a steady reviewer of CPU kernels and would help where review is short.",
    evidence=(
        ("core3", Criterion.CONTRIBUTIONS, "About 40 reviews, mostly on vectorised kernels."),
        ("core4", Criterion.QUALITY, "Reviews are careful but rarely cover design questions yet."),
    ),
    votes=(
        ("lead", BallotChoice.DECLINE, "Not yet; ask again in two quarters."),
        ("core1", BallotChoice.DECLINE, ""),
        ("core2", BallotChoice.APPROVE, ""),
        ("core3", BallotChoice.DECLINE, ""),
        ("core4", BallotChoice.ABSTAIN, ""),
    ),
)
ACCEPTED = DemoNomination(
    nominee="dpark",
    module="sparse",
    nominators=("core3",),
    rationale="Daniel has co-led the sparse tensor layouts work and reviews most sparse changes.",
    evidence=(("core3", Criterion.CONTRIBUTIONS, "Author of the CSR/BSR layout support."),),
    votes=(
        ("lead", BallotChoice.APPROVE, ""),
        ("core1", BallotChoice.APPROVE, ""),
        ("core2", BallotChoice.APPROVE, ""),
        ("core3", BallotChoice.APPROVE, ""),
        ("core4", BallotChoice.APPROVE, ""),
    ),
)


class NominationDemoLoader:
    def __init__(self, *, log=print) -> None:
        self.log = log
        self.users = {user.username: user for user in get_user_model().objects.all()}

    def load(self) -> None:
        self.rules()
        self.in_voting()
        self.declined()
        self.accepted()

    def rules(self) -> None:
        """Set each rule PyTorch states; a rule already set so is left alone (and unaudited)."""
        for kind, values in PYTORCH_RULES.items():
            row = VotingRule.objects.filter(kind=kind).first()
            current = row or DEFAULT_RULES[kind]
            changes = {
                name: value for name, value in values.items() if getattr(current, name) != value
            }
            if changes:
                services.voting_rule_update(actor=None, kind=kind, changes=changes)
                self.log(f"Set the voting rule for {kind.label.lower()}.")

    def existing(self, spec: DemoNomination) -> Nomination | None:
        return Nomination.objects.filter(
            nominee__github=spec.nominee, module__slug=spec.module
        ).first()

    def through_voting(self, spec: DemoNomination) -> Nomination:
        core1 = self.users["core1"]
        nomination = services.nomination_create(
            actor=core1,
            nominee=Person.objects.get(github=spec.nominee),
            kind=NominationKind.MODULE_MAINTAINER,
            module=Module.objects.get(slug=spec.module),
            nominators=[self.users[name] for name in spec.nominators],
            rationale=spec.rationale,
        )
        services.nomination_open(actor=core1, nomination=nomination)
        if spec.invited:
            services.evidence_invite(
                actor=core1,
                nomination=nomination,
                users=[self.users[name] for name in spec.invited],
            )
        for author, criterion, body in spec.evidence:
            services.evidence_add(
                actor=self.users[author], nomination=nomination, criterion=criterion, body=body
            )
        services.voting_open(actor=core1, nomination=nomination)
        for voter, choice, comment in spec.votes:
            services.ballot_cast(
                actor=self.users[voter], nomination=nomination, choice=choice, comment=comment
            )
        nomination.refresh_from_db()
        return nomination

    def in_voting(self) -> None:
        if self.existing(IN_VOTING):
            return
        nomination = self.through_voting(IN_VOTING)
        self.log(f"Nomination #{nomination.pk} is in voting; core2 to core4 still to vote.")

    def declined(self) -> None:
        if self.existing(DECLINED):
            return
        nomination = self.through_voting(DECLINED)
        lead = self.users["lead"]
        services.nomination_decide(
            actor=lead,
            nomination=nomination,
            outcome=Outcome.DECLINED,
            reasons="The vote did not pass: review depth in design questions is not there yet.",
        )
        services.feedback_save(
            actor=lead,
            nomination=nomination,
            to_nominee=(
                "Thank you for your reviews of CPU kernels. To be ready, take on design "
                "reviews of new operators and help triage the *module: cpu* label."
            ),
            to_nominators=(
                "The nomination was well argued. Bring it back in two quarters with design "
                "review examples."
            ),
        )
        services.feedback_release(actor=lead, nomination=nomination)
        self.log(f"Nomination #{nomination.pk} was declined; feedback is released.")

    def accepted(self) -> None:
        if self.existing(ACCEPTED):
            return
        nomination = self.through_voting(ACCEPTED)
        lead = self.users["lead"]
        services.nomination_decide(
            actor=lead,
            nomination=nomination,
            outcome=Outcome.ACCEPTED,
            reasons="Unanimous: the module is understaffed and Daniel already does the work.",
        )
        services.announcement_release(actor=lead, nomination=nomination)
        self.log(f"Nomination #{nomination.pk} was accepted and announced.")
