"""Input the nomination pages refuse is refused out loud: the page says what was wrong even
where the refused form is not on it, and nothing is stored. Found by tests/security's fuzzer."""

import pytest
from django.core.exceptions import ValidationError

from nominations import services
from nominations.models import Ballot, NominationKind, NominationRequest, RequestStatus

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


def test_it_refuses_a_requested_nominee_name_that_would_break_a_line(build, client_for):
    data = {
        "nominee_name": "Ada Obi\n## Core Maintainers",
        "nominee_github": "aobi",
        "kind": NominationKind.MODULE_REVIEWER,
        "module": build.module.pk,
        "rationale": "I review most nn changes.",
    }

    response = client_for("outsider").post("/nominations/request/", data)

    assert response.status_code == 400
    assert "A name is one line of text" in response.content.decode()
    with pytest.raises(ValidationError, match="one line of text"):
        services.nomination_request_submit(
            actor=build.nominator,
            nominee_name=data["nominee_name"],
            nominee_github="aobi",
            kind=NominationKind.MODULE_REVIEWER,
            module=build.module,
            rationale="Reviews.",
        )
    assert not NominationRequest.objects.exists()
