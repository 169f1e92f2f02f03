"""The nomination page's POST actions: 400, 403 and 409 with the reason, never 500, and every
refused action sent again as the outsider and the anonymous user.
"""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils.html import escape

from governance import services as governance_services
from governance.models import Role, RoleKind
from nominations import services
from nominations.models import (
    Ballot,
    BallotChoice,
    Criterion,
    EvidenceEntry,
    Nomination,
    NominationKind,
    NominationRequest,
    NominationStatus,
    Outcome,
    RequestStatus,
)
from nominations.voting_rules import POLICIES
from tests.conftest import login
from tests.nominations.conftest import (
    CORE_EVIDENCE,
    fresh,
)
from tests.nominations.helpers import (
    assert_private,
    login_url,
    messages_of,
    snapshot,
)

pytestmark = pytest.mark.django_db


# POST actions: 400, 403, 409, never 500 -------------------------------------------------------


def open_ballot(build) -> Nomination:
    """A move to emeritus in voting: its policy's ballots are open to the core maintainers."""
    return build.voting(
        kind=NominationKind.EMERITUS,
        nominee=build.maintainer.person,
        ending_role=Role.objects.get(person=build.maintainer.person),
    )


def test_it_records_a_vote_and_shows_the_running_tally_only_after(build, client_for):
    nomination = open_ballot(build)
    assert not POLICIES[NominationKind.EMERITUS].secret
    url = f"/nominations/{nomination.pk}/vote/"
    client = client_for("core1")
    assert_private(client_for, "post", url, {"choice": BallotChoice.APPROVE})

    before = client.get(nomination.get_absolute_url()).content.decode()
    response = client.post(url, {"choice": BallotChoice.APPROVE, "comment": "Overdue."})
    after = client.get(nomination.get_absolute_url()).content.decode()

    assert (response.status_code, response["Location"]) == (302, nomination.get_absolute_url())
    assert "Running tally" not in before
    assert "Cast my vote" in before
    assert "Running tally" in after
    assert "Change my vote" in after
    assert "You voted <strong>approve</strong>" in after


VOTED_MARKER = re.compile(r"(<li>[^<]+?): voted(</li>)")


