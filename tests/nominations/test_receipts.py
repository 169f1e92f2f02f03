"""Receipts and the verification page: each cast's receipt is the hash of its ledger entry, shown
once and emailed without the choice; after the close the vote's electorate checks the digest,
every ballot counted and the tally; the exported ledger passes the standalone verifier, and any
change to a ledger row is caught."""

import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.models import Notification, NotificationChannel, Role, RoleKind
from governance.services import role_grant
from nominations import services
from nominations.models import Ballot, BallotChoice, NominationKind
from nominations.verification import nomination_for_verification, vote_export
from tests.nominations.conftest import fresh
from verify_vote import Mismatch, verify

pytestmark = pytest.mark.django_db

CANARY_COMMENT = "CANARY-BALLOT-COMMENT-7f3a"
RECEIPT = re.compile(r"\b[0-9a-f]{64}\b")


def counted_section(html: str) -> str:
    return html.split('id="counted-heading"', 1)[1]


def closed_with_changed_votes(build, *, comment: str = "") -> tuple:
    """A closed secret vote in which core3 changed their mind: lead, core1 and core2 approve,
    core3 declined then abstained, core4 declined."""
    nomination = build.voting(nominee=build.person("Daniel Park", "dpark"))
    build.vote(
        nomination,
        {
            build.lead: BallotChoice.APPROVE,
            build.core1: BallotChoice.APPROVE,
            build.core3: BallotChoice.DECLINE,
        },
        comment=comment,
    )
    build.vote(
        nomination,
        {
            build.core2: BallotChoice.APPROVE,
            build.core3: BallotChoice.ABSTAIN,
            build.core4: BallotChoice.DECLINE,
        },
    )
    return build.close(nomination)


# Receipts -------------------------------------------------------------------------------------


def test_it_returns_the_hash_of_the_ledger_entry_as_the_receipt(build):
    nomination = build.voting()

    ballot = services.ballot_cast(
        actor=build.core2, nomination=nomination, choice=BallotChoice.APPROVE
    )

    stored = Ballot.objects.get(pk=ballot.pk)
    assert ballot.receipt == stored.entry_hash == stored.compute_hash()
    assert len(stored.nonce) == 32


def test_it_emails_the_receipt_to_the_voter_alone_without_the_choice_or_comment(build):
    nomination = build.voting()

    ballot = services.ballot_cast(
        actor=build.core2,
        nomination=nomination,
        choice=BallotChoice.DECLINE,
        comment=CANARY_COMMENT,
    )

    sent = Notification.objects.filter(event_key=f"nomination-receipt-1:{nomination.pk}")
    assert {(row.recipient_id, row.channel) for row in sent} == {
        (build.core2.pk, NotificationChannel.EMAIL),
        (build.core2.pk, NotificationChannel.INBOX),
    }
    for row in sent:
        assert ballot.receipt in row.body
        text = (row.subject + row.body).lower()
        assert CANARY_COMMENT.lower() not in text
        assert not {"approve", "decline", "abstain"} & set(re.findall(r"[a-z]+", text))


def test_it_shows_the_receipt_once_after_casting(build, client_for):
    nomination = build.voting()
    client = client_for("core2")

    cast = client.post(f"/nominations/{nomination.pk}/vote/", {"choice": "approve"}, follow=True)
    again = client.get(f"/nominations/{nomination.pk}/")

    receipt = Ballot.objects.get(nomination=nomination, voter=build.core2).receipt
    assert f"Your receipt is {receipt}" in cast.content.decode()
    assert receipt not in again.content.decode()


# Export and the standalone verifier --------------------------------------------------------------


def test_it_exports_a_closed_vote_that_the_verifier_accepts(build, tmp_path):
    nomination = closed_with_changed_votes(build)
    path = tmp_path / "ledger.json"

    call_command("export_vote", str(nomination.pk), "--output", str(path))

    verified = verify(json.loads(path.read_text()))
    tally = nomination.tally
    assert verified.digest == tally.ledger_head
    assert (verified.tally.approve, verified.tally.decline, verified.tally.abstain) == (3, 1, 1)
    assert (verified.tally.quorum_met, verified.tally.passed) == (tally.quorum_met, tally.passed)
    live = Ballot.objects.filter(nomination=nomination, superseded_at__isnull=True)
    assert verified.counted == {ballot.receipt for ballot in live}
    superseded = Ballot.objects.get(nomination=nomination, voter=build.core3, sequence=3)
    assert superseded.receipt not in verified.counted


