"""Input the nomination pages refuse is refused out loud: the page says what was wrong even
where the refused form is not on it, and nothing is stored. Found by tests/security's fuzzer."""

import pytest

from nominations.models import Ballot, RequestStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("decision", [None, "", "approve", "take_up\x00"])
def test_it_says_which_button_to_use_when_triage_gets_no_decision(
    client_for, pending_request, decision
):
    data = {"reason": "Not now."} | ({} if decision is None else {"decision": decision})

    response = client_for("core1").post(f"/nominations/requests/{pending_request.pk}/", data)

    assert response.status_code == 400
    assert "Choose one of the buttons." in response.content.decode()
    pending_request.refresh_from_db()
    assert pending_request.status == RequestStatus.PENDING


def test_it_says_why_a_ballot_posted_after_the_close_was_not_saved(client_for, passed_nomination):
    before = Ballot.objects.count()

    response = client_for("core1").post(
        f"/nominations/{passed_nomination.pk}/vote/", {"choice": "approve", "comment": "a\x00b"}
    )

    assert response.status_code == 400
    assert "Nothing was saved. Comment: Null characters are not allowed." in (
        response.content.decode()
    )
    assert Ballot.objects.count() == before
