"""The ballot ledger is hash-chained, and `manage.py recount` recomputes every closed tally
from it. Each tampering test edits the database behind the services' back on purpose, then
expects the recount to fail (a CommandError, exit status 1 on the command line)."""

import io
import itertools

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from nominations import selectors
from nominations.models import GENESIS_HASH, Ballot, BallotChoice, Nomination, Outcome, Tally
from tests.nominations.conftest import close_due_votes

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(build):
    """Two closed nominations (one decided), with votes changed along the way, and one still in
    voting (which the recount leaves alone)."""
    closed = build.voting(nominee=build.person("Daniel Park", "dpark"))
    build.vote(closed, {build.core1: BallotChoice.DECLINE, build.core2: BallotChoice.APPROVE})
    build.vote(closed, {build.core1: BallotChoice.APPROVE})  # changed
    build.vote(
        closed,
        {
            build.lead: BallotChoice.APPROVE,
            build.core3: BallotChoice.ABSTAIN,
            build.core4: BallotChoice.DECLINE,
        },
    )
    decided = build.decided(outcome=Outcome.DECLINED)
    voting = build.voting(nominee=build.person("Lin Chen", "lchen"))
    build.vote(voting, {build.core1: BallotChoice.APPROVE})
    return {"closed": closed, "decided": decided, "voting": voting}


def recount() -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("recount", stdout=out, stderr=err)
    except CommandError as error:
        raise CommandError(f"{error}\n{err.getvalue()}") from error
    return out.getvalue()


def test_it_chains_every_cast_to_the_one_before(ledger):
    ballots = list(Ballot.objects.filter(nomination=ledger["closed"]).order_by("sequence"))

    assert [ballot.sequence for ballot in ballots] == [1, 2, 3, 4, 5, 6]
    assert ballots[0].previous_hash == GENESIS_HASH
    for previous, ballot in itertools.pairwise(ballots):
        assert ballot.previous_hash == previous.entry_hash
    for ballot in ballots:
        assert ballot.entry_hash == ballot.compute_hash()
    count, head = selectors.count_ledger(ledger["closed"])
    assert head == ballots[-1].entry_hash == ledger["closed"].tally.ledger_head
    assert (count.approve, count.decline, count.abstain, count.electorate) == (3, 1, 1, 5)


def test_it_starts_each_nomination_its_own_chain(ledger):
    firsts = Ballot.objects.filter(sequence=1).values_list("previous_hash", flat=True)

    assert list(firsts) == [GENESIS_HASH] * 3


def test_it_recounts_clean_data_without_complaint(ledger):
    output = recount()

    assert "Recounted 2 closed tallies: all match." in output


def test_it_recounts_nothing_when_nothing_is_closed(build):
    build.voting()

    assert "Recounted 0 closed tallies" in recount()


def test_it_recounts_a_vote_with_a_recusal_against_the_whole_electorate(build):
    nomination = build.voting(recused={build.core4: "Same team."})
    build.vote(
        nomination, dict.fromkeys([build.lead, build.core1, build.core2], BallotChoice.APPROVE)
    )
    nomination = build.close(nomination)

    assert nomination.tally.electorate == 5
    assert "Recounted 1 closed tallies: all match." in recount()


def test_it_recounts_a_vote_frozen_before_recused_electors_counted_as_it_was(build):
    """Tallies stored before the rule counted only the electors not recused; their frozen
    policy has no `counts_recused`, and the recount reads them as they were closed."""
    nomination = build.voting(recused={build.core4: "Same team."})
    build.vote(
        nomination, dict.fromkeys([build.lead, build.core1, build.core2], BallotChoice.APPROVE)
    )
    nomination = build.close(nomination)
    older = {
        key: value
        for key, value in nomination.policy.items()
        if key not in {"counts_recused", "threshold_of_electorate", "min_voters"}
    }
    Nomination.objects.filter(pk=nomination.pk).update(policy=older)
    Tally.objects.filter(nomination=nomination).update(electorate=4)

    count, _ = selectors.count_ledger(Nomination.objects.get(pk=nomination.pk))
    assert count.electorate == 4
    assert "Recounted 1 closed tallies: all match." in recount()