def test_it_refuses_to_export_a_vote_that_has_not_closed(build):
    nomination = build.voting()

    with pytest.raises(CommandError, match="has not closed"):
        call_command("export_vote", str(nomination.pk))


LEDGER_CHANGES = {
    "choice": lambda ballot: {
        "choice": BallotChoice.ABSTAIN if ballot.choice != "abstain" else "approve"
    },
    "comment": lambda ballot: {"comment": ballot.comment + "!"},
    "cast_at": lambda ballot: {"cast_at": ballot.cast_at.replace(microsecond=1)},
    "nonce": lambda ballot: {"nonce": "0" * 32},
    "previous_hash": lambda ballot: {"previous_hash": "f" * 64},
    "entry_hash": lambda ballot: {"entry_hash": "e" * 64},
    "sequence": lambda ballot: {"sequence": ballot.sequence + 1000},
}


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_it_catches_a_change_to_any_ledger_row_in_the_database(build, data):
    """Rows changed behind the services' back (an operator with SQL), one example at a time,
    each rolled back: the export no longer passes the verifier."""
    nomination = getattr(build, "_receipts_vote", None)
    if nomination is None:
        nomination = build._receipts_vote = closed_with_changed_votes(build, comment="ok")
    ballots = list(Ballot.objects.filter(nomination=nomination).order_by("sequence"))
    ballot = data.draw(st.sampled_from(ballots), label="row")
    change = data.draw(st.sampled_from([*sorted(LEDGER_CHANGES), "voter"]), label="field")
    with transaction.atomic():
        if change == "voter":
            # A real user with no ballot, so the foreign key and the one live ballot hold.
            values = {"voter_id": build.maintainer.pk}
        else:
            values = LEDGER_CHANGES[change](ballot)
        Ballot.objects.filter(pk=ballot.pk).update(**values)
        document = vote_export(nomination_for_verification(nomination.pk))
        with pytest.raises(Mismatch):
            verify(document)
        transaction.set_rollback(True)


# The verification page ------------------------------------------------------------------------


def test_it_shows_a_secret_ballot_s_receipts_and_counts_but_never_who_chose_what(build, client_for):
    nomination = closed_with_changed_votes(build, comment=CANARY_COMMENT)

    page = client_for("core2").get(f"/nominations/{nomination.pk}/verify/")

    html = page.content.decode()
    assert page.status_code == 200
    assert nomination.tally.ledger_head in html
    assert "3 approve, 1 decline, 1 abstain, of an electorate of 5" in html
    counted = counted_section(html)
    live = sorted(
        Ballot.objects.filter(nomination=nomination, superseded_at__isnull=True).values_list(
            "entry_hash", flat=True
        )
    )
    # Every ballot counted, in the order of the receipts, with nothing beside them.
    assert RECEIPT.findall(counted) == live
    assert re.findall(r"<li>(.*?)</li>", counted) == [f"<code>{r}</code>" for r in live]
    assert CANARY_COMMENT not in html
    for voter in build.electorate:
        assert voter.get_username() not in counted


def test_it_shows_who_chose_what_on_an_open_ballot(build, client_for):
    role = Role.objects.get(person=build.maintainer.person, kind=RoleKind.MODULE_MAINTAINER)
    nomination = build.voting(
        nominee=build.maintainer.person, kind=NominationKind.EMERITUS, ending_role=role
    )
    build.vote(nomination, {build.core1: BallotChoice.APPROVE, build.core2: BallotChoice.DECLINE})
    nomination = build.close(nomination)

    html = client_for("core2").get(f"/nominations/{nomination.pk}/verify/").content.decode()

    counted = counted_section(html)
    assert f"{build.core1.get_username()}, approve" in counted
    assert f"{build.core2.get_username()}, decline" in counted


def test_it_tells_each_voter_whether_their_last_cast_is_counted(build, client_for):
    nomination = closed_with_changed_votes(build)
    first, last = Ballot.objects.filter(nomination=nomination, voter=build.core3).order_by(
        "sequence"
    )
    other = Ballot.objects.get(nomination=nomination, voter=build.core4)
    client = client_for("core3")
    url = f"/nominations/{nomination.pk}/verify/"

    page = client.get(url).content.decode()
    checks = {
        receipt: client.get(url, {"receipt": receipt}).content.decode()
        for receipt in (first.receipt, last.receipt, other.receipt)
    }

    mine = page.split('id="mine-heading"', 1)[1].split('id="counted-heading"', 1)[0]
    assert RECEIPT.findall(mine) == [first.receipt, last.receipt]
    assert "Your last cast is among the ballots counted." in mine
    assert "That receipt is counted: it is your last cast" in checks[last.receipt]
    assert "you voted again later" in checks[first.receipt]
    # Another voter's receipt: whether they changed their vote is theirs to know.
    assert "not one of your casts" in checks[other.receipt]


