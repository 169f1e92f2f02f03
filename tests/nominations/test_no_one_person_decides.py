"""No one core maintainer decides for the core maintainers (DESIGN.md's voting rules), driven
through the pages as a core maintainer acting alone would try it: draft, open, start the vote
with everyone else recused, vote alone, close early, decide, announce."""

import datetime

import pytest
from django.utils import timezone

from governance import services as governance_services
from governance.models import Notification, NotificationChannel, Role
from nominations import services
from nominations.models import (
    Announcement,
    BallotChoice,
    Elector,
    Nomination,
    NominationKind,
    NominationStatus,
)
from tests.nominations.conftest import close_due_votes, fresh

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def public_pages(client, build) -> dict[str, bytes]:
    """What the public reads of the module's maintainers: its OWNERS file and its roster page."""
    urls = [f"/exports/owners/{build.module.slug}/OWNERS", build.module.get_absolute_url()]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    return pages


def test_it_grants_nothing_to_one_core_maintainer_acting_alone(build, client, client_for, clock):
    outsider = build.person("Kai Lindqvist", "klindqvist")
    before = public_pages(client, build)
    core1 = client_for("core1")

    drafted = core1.post(
        "/nominations/new/",
        {
            "nominee": outsider.pk,
            "kind": NominationKind.MODULE_MAINTAINER,
            "module": build.module.pk,
            "rationale": "Trust me.",
        },
    )
    nomination = Nomination.objects.get(nominee=outsider)
    base = f"/nominations/{nomination.pk}"
    assert drafted.status_code == 302
    assert core1.post(f"{base}/open/").status_code == 302

    # Recusing the others is no longer a field of the form, and a short vote is refused.
    others = [build.lead, build.core2, build.core3, build.core4]
    recusing_others = {"recused": [user.pk for user in others], "recusal_reason": "Conflict."}
    too_short = core1.post(
        f"{base}/voting/",
        {
            **recusing_others,
            "deadline": (timezone.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert too_short.status_code == 400
    # The refusal names the deadline, so the page shows it under that field.
    assert any(
        "runs at least 7 days" in error
        for error in too_short.context["forms"]["voting"].errors["deadline"]
    )
    assert not Elector.objects.filter(nomination=nomination).exists()
    assert core1.post(f"{base}/voting/", recusing_others).status_code == 302
    assert not Elector.objects.filter(nomination=nomination, recused=True).exists()
    for channel in (NotificationChannel.INBOX, NotificationChannel.EMAIL):
        told = Notification.objects.filter(
            event_key=f"nomination-voting:{nomination.pk}", channel=channel
        ).values_list("recipient", flat=True)
        assert set(told) >= {user.pk for user in others}, channel

    assert core1.post(f"{base}/vote/", {"choice": BallotChoice.APPROVE}).status_code == 302
    early = core1.post(f"{base}/close/")
    assert early.status_code == 409
    assert "Voting closes early only once everyone has voted." in messages_of(early)
    assert core1.post(
        f"{base}/decide/", {"outcome": "accepted", "reasons": "Yes."}
    ).status_code == (409)

    clock.pass_deadline(fresh(nomination))
    assert close_due_votes() == 1
    tally = fresh(nomination).tally
    assert (tally.electorate, tally.approve, tally.quorum_met, tally.passed) == (5, 1, False, False)
    decide = core1.post(f"{base}/decide/", {"outcome": "accepted", "reasons": "Yes."})
    announce = core1.post(f"{base}/announce/")

    assert decide.status_code == 403
    assert any(message.startswith("You started this vote") for message in messages_of(decide))
    assert announce.status_code == 403
    assert fresh(nomination).status == NominationStatus.CLOSED
    assert not Announcement.objects.filter(nomination=nomination).exists()
    assert not Role.objects.filter(person=outsider).exists()
    assert public_pages(client, build) == before


def test_it_shows_the_opener_the_decision_button_disabled_with_the_reason(build, client_for):
    nomination = build.closed(passed=True)

    opener = client_for("core1").get(nomination.get_absolute_url())
    other = client_for("core2").get(nomination.get_absolute_url())

    assert opener.context["actions"].decide is False
    assert opener.context["actions"].decide_refusal.startswith("You started this vote")
    assert b'<button type="button" disabled aria-describedby="decide-refusal">' in opener.content
    assert other.context["actions"].decide is True
    assert other.context["actions"].decide_refusal == ""


def test_it_shows_the_opener_the_announcement_button_disabled_with_the_reason(build, client_for):
    nomination = build.decided(
        outcome="accepted", release=False, nominee=build.person("Mei Tanaka", "mtanaka")
    )

    opener = client_for("core1").get(nomination.get_absolute_url())
    other = client_for("core2").get(nomination.get_absolute_url())

    assert "releases the announcement" in opener.context["actions"].announce_refusal
    assert b'disabled aria-describedby="announce-refusal"' in opener.content
    assert other.context["actions"].announce_refusal == ""
    assert b'href="/nominations/%d/confirm/announcement_release/"' % nomination.pk in other.content


def test_it_shows_why_a_vote_below_the_floor_of_voters_cannot_start(build, client_for):
    for user in (build.core3, build.core4):
        governance_services.role_make_emeritus(
            actor=None, role=Role.objects.get(person=user.person), reason="Stepped back."
        )
    nomination = build.opened(nominee=build.core2.person, kind=NominationKind.CORE_REVIEWER)

    page = client_for("core1").get(nomination.get_absolute_url())

    assert "at least 3 core maintainers" in page.context["actions"].start_vote_refusal
    assert b'disabled aria-describedby="voting-refusal"' in page.content


def test_it_lets_a_voter_recuse_themselves_from_the_vote_page(build, client_for):
    nomination = build.voting()
    core3 = client_for("core3")
    assert core3.get(nomination.get_absolute_url()).context["actions"].recuse is True

    response = core3.post(f"/nominations/{nomination.pk}/recuse/", {"reason": "Same team."})

    elector = Elector.objects.get(nomination=nomination, user=build.core3)
    assert response.status_code == 302
    assert (elector.recused, elector.recusal_reason) == (True, "Same team.")
    assert core3.get(nomination.get_absolute_url()).context["actions"].recuse is False


def test_it_lists_every_open_vote_on_every_core_maintainer_s_dashboard(build, client_for):
    nomination = build.voting()
    services.elector_recuse(actor=build.core3, nomination=nomination, reason="Same team.")

    for name in ("lead", "core1", "core2", "core3", "core4"):
        board = client_for(name).get("/nominations/").context["board"]
        listed = [row.pk for section in board.sections for row in section.rows]
        assert nomination.pk in listed, name
