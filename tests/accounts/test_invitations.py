"""Nobody named in a nomination is left out: core maintainers see who can be reached, a nominee
without an account is invited by email (a signed, single-use, expiring link, no feedback text),
a release with nowhere to send waits for another way to be recorded, and every delivery and
first read is tracked. Self-nominations tie the requester to the nominee."""

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.test import Client

from governance import services as governance_services
from governance.models import AuditEvent, Invitation, Person
from governance.services.invitations import TOKEN_SALT, invitation_token
from nominations import services
from nominations.models import Feedback, FeedbackRead, NominationKind, Outcome
from nominations.services.outcome import NOWHERE_TO_SEND
from tests.accounts.conftest import GitHubAccount, github_sign_in, verified
from tests.conftest import login
from tests.nominations.conftest import TO_NOMINATORS, TO_NOMINEE, build, clock  # noqa: F401

pytestmark = pytest.mark.django_db


def unreleased(build, person: Person):  # noqa: F811
    return build.decided(outcome=Outcome.DECLINED, nominee=person, release=False)


def newcomer(email: str = "") -> Person:
    """Someone new to the roster: no account, and an email address only if given."""
    return governance_services.person_create(
        actor=None, full_name="Noor Newcomer", github="noornew", email=email
    )


def test_it_refuses_to_release_feedback_with_nowhere_to_send(build):  # noqa: F811
    nomination = unreleased(build, newcomer())

    with pytest.raises(ValidationError, match="neither an account here nor an email"):
        services.feedback_release(actor=build.core1, nomination=nomination)
    page = login(Client(), build.core1).post(
        f"/nominations/{nomination.pk}/feedback/release/", {"other_channel": ""}
    )

    assert page.status_code == 400
    assert NOWHERE_TO_SEND in page.content.decode()
    assert Feedback.objects.get(nomination=nomination).released_at is None


def test_it_releases_once_another_way_is_recorded(build):  # noqa: F811
    nomination = unreleased(build, newcomer())
    client = login(Client(), build.core1)

    response = client.post(
        f"/nominations/{nomination.pk}/feedback/release/",
        {"other_channel": "By video call on Friday."},
    )

    assert response.status_code == 302
    feedback = Feedback.objects.get(nomination=nomination)
    assert feedback.released_at is not None
    assert feedback.other_channel == "By video call on Friday."
    event = AuditEvent.objects.get(verb="feedback.released", target_id=str(nomination.pk))
    assert event.data == {"other_channel": True}
    page = client.get(nomination.get_absolute_url()).content.decode()
    assert "Another way: By video call on Friday." in page


def test_it_invites_a_nominee_without_an_account_by_email_without_the_feedback(
    build,  # noqa: F811
):
    nomination = unreleased(build, newcomer(email="noor@example.org"))

    services.feedback_release(actor=build.core1, nomination=nomination)
    invitation = Invitation.objects.get(person__github="noornew")
    assert governance_services.invitation_send(invitation_id=invitation.pk)
    assert not governance_services.invitation_send(invitation_id=invitation.pk)

    (email,) = [message for message in mail.outbox if "noor@example.org" in message.to]
    assert f"/accounts/invitations/{invitation_token(invitation)}/" in email.body
    assert "@noornew" in email.body
    for private in (TO_NOMINEE, TO_NOMINATORS, nomination.nominee.full_name):
        assert private not in email.body + email.subject
    assert invitation.url == f"/nominations/{nomination.pk}/feedback/"


def test_it_shows_the_feedback_after_github_sign_in_through_the_invitation(
    build,  # noqa: F811
    fake_github,
):
    nomination = unreleased(build, newcomer(email="noor@example.org"))
    services.feedback_release(actor=build.core1, nomination=nomination)
    invitation = Invitation.objects.get(person__github="noornew")
    link = f"/accounts/invitations/{invitation_token(invitation)}/"
    fake_github.account = GitHubAccount(id=4711, login="NoorNew", emails=verified("n@example.org"))
    client = Client()

    landing = client.get(link)
    assert landing.status_code == 200
    assert b"Sign in with GitHub" in landing.content
    for private in (TO_NOMINEE, TO_NOMINATORS, "Noor Newcomer"):
        assert private not in landing.content.decode()
    assert "no-store" in landing["Cache-Control"]
    assert github_sign_in(client, fake_github, next_url=link)["Location"] == link
    accepted = client.get(link)
    assert accepted["Location"] == f"/nominations/{nomination.pk}/feedback/"
    feedback = client.get(accepted["Location"])

    assert TO_NOMINEE in feedback.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.get(link).status_code == 404  # single use
    deliveries = login(Client(), build.core1).get(nomination.get_absolute_url()).content.decode()
    assert "Invitation email" in deliveries


