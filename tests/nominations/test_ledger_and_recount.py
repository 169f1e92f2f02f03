"""The ballot ledger is hash-chained, and `manage.py recount` recomputes every closed tally
from it. Each tampering test edits the database behind the services' back on purpose, then
expects the recount to fail (a CommandError, exit status 1 on the command line). The ledger is
built once for the module; each test's edits are rolled back after it. test_recount_scenarios.py
recounts votes built for one test, and runs the command from its command line (which closes the
database connection, as a command run by itself does)."""

import io
import itertools

import pytest
from django.core.management import CommandError, call_command

from nominations import selectors
from nominations.models import GENESIS_HASH, Ballot, BallotChoice, Outcome, Tally
from tests.nominations.conftest import Build, fresh
from tests.support.built_once import built_once

pytestmark = pytest.mark.django_db


def build_ledger(build: Build):
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


@pytest.fixture(scope="module")
def ledger_once(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as built:
        built.world = build_ledger(built.build)
        yield built


@pytest.fixture
def ledger(ledger_once, db):
    return {name: fresh(nomination) for name, nomination in ledger_once.world.items()}


@pytest.fixture
def build(ledger_once, db, monkeypatch) -> Build:
    return ledger_once.fresh_build(monkeypatch)


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
