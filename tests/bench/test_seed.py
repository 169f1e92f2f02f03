"""The benchmark data set, built at a hundredth of its size: valid ledgers, working vote grants,
the same rows from the same seed."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from bench.data import SeedRefused, seed_database
from governance.models import Person
from meetings.models import MinutesVersion
from nominations import services
from nominations.models import Ballot, BallotChoice, Nomination, NominationStatus

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    seed_database(scale=0.01, seed=3, anchor=datetime.date(2025, 6, 1), out=out)
    return out.getvalue()


def test_it_seeds_ledgers_that_the_recount_accepts():
    output = seed()

    assert "nominations_ballot" in output
    recount = io.StringIO()
    call_command("recount", stdout=recount)
    assert "all match" in recount.getvalue()
    assert Ballot.objects.count() == 2_000
    assert MinutesVersion.objects.exists()


def test_it_grants_the_electorate_their_vote_on_open_nominations():
    seed_database(scale=0.01, seed=3, anchor=None, out=io.StringIO())
    nomination = Nomination.objects.filter(status=NominationStatus.VOTING).first()
    voter = nomination.electors.first().user

    ballot = services.ballot_cast(actor=voter, nomination=nomination, choice=BallotChoice.ABSTAIN)

    assert ballot.choice == BallotChoice.ABSTAIN


def test_it_builds_the_same_rows_from_the_same_seed():
    def rows() -> tuple[list, list]:
        # Ids are left out: sequences move on after a rollback.
        ballots = Ballot.objects.order_by("pk").values_list("sequence", "choice", "cast_at")
        people = Person.objects.order_by("pk").values_list("full_name", "affiliation")
        return list(ballots), list(people)

    savepoint = transaction.savepoint()
    seed()
    first = rows()
    transaction.savepoint_rollback(savepoint)
    seed()

    assert first[0]
    assert rows() == first


def test_it_refuses_a_database_that_has_people(core1):
    with pytest.raises(SeedRefused, match="already has people"):
        seed()
