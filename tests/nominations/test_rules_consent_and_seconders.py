"""Where the rule asks: the nominee accepts before the vote, and core maintainers second it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from governance.models import Notification
from nominations import services
from nominations.errors import NominationError
from nominations.models import Consent, NominationKind, NominationStatus
from tests.nominations.conftest import RATIONALE, fresh

pytestmark = pytest.mark.django_db

KIND = NominationKind.MODULE_MAINTAINER


def open_vote(build, nomination):
    return services.voting_open(
        actor=build.core1,
        nomination=nomination,
        deadline=timezone.now() + datetime.timedelta(days=8),
    )


@pytest.fixture
def consent_rule():
    services.voting_rule_update(actor=None, kind=KIND, changes={"nominee_consent": True})


def test_it_asks_the_nominee_and_holds_the_vote_until_they_accept(build, consent_rule):
    nomination = build.opened()

    assert nomination.nominee_consent == Consent.ASKED
    asked = Notification.objects.filter(event_key=f"nomination-consent:{nomination.pk}")
    assert {n.recipient for n in asked} == {build.nominee}  # an inbox entry and an email
    for notice in asked:
        assert RATIONALE not in notice.subject + notice.body
    with pytest.raises(NominationError, match="not yet accepted"):
        open_vote(build, nomination)

    services.nominee_consent_answer(actor=build.nominee, nomination=nomination, accept=True)

    assert open_vote(build, fresh(nomination)).status == NominationStatus.VOTING


def test_it_keeps_a_declined_nomination_from_the_vote_and_tells_the_nominators_kindly(
    build, client_for, consent_rule
):
    nomination = build.opened()
    page = client_for("nominee").get(f"/nominations/{nomination.pk}/consent/")
    assert page.status_code == 200
    assert RATIONALE not in page.content.decode()

    response = client_for("nominee").post(
        f"/nominations/{nomination.pk}/consent/", {"answer": "decline"}
    )

    assert response.status_code == 302
    assert fresh(nomination).nominee_consent == Consent.DECLINED
    told = Notification.objects.filter(
        event_key=f"nomination-consent-declined:{nomination.pk}", recipient=build.nominator
    ).first()
    assert told.body.startswith("Thank you for putting them forward.")
    with pytest.raises(NominationError, match="declined"):
        open_vote(build, fresh(nomination))
    with pytest.raises(PermissionDenied):
        services.nominee_consent_answer(actor=build.nominee, nomination=nomination, accept=True)


@pytest.mark.parametrize("viewer", ["core1", "maintainer", "nominator", "outsider"])
def test_it_shows_the_consent_page_to_the_nominee_only(build, client_for, consent_rule, viewer):
    nomination = build.opened()

    assert client_for(viewer).get(f"/nominations/{nomination.pk}/consent/").status_code == 404


def test_it_asks_no_consent_of_a_nominee_without_an_account(build, consent_rule):
    nomination = build.opened(nominee=build.person("Lin Chen", "lchen"))

    assert nomination.nominee_consent == Consent.NOT_ASKED
    assert open_vote(build, nomination).status == NominationStatus.VOTING


def test_it_needs_the_seconders_the_rule_asks_for(build, client_for):
    services.voting_rule_update(actor=None, kind=KIND, changes={"seconders": 2})
    nomination = build.opened()

    with pytest.raises(NominationError, match="needs 2 seconder"):
        open_vote(build, nomination)
    page = client_for("core2").get(nomination.get_absolute_url()).content.decode()
    assert "Second this nomination" in page
    assert client_for("core2").post(f"/nominations/{nomination.pk}/second/").status_code == 302
    services.nomination_second(actor=build.core3, nomination=nomination)

    assert open_vote(build, fresh(nomination)).status == NominationStatus.VOTING