def test_it_sweeps_an_invitation_that_never_went_out(build, clock):  # noqa: F811
    nomination = unreleased(build, newcomer(email="noor@example.org"))
    services.feedback_release(actor=build.core1, nomination=nomination)
    invitation = Invitation.objects.get(person__github="noornew")

    assert governance_services.invitations_stuck() == []
    clock.advance(minutes=3)
    assert governance_services.invitations_stuck() == [invitation.pk]
    governance_services.invitation_send(invitation_id=invitation.pk)
    assert governance_services.invitations_stuck() == []


def test_it_refuses_an_invitation_to_someone_else(build, outsider):  # noqa: F811
    nomination = unreleased(build, newcomer(email="noor@example.org"))
    services.feedback_release(actor=build.core1, nomination=nomination)
    invitation = Invitation.objects.get(person__github="noornew")

    response = login(Client(), outsider).get(
        f"/accounts/invitations/{invitation_token(invitation)}/"
    )

    assert response.status_code == 403
    assert b"for someone else" in response.content
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_it_forgets_a_forged_or_expired_link(build, clock):  # noqa: F811
    nomination = unreleased(build, newcomer(email="noor@example.org"))
    services.feedback_release(actor=build.core1, nomination=nomination)
    invitation = Invitation.objects.get(person__github="noornew")
    forged = signing.dumps({"id": invitation.pk, "nonce": "guessed"}, salt=TOKEN_SALT)
    token = invitation_token(invitation)

    assert Client().get(f"/accounts/invitations/{forged}/").status_code == 404
    clock.advance(days=31)
    assert Client().get(f"/accounts/invitations/{token}/").status_code == 404


def test_it_shows_core_maintainers_who_can_be_reached(build):  # noqa: F811
    nomination = build.draft(nominee=newcomer())
    page = login(Client(), build.core1).get(nomination.get_absolute_url()).content.decode()
    assert "Nominee Noor Newcomer: neither account nor email" in page
    assert "Nominator Lucas Moreau (@lmoreau): account and verified email" in page
    invited = login(Client(), build.maintainer).get(nomination.get_absolute_url())
    assert b"Who can be reached" not in invited.content


def test_it_tracks_delivery_and_first_read_for_each_reader(build):  # noqa: F811
    nomination = build.decided(outcome=Outcome.DECLINED)
    reader = login(Client(), build.nominee)
    assert b"I have read this" in reader.get(f"/nominations/{nomination.pk}/feedback/").content
    assert not FeedbackRead.objects.exists()  # reading the page writes nothing
    reader.post(f"/nominations/{nomination.pk}/feedback/read/")
    again = reader.post(f"/nominations/{nomination.pk}/feedback/read/", follow=True)

    assert b"You said you had read it" in again.content
    assert FeedbackRead.objects.filter(reader=build.nominee).count() == 1
    assert AuditEvent.objects.filter(verb="feedback.first_read").count() == 1
    page = login(Client(), build.core1).get(nomination.get_absolute_url()).content.decode()
    assert page.count("In-app inbox") == 2  # the nominee and the nominator
    assert page.count("not yet") >= 1  # the nominator has not read theirs


def test_it_links_a_self_nomination_to_the_requesters_account(build, fake_github):  # noqa: F811
    fake_github.account = GitHubAccount(id=2024, login="selfnom", name="Sel Fnom")
    client = Client()
    github_sign_in(client, fake_github)
    requester = Person.objects.get(github="selfnom").user

    response = client.post(
        "/nominations/request/",
        {
            "nominee_name": "Sel Fnom",
            "nominee_github": "SelfNom",
            "kind": NominationKind.MODULE_REVIEWER,
            "module": build.module.pk,
            "rationale": "I review most changes to this module.",
        },
    )
    assert response.status_code == 302
    request = requester.nomination_requests.get()
    nomination = services.nomination_request_take_up(actor=build.core1, request=request)

    assert nomination.nominee.user == requester
    assert Person.objects.filter(github__iexact="selfnom").count() == 1
