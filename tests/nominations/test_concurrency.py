"""Concurrent votes and closes on PostgreSQL: real threads, each with its own connection,
released together by a barrier. SQLite serialises every write and hides a missing row lock, so
these tests need PostgreSQL (they skip without it, and fail under REQUIRE_SERVICES=1)."""

import itertools
import random
import threading
import time
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.client import ClientHandler
from django.urls import reverse

from governance import services as governance_services
from governance.models import AuditEvent, RoleKind
from nominations import selectors, services
from nominations.models import (
    Ballot,
    BallotChoice,
    Nomination,
    NominationKind,
    NominationStatus,
    Tally,
)
from tests.conftest import login
from tests.nominations.conftest import close_due_votes, fresh

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 60
# The choices voters draw: the same on every run, so a failure can be run again as it was.
SEED = 20261130
# The votes a racing close waits for before it runs, so it lands among them, not before them.
HEAD_START_VOTES = 3


def run_together(functions: list[Callable]) -> list[tuple[str, object]]:
    """Run each function in its own thread, all released at once; ("ok", result) or
    ("error", exception) per function, in order."""
    barrier = threading.Barrier(len(functions))
    outcomes: list[tuple[str, object] | None] = [None] * len(functions)

    def run(index: int, function: Callable) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            outcomes[index] = ("ok", function())
        except Exception as error:
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, function))
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (a deadlock?)"
    return outcomes


