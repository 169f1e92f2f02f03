"""Proposals on the public transparency page: a decided proposal with its public outcome, by kind
and number, its rule and counts; never its title or text, and nothing of one still open."""

import pytest
from django.test import Client
from django.utils.html import escape

from nominations import transparency
from tests.proposals.conftest import (
    CANARY_PROPOSAL_TEXT,
    CANARY_PROPOSAL_TITLE,
    PUBLIC_OUTCOME,
)

pytestmark = pytest.mark.django_db


def test_it_lists_a_decided_proposal_by_kind_and_number_with_its_public_outcome(proposals):
    vote = proposals.decided()

    page = Client().get("/transparency/").content.decode()

    assert f"Motion #{vote.pk}" in page
    assert PUBLIC_OUTCOME in page
    assert vote.tally.ledger_head in page
    assert escape(transparency.rule_text(vote.policy)) in page
    assert CANARY_PROPOSAL_TITLE not in page
    assert CANARY_PROPOSAL_TEXT not in page


def test_it_shows_nothing_of_a_proposal_still_open_or_closed_without_a_decision(proposals):
    voting = proposals.voting()
    closed = proposals.closed()

    page = Client().get("/transparency/").content.decode()

    assert f"#{voting.pk}" not in page
    assert f"#{closed.pk}" not in page
    assert CANARY_PROPOSAL_TITLE not in page
