"""What the matrix cannot see from one cell: that its checks can fail at all, that a new route
fails it, guessed ids, other people's mail and inboxes, and revocation on the next request."""

import datetime
import re

import pytest
from django.core import mail
from django.test import override_settings

from governance import services as governance_services
from governance.models import Notification, Role, RoleKind
from nominations import services as nomination_services
from nominations.models import Ballot, BallotChoice
from tests.security.conftest import (
    ALL_CANARIES,
    PERSONAS,
    leaked_canaries,
)
from tests.security.matrix import cells
from tests.security.matrix_rules import nominations

pytestmark = pytest.mark.django_db


def test_it_shows_every_canary_to_its_readers_so_the_matrix_can_fail(world, signed_in):
    declined = world.nominations["declined"].pk
    pages = {
        "core1": [
            *(nomination.get_absolute_url() for nomination in world.nominations.values()),
            f"/nominations/requests/{world.pending_request.pk}/",
            f"/reports/taxonomy/{world.proposal.pk}/",
            world.published_meeting.get_edit_url(),
            world.draft_meeting.get_edit_url(),
        ],
        "lead": [f"/nominations/requests/{world.named_request.pk}/"],
        "nominee": [f"/nominations/{declined}/feedback/"],
        "nominator": [f"/nominations/{declined}/feedback/", "/nominations/"],
    }
    seen = "".join(
        signed_in(persona).get(path).content.decode()
        for persona, paths in pages.items()
        for path in paths
    )
    # A withdrawal's reason is stored and audited but shown on no page (yet).
    assert leaked_canaries("anonymous", seen) == ALL_CANARIES


@override_settings(ROOT_URLCONF="tests.security.extra_route_urls")
def test_it_fails_the_matrix_for_a_route_without_a_rule(world):
    with pytest.raises(AssertionError, match="'unreviewed/' has no entry in RULES"):
        list(cells(world))


def same_page(html: str) -> str:
    """The page without what differs on every render: the masked CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("persona", ["outsider", "nominee", "nominator", "maintainer"])
def test_it_answers_a_hidden_id_exactly_as_an_id_that_does_not_exist(world, signed_in, persona):
    """Sequential and guessed ids tell nothing: the nomination a persona may not see answers
    like the next unused id, status and body alike."""
    client = signed_in(persona)
    missing = {}
    for suffix in ("", "feedback/", "vote/"):
        for case in nominations(world):
            response = client.get(f"/nominations/{case.kwargs['pk']}/{suffix}")
            if response.status_code == 404:
                missing.setdefault(suffix, set()).add(same_page(response.content.decode()))
    assert missing, "every nomination was visible; nothing to compare"
    for suffix, bodies in missing.items():
        assert len(bodies) == 1, f"/nominations/<pk>/{suffix} 404s differ: an existence oracle"


def test_it_answers_a_request_naming_the_viewer_exactly_as_a_missing_one(world, signed_in):
    """core1 learns nothing of the request that names them, not even that it exists."""
    client = signed_in("core1")
    last = max(world.pending_request.pk, world.rejected_request.pk, world.named_request.pk)

    named = client.get(f"/nominations/requests/{world.named_request.pk}/")
    missing = client.get(f"/nominations/requests/{last + 1}/")

    assert named.status_code == missing.status_code == 404
    assert same_page(named.content.decode()) == same_page(missing.content.decode())
    assert (
        signed_in("lead").get(f"/nominations/requests/{world.named_request.pk}/").status_code == 200
    )


def test_it_never_lets_one_persona_read_anothers_feedback_or_inbox(world, signed_in):
    declined = world.nominations["declined"]
    nominee_page = signed_in("nominee").get(f"/nominations/{declined.pk}/feedback/")
    nominator_page = signed_in("nominator").get(f"/nominations/{declined.pk}/feedback/")

    assert nominee_page.status_code == nominator_page.status_code == 200
    assert not leaked_canaries("nominee", nominee_page.content.decode())
    assert not leaked_canaries("nominator", nominator_page.content.decode())
    for persona in ("outsider", "maintainer", "staff"):
        assert signed_in(persona).get(f"/nominations/{declined.pk}/feedback/").status_code == 404
    # The inbox has no id in its address: each user reads their own.
    for persona in PERSONAS[1:]:
        inbox = signed_in(persona).get("/inbox/").content.decode()
        assert not leaked_canaries(persona, inbox), persona


def test_it_sends_no_one_an_email_or_inbox_entry_they_may_not_read(world):
    persona_of = {user.pk: persona for persona, user in world.users.items()}
    for notification in Notification.objects.select_related("recipient"):
        persona = persona_of.get(notification.recipient_id, "core1")
        text = f"{notification.subject}\n{notification.body}\n{notification.url}"
        assert not leaked_canaries(persona, text), f"{notification.event_key} to {persona}"
    assert mail.outbox
    by_address = {user.email: persona for persona, user in world.users.items()}
    for message in mail.outbox:
        for address in message.to:
            persona = by_address.get(address, "core1")
            assert not leaked_canaries(persona, f"{message.subject}\n{message.body}"), address


def test_it_takes_a_retired_core_role_away_on_the_very_next_request(world, signed_in):
    client = signed_in("core1")
    page = world.nominations["open"].get_absolute_url()
    assert client.get(page).status_code == 200

    role = Role.objects.get(person__user=world.user("core1"), kind=RoleKind.CORE_MAINTAINER)
    governance_services.role_make_emeritus(
        actor=world.user("lead"),
        role=role,
        reason="Stepped down.",
        ended_on=datetime.date.today(),
    )

    assert client.get(page).status_code == 404
    assert client.get("/reports/").status_code == 404
    assert client.get(world.draft_meeting.get_edit_url()).status_code == 404


def test_it_takes_a_vote_grant_away_on_the_very_next_request(world, signed_in):
    """Withdrawing a nomination revokes the electorate's vote grants: a ballot sent on the
    next request is refused and stores nothing."""
    voting = world.nominations["voting"]
    client = signed_in("core1")
    before = Ballot.objects.filter(nomination=voting).count()
    nomination_services.nomination_withdraw(
        actor=world.user("lead"), nomination=voting, reason="Withdrawn for the test."
    )
    response = client.post(f"/nominations/{voting.pk}/vote/", {"choice": BallotChoice.APPROVE})

    assert response.status_code in (400, 403, 409)
    assert Ballot.objects.filter(nomination=voting).count() == before