def let_some_votes_land(nomination: Nomination) -> None:
    """Wait (at most TIMEOUT) until HEAD_START_VOTES ballots of the nomination are stored."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if Ballot.objects.filter(nomination=nomination).count() >= HEAD_START_VOTES:
            return
        time.sleep(0.005)


def add_core_maintainers(count: int) -> list:
    users = []
    for n in range(count):
        user = get_user_model().objects.create_user(
            username=f"voter{n:02}", email=f"voter{n:02}@example.org"
        )
        person = governance_services.person_create(
            actor=None, full_name=f"Voter {n:02}", github=f"voter-{n:02}", user=user
        )
        governance_services.role_grant(actor=None, person=person, kind=RoleKind.CORE_MAINTAINER)
        users.append(user)
    return users


def ledger(nomination: Nomination) -> list[Ballot]:
    return list(Ballot.objects.filter(nomination=nomination).order_by("sequence"))


def assert_recount_passes() -> None:
    call_command("recount")  # raises CommandError on any mismatch


def signed_in_clients(users: list) -> dict:
    """One client per user, signed in the way the test suite signs in (so whatever sign-in
    needs, such as a second factor, comes along). The clients share one request handler,
    loaded here: loading it in fifty threads at once would stagger the requests it races."""
    handler = ClientHandler(enforce_csrf_checks=False)
    handler.load_middleware()
    clients = {}
    for user in users:
        client = Client()
        client.handler = handler
        clients[user.pk] = login(client, user)
    return clients


def assert_tally_matches_ledger(nomination: Nomination) -> Tally:
    tally = fresh(nomination).tally
    count, head = selectors.count_ledger(nomination)  # raises if the chain is broken
    assert (count.approve, count.decline, count.abstain, head) == (
        tally.approve,
        tally.decline,
        tally.abstain,
        tally.ledger_head,
    )
    assert_recount_passes()
    return tally


def test_it_records_one_live_ballot_per_voter_when_all_vote_at_once(postgres, build):
    voters = [*build.electorate, *add_core_maintainers(20)]
    nomination = build.voting(kind=NominationKind.CORE_REVIEWER)  # closes early when all voted
    seeded = random.Random(SEED)
    choices = [seeded.choice(list(BallotChoice)) for _ in voters]

    outcomes = run_together(
        [
            lambda voter=voter, choice=choice: services.ballot_cast(
                actor=voter, nomination=nomination, choice=choice
            )
            for voter, choice in zip(voters, choices, strict=True)
        ]
    )

    assert [kind for kind, _ in outcomes] == ["ok"] * len(voters), outcomes
    ballots = ledger(nomination)
    assert [ballot.sequence for ballot in ballots] == list(range(1, len(voters) + 1))
    assert sorted(b.voter_id for b in ballots if b.superseded_at is None) == sorted(
        voter.pk for voter in voters
    )
    assert fresh(nomination).status == NominationStatus.CLOSED  # closed once, by the last vote
    assert Tally.objects.filter(nomination=nomination).count() == 1
    assert AuditEvent.objects.filter(verb="nomination.voting_closed").count() == 1
    tally = assert_tally_matches_ledger(nomination)
    assert (tally.approve, tally.decline, tally.abstain) == (
        choices.count(BallotChoice.APPROVE),
        choices.count(BallotChoice.DECLINE),
        choices.count(BallotChoice.ABSTAIN),
    )


@pytest.mark.parametrize("same_choice", [True, False], ids=["double-submit", "changing"])
def test_it_keeps_one_live_ballot_when_a_voter_casts_ten_times_at_once(
    postgres, build, same_choice
):
    nomination = build.voting()
    choices = [
        BallotChoice.APPROVE if same_choice else list(BallotChoice)[n % 3] for n in range(10)
    ]

    outcomes = run_together(
        [
            lambda choice=choice: services.ballot_cast(
                actor=build.core1, nomination=nomination, choice=choice
            )
            for choice in choices
        ]
    )

    assert [kind for kind, _ in outcomes] == ["ok"] * 10, outcomes
    ballots = ledger(nomination)
    live = [ballot for ballot in ballots if ballot.superseded_at is None]
    assert len(live) == 1
    assert [ballot.sequence for ballot in ballots] == list(range(1, len(ballots) + 1))
    if same_choice:
        assert len(ballots) == 1  # the nine repeats changed nothing
    else:
        # A cast that repeats the live choice changes nothing; every other cast is appended.
        assert all(a.choice != b.choice for a, b in itertools.pairwise(ballots))
        assert live[0].sequence == len(ballots)  # the last cast is the live one
        assert {ballot.pk for _, ballot in outcomes} <= {ballot.pk for ballot in ballots}
    selectors.count_ledger(nomination)
    assert fresh(nomination).status == NominationStatus.VOTING


def test_it_stores_no_ballot_after_a_concurrent_close(postgres, build, clock):
    voters = [*build.electorate, *add_core_maintainers(20)]
    nomination = build.voting(kind=NominationKind.CORE_MAINTAINER)  # no early close

    def close():
        let_some_votes_land(nomination)
        clock.pass_deadline(nomination)
        closed = 0
        deadline = time.monotonic() + TIMEOUT
        # The beat scan, until it finds the vote due.
        while not closed and time.monotonic() < deadline:
            closed = close_due_votes()
        return closed

    def vote(voter):
        return services.ballot_cast(actor=voter, nomination=nomination, choice=BallotChoice.APPROVE)

    outcomes = run_together([close, *[lambda voter=voter: vote(voter) for voter in voters]])

    assert outcomes[0] == ("ok", 1)
    refused = [error for kind, error in outcomes[1:] if kind == "error"]
    assert all(isinstance(error, services.NominationError) for error in refused), refused
    recorded = [ballot for kind, ballot in outcomes[1:] if kind == "ok"]
    nomination = fresh(nomination)
    tally = nomination.tally
    assert nomination.status == NominationStatus.CLOSED
    assert sorted(b.pk for b in ledger(nomination)) == sorted(b.pk for b in recorded)
    assert all(ballot.cast_at <= tally.closed_at for ballot in ledger(nomination))
    assert tally.approve == len(recorded)  # no vote lost, none counted twice
    assert_tally_matches_ledger(nomination)


# Through the vote page: the view path (sessions, forms, messages) must hold the same guarantees.

# Fifty threads and so fifty database connections: PostgreSQL's default limit is 100.
VIEW_THREADS = 50
DOUBLE_POSTERS = 5


def test_it_keeps_one_live_ballot_per_voter_when_fifty_post_the_vote_page_at_once(postgres, build):
    voters = [*build.electorate, *add_core_maintainers(VIEW_THREADS - len(build.electorate))]
    nomination = build.voting(kind=NominationKind.CORE_MAINTAINER)  # runs to its deadline
    url = reverse("nominations:vote", args=[nomination.pk])
    clients = signed_in_clients(voters)
    # Fifty posts: the first five voters post twice at once with different choices, the next
    # forty post once, the last five not at all.
    double, single = voters[:DOUBLE_POSTERS], voters[DOUBLE_POSTERS : VIEW_THREADS - DOUBLE_POSTERS]
    posts = [
        (voter, choice)
        for voter in double
        for choice in (BallotChoice.APPROVE, BallotChoice.DECLINE)
    ]
    seeded = random.Random(SEED)
    posts += [(voter, seeded.choice(list(BallotChoice))) for voter in single]
    assert len(posts) == VIEW_THREADS

    outcomes = run_together(
        [
            lambda voter=voter, choice=choice: clients[voter.pk].post(url, {"choice": choice})
            for voter, choice in posts
        ]
    )

    assert [kind for kind, _ in outcomes] == ["ok"] * len(posts), outcomes
    codes = [response.status_code for _, response in outcomes]
    assert all(200 <= code < 400 or code == 409 for code in codes), codes
    assert codes == [302] * len(posts)  # the vote runs to its deadline, so every post counts
    ballots = ledger(nomination)
    assert [ballot.sequence for ballot in ballots] == list(range(1, len(posts) + 1))
    live = {}
    for ballot in ballots:
        if ballot.superseded_at is None:
            assert ballot.voter_id not in live, f"voter {ballot.voter_id} has two live ballots"
            live[ballot.voter_id] = ballot
    assert sorted(live) == sorted(voter.pk for voter in [*double, *single])
    for voter in double:  # of two racing posts, the one appended last is the live one
        last = max((b for b in ballots if b.voter_id == voter.pk), key=lambda b: b.sequence)
        assert live[voter.pk] == last
    for voter, choice in posts[2 * DOUBLE_POSTERS :]:
        assert live[voter.pk].choice == choice

    build.close(nomination)

    tally = assert_tally_matches_ledger(nomination)
    choices = [ballot.choice for ballot in live.values()]
    assert (tally.electorate, tally.approve, tally.decline, tally.abstain) == (
        VIEW_THREADS,
        choices.count(BallotChoice.APPROVE),
        choices.count(BallotChoice.DECLINE),
        choices.count(BallotChoice.ABSTAIN),
    )


def test_it_stores_no_ballot_after_a_close_posted_through_the_page(postgres, build, clock):
    voters = [*build.electorate, *add_core_maintainers(VIEW_THREADS - 1 - len(build.electorate))]
    nomination = build.voting(kind=NominationKind.CORE_MAINTAINER)
    vote_url = reverse("nominations:vote", args=[nomination.pk])
    close_url = reverse("nominations:close", args=[nomination.pk])
    clients = signed_in_clients(voters)
    closer = signed_in_clients([build.lead])[build.lead.pk]

    def close():
        let_some_votes_land(nomination)
        clock.pass_deadline(nomination)  # a core maintainer may close once the deadline passed
        return closer.post(close_url)

    def vote(voter):
        return clients[voter.pk].post(vote_url, {"choice": BallotChoice.APPROVE})

    outcomes = run_together([close, *[lambda voter=voter: vote(voter) for voter in voters]])

    assert [kind for kind, _ in outcomes] == ["ok"] * len(outcomes), outcomes
    assert outcomes[0][1].status_code == 302, "the close was refused"
    codes = [response.status_code for _, response in outcomes[1:]]
    assert set(codes) <= {302, 409}, codes  # recorded, or refused as too late; never a 500
    nomination = fresh(nomination)
    assert nomination.status == NominationStatus.CLOSED
    ballots = ledger(nomination)
    assert len(ballots) == codes.count(302)  # a refused vote stored nothing
    tally = assert_tally_matches_ledger(nomination)
    assert all(ballot.cast_at <= tally.closed_at for ballot in ballots)
    assert tally.approve == len(ballots)
    assert not Ballot.objects.filter(nomination=nomination, cast_at__gt=tally.closed_at).exists()
