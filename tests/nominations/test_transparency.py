"""The public /transparency/ page: every closed vote whose result is public, with its rule, counts,
result and final digest; nothing of a vote still private, and no voter's name."""

import datetime

import pytest

from nominations import transparency
from nominations.models import Outcome
from tests.conftest import PERSONAS
from tests.nominations.conftest import fresh
from tests.support.sizes import SIZES

pytestmark = pytest.mark.django_db

MAJORITY_RULE = (
    "Quorum half of the electorate; passes if more than half of the approve and decline votes "
    "approve; secret ballot; at least 7 days."
)


def page(client) -> str:
    response = client.get("/transparency/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_an_announced_vote_with_its_rule_counts_result_and_digest(
    announced_nomination, anonymous_client
):
    html = page(anonymous_client)

    tally = announced_nomination.tally
    assert 'Nomination: <a href="/announcements/">Mei Tanaka: Module maintainer of' in html
    assert MAJORITY_RULE in html
    assert "3 approve, 1 decline, 1 abstain; electorate 5" in html
    assert "Passed; accepted and announced" in html
    assert f'<code class="digest">{tally.ledger_head}</code>' in html


def test_it_shows_nothing_of_a_vote_still_private_and_no_voter_s_name(
    every_state, anonymous_client
):
    html = page(anonymous_client)

    for state in ("voting", "passed", "failed", "declined"):
        nomination = every_state[state]
        assert nomination.nominee.full_name not in html, state
        tally = getattr(fresh(nomination), "tally", None)
        if tally is not None:
            assert tally.ledger_head not in html, state
    # The voters: the five core maintainers, by name, handle or account.
    for persona in ("lead", "core1", "core2", "core3", "core4"):
        spec = PERSONAS[persona]
        assert spec.full_name not in html
        assert spec.github not in html
    assert html.count('<code class="digest">') == 1


def test_it_shows_a_vote_announced_after_the_page_was_cached(build, anonymous_client):
    first = build.decided(outcome=Outcome.ACCEPTED, nominee=build.person("Mei Tanaka", "mtanaka"))
    before = page(anonymous_client)
    second = build.decided(outcome=Outcome.ACCEPTED, nominee=build.person("Lin Chen", "lchen"))

    after = page(anonymous_client)

    assert first.tally.ledger_head in before
    assert second.tally.ledger_head not in before
    assert second.tally.ledger_head in after


def test_it_lists_the_closed_votes_another_app_registers(
    announced_nomination, anonymous_client, monkeypatch
):
    later = announced_nomination.voting_closed_at + datetime.timedelta(days=1)
    proposal = transparency.ClosedVote(
        kind="Proposal",
        title="Refer the packaging question to an RFC",
        opened_at=later - datetime.timedelta(days=7),
        closed_at=later,
        rule="Lazy consensus: passes unless 2 objections.",
        electorate=5,
        counts=(("objection", 0),),
        result="Passed.",
        digest="a" * 64,
    )
    monkeypatch.setattr(transparency, "_SOURCES", list(transparency._SOURCES))
    transparency.register_closed_votes(lambda: [proposal])

    html = page(anonymous_client)

    assert "Proposal: Refer the packaging question to an RFC" in html
    assert "0 objection; electorate 5" in html
    # The latest closed first.
    assert html.index("a" * 64) < html.index(announced_nomination.tally.ledger_head)


@pytest.mark.parametrize("announced", SIZES)
def test_it_reads_the_page_in_a_fixed_number_of_queries(
    build, client_for, django_assert_num_queries, announced
):
    for number in range(announced):
        build.decided(
            outcome=Outcome.ACCEPTED, nominee=build.person(f"Person {number}", f"person{number}")
        )
    client = client_for("outsider")  # signed in: no shared cache answers for them

    # user (the session comes from the cache), the announced nominations with their people, tally and announcement, the
    # decided proposals with their tally and public outcome, the viewer's active roles (for the
    # navigation).
    with django_assert_num_queries(4):
        html = page(client)
    assert html.count('<code class="digest">') == announced
