"""`manage.py recount` on votes built for each test: none closed, recusals counted against the
whole electorate or, in a tally frozen before that rule, as it was closed; the scan that closes
due votes going on past a broken ledger; and the command run from its command line, which
closes the database connection at its end, as a command run by itself does.
test_ledger_and_recount.py tampers with one ledger built for its module."""

import pytest
from django.core.management import execute_from_command_line

from nominations import selectors
from nominations.models import Ballot, BallotChoice, Nomination, Tally
from tests.nominations.conftest import close_due_votes
from tests.nominations.test_ledger_and_recount import build_ledger, recount

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(build):
    return build_ledger(build)


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