def without_voted_markers(html: str) -> str:
    """The page with the "voted" marker beside each elector taken out, and the masked CSRF
    token, which differs on every render."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return VOTED_MARKER.sub(r"\1\2", html)


def test_it_shows_a_watcher_of_a_secret_ballot_who_voted_but_never_a_count(
    voting_nomination, build, client_for
):
    """core1 votes, then polls the page while core2 and core3 cast different choices: the only
    change between the two polls is core3's "voted" marker, so the page tells the two voters'
    choices apart by nothing."""
    nomination = voting_nomination
    assert nomination.policy["secret"]
    watcher = client_for("core1")
    build.vote(nomination, {build.core1: BallotChoice.APPROVE})

    build.vote(nomination, {build.core2: BallotChoice.APPROVE})
    after_a = watcher.get(nomination.get_absolute_url()).content.decode()
    build.vote(nomination, {build.core3: BallotChoice.DECLINE})
    after_b = watcher.get(nomination.get_absolute_url()).content.decode()

    assert "<li>Jonas Keller (@jkeller): voted</li>" in after_a
    assert "<li>Amara Nwosu (@anwosu): voted</li>" not in after_a
    assert "<li>Amara Nwosu (@anwosu): voted</li>" in after_b
    assert without_voted_markers(after_a) == without_voted_markers(after_b)
    for page in (after_a, after_b):
        assert "Running tally" not in page
        assert "have voted" not in page
        assert "no count is shown to anyone until the close" in page
        assert "You voted <strong>approve</strong>" in page


def test_it_lists_secret_ballot_comments_by_text_without_names_or_times(
    voting_nomination, build, client_for
):
    nomination = voting_nomination
    comments = {
        build.core1: "Zero doubts: reviews every week.",
        build.core2: "A steady hand on the tests.",
        build.core3: "Mostly design reviews so far.",
    }
    for voter, comment in comments.items():
        build.vote(nomination, {voter: BallotChoice.APPROVE}, comment=comment)
    nomination = build.close(nomination)

    content = client_for("core4").get(nomination.get_absolute_url()).content.decode()

    listed = re.search(r'<ul class="ballots">(.*?)</ul>', content, re.DOTALL).group(1)
    assert listed == "".join(f"<li>{escape(text)}</li>" for text in sorted(comments.values()))
    assert "Final tally:</strong> 3 approve" in content


def test_it_shows_the_invited_maintainer_no_status_outcome_tally_or_decision(
    declined_nomination, voting_nomination, build, client_for
):
    build.vote(voting_nomination, {build.core1: BallotChoice.APPROVE})
    client = client_for("maintainer")

    pages = {
        name: client.get(nomination.get_absolute_url())
        for name, nomination in (("declined", declined_nomination), ("voting", voting_nomination))
    }
    dashboard = client.get("/nominations/").content.decode()

    for name, response in pages.items():
        content = response.content.decode()
        assert response.status_code == 200, name
        assert CORE_EVIDENCE in content, name
        assert 'class="badge"' not in content, name
        assert 'id="vote-heading"' not in content, name
        assert "Open until" not in content, name
        assert "Decided" not in content, name
        assert "tally" not in content.lower(), name
        assert "have voted" not in content, name
    assert "Decision" not in pages["declined"].content.decode()
    assert f'href="/nominations/{declined_nomination.pk}/"' in dashboard
    assert 'class="badge"' not in dashboard
    assert "Decided" not in dashboard
    core = client_for("core1").get(declined_nomination.get_absolute_url()).content.decode()
    assert '<span class="badge">Decided: declined</span>' in core


def test_it_changes_a_vote_and_ignores_a_replayed_post(voting_nomination, build, client_for):
    nomination = voting_nomination
    url = f"/nominations/{nomination.pk}/vote/"
    client = client_for("core1")

    client.post(url, {"choice": BallotChoice.APPROVE})
    client.post(url, {"choice": BallotChoice.DECLINE})
    replay = client.post(url, {"choice": BallotChoice.DECLINE})

    assert replay.status_code == 302
    assert list(
        Ballot.objects.filter(nomination=nomination, voter=build.core1)
        .order_by("sequence")
        .values_list("choice", flat=True)
    ) == [BallotChoice.APPROVE, BallotChoice.DECLINE]
    assert_private(client_for, "post", url, {"choice": BallotChoice.DECLINE})


@pytest.mark.parametrize(
    "data", [{}, {"choice": "maybe"}, {"choice": BallotChoice.APPROVE, "comment": "x" * 2_001}]
)
def test_it_answers_400_to_a_bad_ballot(voting_nomination, client_for, data):
    nomination = voting_nomination
    url = f"/nominations/{nomination.pk}/vote/"
    before = snapshot()

    response = client_for("core1").post(url, data)

    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert snapshot() == before
    assert_private(client_for, "post", url, data)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("failed", "Voting on this nomination is closed; your vote was not recorded."),
        ("declined", "Voting on this nomination is closed; your vote was not recorded."),
    ],
)
def test_it_answers_409_to_a_vote_after_the_close(state, client_for, name, message):
    nomination = state(name)
    url = f"/nominations/{nomination.pk}/vote/"
    before = snapshot()

    response = client_for("core1").post(url, {"choice": BallotChoice.APPROVE})

    assert response.status_code == 409
    assert messages_of(response) == [message]
    assert message in response.content.decode()
    assert snapshot() == before
    assert_private(client_for, "post", url, {"choice": BallotChoice.APPROVE})


def test_it_answers_409_to_a_vote_on_a_withdrawn_nomination(voting_nomination, build, client_for):
    nomination = voting_nomination
    services.nomination_withdraw(actor=build.lead, nomination=nomination, reason="Stepped back.")
    url = f"/nominations/{nomination.pk}/vote/"
    before = snapshot()

    response = client_for("core1").post(url, {"choice": BallotChoice.APPROVE})

    assert response.status_code == 409
    assert "your vote was not recorded" in messages_of(response)[0]
    assert snapshot() == before
    assert_private(client_for, "post", url, {"choice": BallotChoice.APPROVE})


def test_it_answers_409_to_a_vote_after_the_deadline(voting_nomination, client_for, clock):
    nomination = voting_nomination
    clock.pass_deadline(nomination)
    url = f"/nominations/{nomination.pk}/vote/"
    before = snapshot()

    response = client_for("core1").post(url, {"choice": BallotChoice.APPROVE})

    assert response.status_code == 409
    assert messages_of(response) == ["The deadline has passed; your vote was not recorded."]
    assert snapshot() == before
    assert_private(client_for, "post", url, {"choice": BallotChoice.APPROVE})


def test_it_answers_403_to_a_voter_outside_the_electorate(build, client_for, django_user_model):
    nomination = build.voting(kind=NominationKind.CORE_REVIEWER)
    latecomer = django_user_model.objects.create_user("latecomer", email="late@example.org")
    person = governance_services.person_create(
        actor=None, full_name="Late Comer", github="latecomer", user=latecomer
    )
    governance_services.role_grant(actor=None, person=person, kind=RoleKind.CORE_MAINTAINER)
    client = Client()
    login(client, latecomer)  # a core maintainer since after voting opened
    url = f"/nominations/{nomination.pk}/vote/"
    before = snapshot()

    response = client.post(url, {"choice": BallotChoice.APPROVE})

    assert response.status_code == 403
    assert messages_of(response) == ["You are not in the electorate of this nomination."]
    assert snapshot() == before
    assert_private(client_for, "post", url, {"choice": BallotChoice.APPROVE})


def test_it_answers_404_to_the_nominee_of_their_own_nomination(build, client_for):
    nomination = build.voting(nominee=build.core2.person, kind=NominationKind.CORE_REVIEWER)
    before = snapshot()

    page = client_for("core2").get(nomination.get_absolute_url())
    vote = client_for("core2").post(f"/nominations/{nomination.pk}/vote/", {"choice": "approve"})

    assert (page.status_code, vote.status_code) == (404, 404)
    assert snapshot() == before


def test_it_answers_403_when_core1_tries_to_confirm_a_core_maintainer(build, client_for):
    nomination = build.closed(passed=True, kind=NominationKind.CORE_MAINTAINER)
    url = f"/nominations/{nomination.pk}/decide/"
    data = {"outcome": Outcome.ACCEPTED, "reasons": "Yes."}
    before = snapshot()

    refused = client_for("core1").post(url, data)
    assert snapshot() == before
    confirmed = client_for("lead").post(url, data)

    assert refused.status_code == 403
    assert messages_of(refused) == ["The lead core maintainer confirms this kind of nomination."]
    assert confirmed.status_code == 302
    assert fresh(nomination).outcome == Outcome.ACCEPTED
    assert_private(client_for, "post", url, data)


def test_it_answers_400_to_accepting_a_failed_vote(failed_nomination, client_for):
    nomination = failed_nomination
    url = f"/nominations/{nomination.pk}/decide/"
    data = {"outcome": Outcome.ACCEPTED, "reasons": "Anyway."}
    before = snapshot()

    response = client_for("core2").post(url, data)

    assert response.status_code == 400
    # The refusal names the outcome field, so it shows there, beside the choice it refuses.
    assert response.context["forms"]["decision"].errors == {
        "outcome": ["The vote did not pass; the nomination cannot be accepted."]
    }
    assert snapshot() == before
    assert_private(client_for, "post", url, data)


@pytest.mark.parametrize(
    ("name", "action", "data"),
    [
        ("open", "open", {}),
        ("voting", "voting", {}),
        ("declined", "decide", {"outcome": "declined", "reasons": "Again."}),
        ("declined", "withdraw", {"reason": "Too late."}),
        ("declined", "feedback/draft", {"to_nominee": "New.", "to_nominators": "New."}),
        ("failed", "feedback/release", {}),
        ("failed", "announce", {}),
    ],
)
def test_it_answers_409_to_an_action_the_state_does_not_allow(
    state, client_for, name, action, data
):
    url = f"/nominations/{state(name).pk}/{action}/"
    before = snapshot()

    # core2: core1 opened every vote, so core1 may not decide or announce any of them.
    response = client_for("core2").post(url, data)

    assert response.status_code == 409, response.status_code
    assert messages_of(response)
    assert snapshot() == before
    assert_private(client_for, "post", url, data)


def test_it_answers_409_to_triaging_a_request_twice(pending_request, client_for):
    url = f"/nominations/requests/{pending_request.pk}/"
    assert client_for("core1").post(url, {"decision": "spam"}).status_code == 302
    before = snapshot()

    replay = client_for("core2").post(url, {"decision": "take_up"})

    assert replay.status_code == 409
    assert "already been triaged" in replay.content.decode()
    assert snapshot() == before
    assert_private(client_for, "post", url, {"decision": "take_up"})


def test_it_triages_requests_from_the_page(pending_request, client_for):
    url = f"/nominations/requests/{pending_request.pk}/"
    client = client_for("core1")
    assert_private(client_for, "post", url, {"decision": "take_up"})

    no_reason = client.post(url, {"decision": "reject", "reason": ""})
    taken_up = client.post(url, {"decision": "take_up"})

    assert no_reason.status_code == 400
    assert "Give the requester a reason." in no_reason.content.decode()
    nomination = Nomination.objects.get(request=pending_request)
    assert (taken_up.status_code, taken_up["Location"]) == (302, nomination.get_absolute_url())
    assert nomination.status == NominationStatus.DRAFT


def test_it_shows_the_requester_the_reason_for_a_rejection(pending_request, client_for):
    url = f"/nominations/requests/{pending_request.pk}/"
    client_for("core1").post(url, {"decision": "reject", "reason": "Needs a quarter of reviews."})

    mine = client_for("nominator").get("/nominations/").content.decode()
    theirs = client_for("outsider").get("/nominations/").content.decode()

    assert "Needs a quarter of reviews." in mine
    assert "Needs a quarter of reviews." not in theirs
    assert_private(client_for, "get", url)


@pytest.fixture
def request_naming_core2(build) -> NominationRequest:
    """The nominator asks for core2 (@jkeller) as a maintainer of the module, writing the
    handle in another case."""
    return services.nomination_request_submit(
        actor=build.nominator,
        nominee_name="Jonas Keller",
        nominee_github="JKeller",
        kind=NominationKind.MODULE_MAINTAINER,
        module=build.module,
        rationale="Jonas reviews every nn change.",
    )


def test_it_hides_a_request_from_the_core_maintainer_it_names(request_naming_core2, client_for):
    url = f"/nominations/requests/{request_naming_core2.pk}/"
    link = f'href="{url}"'
    nominee, triager = client_for("core2"), client_for("core1")
    before = snapshot()

    page = nominee.get(url)
    posts = [
        nominee.post(url, data)
        for data in (
            {"decision": "take_up"},
            {"decision": "reject", "reason": "Not yet."},
            {"decision": "spam"},
        )
    ]
    lists = [
        nominee.get(path).content.decode()
        for path in ("/nominations/", "/nominations/all/requests/")
    ]

    assert page.status_code == 404
    assert "Jonas reviews every nn change." not in page.content.decode()
    assert [post.status_code for post in posts] == [404, 404, 404]
    assert snapshot() == before
    assert all(link not in listed and "Jonas Keller" not in listed for listed in lists)
    assert triager.get(url).status_code == 200
    assert link in triager.get("/nominations/").content.decode()
    assert link in triager.get("/nominations/all/requests/").content.decode()
    requester = client_for("nominator").get("/nominations/").content.decode()
    assert "Jonas Keller" in requester
    assert "Waiting for the core maintainers" in requester


def test_it_still_hides_a_taken_up_request_from_its_nominee_after_a_rename(
    request_naming_core2, build, client_for
):
    url = f"/nominations/requests/{request_naming_core2.pk}/"
    nomination = services.nomination_request_take_up(
        actor=build.core1, request=request_naming_core2
    )
    governance_services.person_update(
        actor=None, person=build.core2.person, data={"github": "jonas-keller"}
    )

    assert nomination.nominee == build.core2.person
    assert client_for("core2").get(url).status_code == 404
    assert client_for("core1").get(url).status_code == 200


def test_it_refuses_a_core_maintainer_triaging_a_request_about_themselves(
    request_naming_core2, build
):
    with pytest.raises(PermissionDenied):
        services.nomination_request_take_up(actor=build.core2, request=request_naming_core2)
    with pytest.raises(PermissionDenied):
        services.nomination_request_reject(
            actor=build.core2, request=request_naming_core2, spam=True
        )

    assert fresh_request(request_naming_core2).status == RequestStatus.PENDING


def fresh_request(nomination_request: NominationRequest) -> NominationRequest:
    return NominationRequest.objects.get(pk=nomination_request.pk)


def test_it_takes_a_request_from_any_signed_in_user(build, client_for):
    data = {
        "nominee_name": "Ada Obi",
        "nominee_github": "aobi",
        "kind": NominationKind.MODULE_REVIEWER,
        "module": build.module.pk,
        "rationale": "I review most nn changes.",
    }

    bad = client_for("outsider").post("/nominations/request/", {**data, "nominee_github": "a b"})
    good = client_for("outsider").post("/nominations/request/", data)
    anonymous = client_for("anonymous").post("/nominations/request/", data)

    assert bad.status_code == 400
    assert (good.status_code, good["Location"]) == (302, "/nominations/")
    assert anonymous["Location"] == login_url("/nominations/request/")
    assert list(NominationRequest.objects.values_list("requester__username", "status")) == [
        ("outsider", RequestStatus.PENDING)
    ]


def test_it_edits_evidence_for_its_author_only(voting_nomination, build, client_for):
    entry = EvidenceEntry.objects.get(nomination=voting_nomination, author=build.core1)
    url = f"/nominations/evidence/{entry.pk}/edit/"
    data = {"criterion": Criterion.TRIAGE, "body": "Triage, weekly, for a year."}
    assert_private(client_for, "post", url, data)

    refused = client_for("core2").post(url, data)
    edited = client_for("core1").post(url, data)

    assert refused.status_code == 403
    assert edited.status_code == 302
    entry.refresh_from_db()
    assert entry.body == data["body"]
    assert list(entry.revisions.values_list("body", flat=True)) == [CORE_EVIDENCE]