def test_it_catches_a_ballot_whose_choice_was_changed(ledger):
    ballot = Ballot.objects.get(nomination=ledger["closed"], sequence=4)
    Ballot.objects.filter(pk=ballot.pk).update(choice=BallotChoice.DECLINE)

    with pytest.raises(CommandError, match=r"broken at ballot 4"):
        recount()


def test_it_catches_a_superseded_ballot_whose_choice_was_changed(ledger):
    ballot = Ballot.objects.get(nomination=ledger["closed"], sequence=1)  # core1's first vote
    Ballot.objects.filter(pk=ballot.pk).update(choice=BallotChoice.APPROVE)

    with pytest.raises(CommandError, match=r"broken at ballot 1"):
        recount()


def test_it_catches_a_ballot_whose_comment_was_changed(ledger):
    Ballot.objects.filter(nomination=ledger["decided"], sequence=2).update(comment="Edited.")

    with pytest.raises(CommandError, match=r"broken at ballot 2"):
        recount()


@pytest.mark.parametrize("sequence", [1, 3, 6], ids=["first", "middle", "last"])
def test_it_catches_a_deleted_ballot(ledger, sequence):
    Ballot.objects.filter(nomination=ledger["closed"], sequence=sequence).delete()

    with pytest.raises(
        CommandError, match=r"Nomination #\d+: |ledger of nomination #\d+ is broken"
    ):
        recount()


@pytest.mark.parametrize(
    "change",
    [{"approve": 4}, {"decline": 0}, {"abstain": 2}, {"electorate": 4}, {"ledger_head": "0" * 64}],
    ids=lambda change: next(iter(change)),
)
def test_it_catches_a_stored_tally_that_was_changed(ledger, change):
    Tally.objects.filter(nomination=ledger["closed"]).update(**change)

    with pytest.raises(CommandError, match=r"1 problem\(s\) in 2 closed tallies"):
        recount()


@pytest.mark.parametrize(
    ("nomination", "change"),
    [("decided", {"passed": True, "quorum_met": True}), ("closed", {"passed": False})],
    ids=["failed-vote-marked-passed", "passed-vote-marked-failed"],
)
def test_it_catches_a_stored_result_that_was_changed(ledger, nomination, change):
    """The result is what a decision rests on: a tally whose counts match the ledger but whose
    `passed` was flipped must fail the recount too."""
    Tally.objects.filter(nomination=ledger[nomination]).update(**change)

    with pytest.raises(CommandError):
        recount()


def test_it_catches_a_ballot_added_behind_the_services_back(ledger, build):
    last = Ballot.objects.filter(nomination=ledger["closed"]).order_by("-sequence").first()
    forged = Ballot(
        nomination=ledger["closed"],
        voter=build.core4,
        sequence=last.sequence + 1,
        choice=BallotChoice.APPROVE,
        previous_hash=last.entry_hash,
    )
    forged.entry_hash = forged.compute_hash()
    Ballot.objects.filter(nomination=ledger["closed"], voter=build.core4).update(
        superseded_at=forged.cast_at
    )
    forged.save()

    with pytest.raises(CommandError, match=r"differs from the ledger"):
        recount()


def test_it_exits_non_zero_from_the_command_line(ledger, capsys):
    Ballot.objects.filter(nomination=ledger["closed"], sequence=2).update(
        choice=BallotChoice.ABSTAIN
    )

    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "recount"])

    assert exit_.value.code == 1
    assert "broken at ballot 2" in capsys.readouterr().err


def test_it_exits_zero_from_the_command_line_on_clean_data(ledger, capsys):
    execute_from_command_line(["manage.py", "recount"])

    assert "all match" in capsys.readouterr().out


def test_it_closes_the_other_due_votes_when_one_ledger_is_broken(build, clock):
    """A tampered ledger must not hold every other vote open: the scan closes what it can and
    leaves the broken one for the recount to report."""
    older = build.voting(nominee=build.person("Daniel Park", "dpark"))
    broken = build.voting(nominee=build.person("Lin Chen", "lchen"))
    build.vote(broken, {build.core1: BallotChoice.APPROVE})
    Ballot.objects.filter(nomination=broken).update(choice=BallotChoice.DECLINE)
    clock.pass_deadline(broken)

    assert close_due_votes() == 1  # the broken ledger is logged and left open

    assert Tally.objects.filter(nomination=older).exists()
    assert not Tally.objects.filter(nomination=broken).exists()