def test_it_reports_a_ledger_changed_after_the_close(build, client_for):
    nomination = closed_with_changed_votes(build)
    Ballot.objects.filter(nomination=nomination, voter=build.core4).update(
        choice=BallotChoice.APPROVE
    )

    html = client_for("core2").get(f"/nominations/{nomination.pk}/verify/").content.decode()

    assert "The ledger does not check out: ledger entry 6: its content hashes to" in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("core2", 200),
        ("lead", 200),
        ("maintainer", 404),
        ("nominator", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_it_opens_the_page_to_the_vote_s_electorate_only(build, client_for, persona, status):
    nomination = closed_with_changed_votes(build)

    response = client_for(persona).get(f"/nominations/{nomination.pk}/verify/")

    assert response.status_code == status


def test_it_hides_the_page_from_the_nominee_though_in_the_electorate(build, client_for, nominee):
    """A core maintainer moved to emeritus is in the frozen electorate, recused, and still learns
    nothing of the vote on them."""
    role = role_grant(actor=None, person=nominee.person, kind=RoleKind.CORE_MAINTAINER)
    nomination = build.voting(
        nominee=nominee.person, kind=NominationKind.EMERITUS, ending_role=role
    )
    build.vote(nomination, {build.core1: BallotChoice.APPROVE, build.core2: BallotChoice.APPROVE})
    nomination = build.close(nomination)
    assert nomination.electors.filter(user=nominee, recused=True).exists()

    response = client_for("nominee").get(f"/nominations/{nomination.pk}/verify/")

    assert response.status_code == 404


def test_it_hides_the_page_from_core_maintainers_who_joined_after_the_vote_opened(
    build, client_for, nominator
):
    nomination = closed_with_changed_votes(build)
    role_grant(actor=None, person=nominator.person, kind=RoleKind.CORE_MAINTAINER)

    response = client_for("nominator").get(f"/nominations/{nomination.pk}/verify/")

    assert response.status_code == 404


def test_it_opens_the_page_only_after_the_close(build, client_for):
    nomination = build.voting()
    build.vote(nomination, {build.core2: BallotChoice.APPROVE})

    before = client_for("core2").get(f"/nominations/{nomination.pk}/verify/")
    after = client_for("core2").get(f"/nominations/{build.close(nomination).pk}/verify/")

    assert (before.status_code, after.status_code) == (403, 200)


@pytest.mark.parametrize("casts", [1, 50])
def test_it_reads_the_page_in_a_fixed_number_of_queries(
    build, client_for, django_assert_num_queries, casts
):
    nomination = build.voting()
    for number in range(casts):
        choice = (BallotChoice.APPROVE, BallotChoice.DECLINE)[number % 2]
        services.ballot_cast(actor=build.core2, nomination=nomination, choice=choice)
    nomination = build.close(fresh(nomination))
    client = client_for("core2")

    # the user's authenticator (two factors) with the user (the session comes from the cache),
    # the nomination with its people and tally, its electors, the ledger, the viewer's active
    # roles (for the navigation).
    with django_assert_num_queries(5):
        client.get(f"/nominations/{nomination.pk}/verify/")


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(receipt=st.text(max_size=200))
def test_it_answers_any_receipt_typed_into_the_check_with_the_page(build, client_for, receipt):
    nomination = getattr(build, "_receipts_vote", None)
    if nomination is None:
        nomination = build._receipts_vote = closed_with_changed_votes(build)
    client = getattr(build, "_receipts_client", None) or client_for("core3")
    build._receipts_client = client

    response = client.get(f"/nominations/{nomination.pk}/verify/", {"receipt": receipt})

    assert response.status_code == 200


def test_it_links_the_vote_s_electorate_to_the_page_from_the_nomination(
    build, client_for, nominator
):
    nomination = closed_with_changed_votes(build)
    role_grant(actor=None, person=nominator.person, kind=RoleKind.CORE_MAINTAINER)
    link = f'href="/nominations/{nomination.pk}/verify/"'

    elector = client_for("core2").get(f"/nominations/{nomination.pk}/").content.decode()
    joined_later = client_for("nominator").get(f"/nominations/{nomination.pk}/").content.decode()

    assert link in elector
    assert link not in joined_later
