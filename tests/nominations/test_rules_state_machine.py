"""A Hypothesis state machine over a vote: casts, changes of mind, recusals, rule changes and the
close, for every method. Whatever the sequence, the stored tally equals what a small reference
implementation written here computes from the rule frozen when the vote opened.

Each example runs inside a savepoint rolled back at its end, so examples share the personas and
nothing else.
"""

from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from governance import permissions
from nominations import services
from nominations.errors import NominationError
from nominations.models import (
    Ballot,
    BallotChoice,
    Method,
    NominationKind,
    NominationStatus,
    Threshold,
    ThresholdBase,
)
from tests.nominations.conftest import close_due_votes, fresh

pytestmark = pytest.mark.django_db

KIND = NominationKind.MODULE_REVIEWER
VOTERS = 5  # lead, core1..core4
SHARES = {
    Threshold.MAJORITY: Fraction(1, 2),
    Threshold.TWO_THIRDS: Fraction(2, 3),
    Threshold.THREE_QUARTERS: Fraction(3, 4),
}

rules = st.fixed_dictionaries(
    {
        "threshold": st.sampled_from(Threshold.values),
        "threshold_base": st.sampled_from(ThresholdBase.values),
        "quorum_percent": st.sampled_from([0, 20, 50, 60, 100]),
        "early_close": st.booleans(),
        "objections_to_block": st.integers(min_value=1, max_value=3),
        "secret": st.booleans(),
    }
)


def reference_result(rule: dict, electorate: int, choices: list[str]) -> tuple[bool, bool]:
    """(quorum met, passed), from the rule's words rather than the code's fractions."""
    approve, decline = choices.count(BallotChoice.APPROVE), choices.count(BallotChoice.DECLINE)
    quorum = electorate > 0 and Fraction(len(choices), electorate) >= Fraction(
        rule["quorum_percent"], 100
    )
    if rule["method"] == Method.LAZY_CONSENSUS:
        return quorum, quorum and decline < rule["objections_to_block"]
    if rule["method"] == Method.CONSENT:
        return quorum, quorum and decline == 0
    share = SHARES[rule["threshold"]]
    if rule["threshold_base"] == ThresholdBase.ELECTORATE:
        return quorum, quorum and Fraction(approve, electorate) >= share
    if approve + decline == 0:
        return quorum, False
    ratio = Fraction(approve, approve + decline)
    # "A majority" is more than half; the other shares are "at least".
    reached = ratio > share if rule["threshold"] == Threshold.MAJORITY else ratio >= share
    return quorum, quorum and reached


def run_machine(build, clock, method: str) -> None:
    class Vote(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.nomination = None

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        @initialize(rule=rules)
        def open_vote(self, rule: dict) -> None:
            self.rule = {**rule, "method": method}
            # A rolled-back example frees its nomination's id for the next one: no grant a user
            # object remembers from an earlier example may answer for this one.
            for user in build.electorate:
                permissions.forget_cached_access(user)
            services.voting_rule_update(actor=None, kind=KIND, changes=self.rule)
            self.nomination = build.voting(kind=KIND)
            self.latest: dict[int, str] = {}
            self.recused: set[int] = set()
            self.has_cast: set[int] = set()
            self.closed = False

        def _voter(self, index: int):
            return build.electorate[index]

        def _close_early_if_everyone_voted(self) -> None:
            voters = {user.pk for user in build.electorate} - self.recused
            if self.rule["early_close"] and voters <= set(self.latest):
                self.closed = True

        @rule(
            index=st.integers(0, VOTERS - 1),
            choice=st.sampled_from(BallotChoice.values),
            reason=st.sampled_from(["", "It would split the module."]),
        )
        def cast(self, index: int, choice: str, reason: str) -> None:
            voter = self._voter(index)
            refused = self.closed or voter.pk in self.recused
            needs_reason = (
                method == Method.CONSENT and choice == BallotChoice.DECLINE and not reason
            )
            try:
                services.ballot_cast(
                    actor=voter, nomination=self.nomination, choice=choice, comment=reason
                )
            except (NominationError, PermissionDenied):
                assert refused
                return
            except ValidationError:
                assert needs_reason
                assert not refused
                return
            assert not refused
            assert not needs_reason
            self.latest[voter.pk] = choice
            self.has_cast.add(voter.pk)
            self._close_early_if_everyone_voted()

        @rule(index=st.integers(0, VOTERS - 1))
        def recuse(self, index: int) -> None:
            voter = self._voter(index)
            allowed = not self.closed and voter.pk not in self.recused | self.has_cast
            try:
                services.elector_recuse(
                    actor=voter, nomination=self.nomination, reason="My employer is involved."
                )
            except (NominationError, PermissionDenied):
                assert not allowed
                return
            assert allowed
            self.recused.add(voter.pk)

        @rule(change=rules, new_method=st.sampled_from(Method.values))
        def change_the_rule(self, change: dict, new_method: str) -> None:
            """Staff change the rule mid-vote: this vote keeps the rule it opened under."""
            services.voting_rule_update(
                actor=None, kind=KIND, changes={**change, "method": new_method}
            )

        @precondition(lambda self: not self.closed)
        @rule()
        def close_at_the_deadline(self) -> None:
            clock.pass_deadline(self.nomination)
            assert close_due_votes() == 1
            self.closed = True

        @invariant()
        def the_ledger_and_the_tally_agree_with_the_reference(self) -> None:
            if self.nomination is None:
                return
            nomination = fresh(self.nomination)
            assert (nomination.status == NominationStatus.CLOSED) is self.closed
            live = dict(
                Ballot.objects.filter(
                    nomination=nomination, superseded_at__isnull=True
                ).values_list("voter", "choice")
            )
            assert live == self.latest
            if self.closed:
                tally = nomination.tally
                choices = list(self.latest.values())
                assert (tally.quorum_met, tally.passed) == reference_result(
                    self.rule, VOTERS, choices
                )
                assert (tally.electorate, tally.approve, tally.decline, tally.abstain) == (
                    VOTERS,
                    choices.count(BallotChoice.APPROVE),
                    choices.count(BallotChoice.DECLINE),
                    choices.count(BallotChoice.ABSTAIN),
                )

    run_state_machine_as_test(
        Vote, settings=settings(max_examples=12, stateful_step_count=10, deadline=None)
    )


@pytest.mark.parametrize("method", Method.values)
def test_it_counts_every_method_as_the_reference_does(build, clock, method):
    run_machine(build, clock, method)
