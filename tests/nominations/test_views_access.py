"""Who reaches which nomination page, the feedback pages, the dashboard and the public pages built
from the policies. Private pages answer 404 to whoever may not know they exist, and redirect the
anonymous user to the sign-in page.
"""

import pytest
from django.utils.html import escape

from governance import services as governance_services
from governance.models import Role
from nominations import dashboard_selectors, services
from nominations.models import (
    Ballot,
    BallotChoice,
    Criterion,
    EvidenceEntry,
    NominationKind,
    Outcome,
)
from nominations.voting_rules import NOT_CRITERIA, POLICIES
from tests.conftest import ALL_VIEWERS
from tests.nominations.conftest import (
    CORE_EVIDENCE,
    MAINTAINER_EVIDENCE,
    TO_NOMINATORS,
    TO_NOMINEE,
    VOTING_DAYS,
)
from tests.nominations.helpers import (
    UNINVOLVED,
    assert_private,
    login_url,
    messages_of,
    private_routes,
    send,
    snapshot,
)

pytestmark = pytest.mark.django_db


# Who reaches which page ----------------------------------------------------------------------


def test_it_hides_every_private_nomination_route_from_the_uninvolved(site, build, client_for):
    """The anonymous user is sent to sign in from every route; the outsider, the nominee, the
    nominator and staff (a superuser) get 404 on every private one, and nothing changes."""
    signed_in_only = [
        ("get", "/nominations/", {}),
        ("get", "/nominations/request/", {}),
        ("post", "/nominations/request/", {"nominee_name": "A"}),
        ("get", f"/nominations/{site['declined'].pk}/feedback/", {}),
    ]
    before = snapshot()

    anonymous = client_for("anonymous")
    for method, url, data in [*private_routes(site, build), *signed_in_only]:
        response = send(anonymous, method, url, data)
        assert (response.status_code, response["Location"]) == (302, login_url(url)), url
    for name in UNINVOLVED:
        client = client_for(name)
        for method, url, data in private_routes(site, build):
            response = send(client, method, url, data)
            assert response.status_code == 404, (name, method, url, response.status_code)
            assert "Not found" in response.content.decode()
        assert client.get("/nominations/").status_code == 200

    assert snapshot() == before


@pytest.mark.parametrize("name", ["core1", "lead", "maintainer", *UNINVOLVED, "anonymous"])
def test_it_answers_404_for_an_unknown_id(build, client_for, name):
    client = client_for(name)
    unknown = 987654
    urls = [
        f"/nominations/{unknown}/",
        f"/nominations/{unknown}/feedback/",
        f"/nominations/evidence/{unknown}/edit/",
        f"/nominations/requests/{unknown}/",
    ]
    actions = ["open", "invite", "evidence", "voting", "vote", "close", "decide", "withdraw"]
    actions += ["feedback/draft", "feedback/release", "announce"]

    for url in urls:
        response = client.get(url)
        assert response.status_code == (302 if name == "anonymous" else 404), url
    for action in actions:
        response = client.post(f"/nominations/{unknown}/{action}/", {"choice": "approve"})
        assert response.status_code == (302 if name == "anonymous" else 404), action


def test_it_shows_the_invited_maintainer_the_thread_but_no_ballot(
    voting_nomination, build, client_for
):
    nomination = voting_nomination
    client = client_for("maintainer")

    page = client.get(nomination.get_absolute_url())
    vote = client.post(f"/nominations/{nomination.pk}/vote/", {"choice": BallotChoice.APPROVE})

    assert page.status_code == 200
    content = page.content.decode()
    assert CORE_EVIDENCE in content
    assert MAINTAINER_EVIDENCE in content
    assert f'action="/nominations/{nomination.pk}/vote/"' not in content
    assert f'action="/nominations/{nomination.pk}/evidence/"' in content
    assert vote.status_code == 403
    assert messages_of(vote) == ["You are not in the electorate of this nomination."]
    assert not Ballot.objects.filter(voter=build.maintainer).exists()
    assert_private(client_for, "get", nomination.get_absolute_url())


def test_it_lets_the_invited_maintainer_add_evidence(voting_nomination, build, client_for):
    nomination = voting_nomination
    url = f"/nominations/{nomination.pk}/evidence/"
    data = {"criterion": Criterion.POSITIVE, "body": "A careful reviewer."}
    assert_private(client_for, "post", url, data)

    response = client_for("maintainer").post(url, data)

    assert (response.status_code, response["Location"]) == (302, nomination.get_absolute_url())
    assert EvidenceEntry.objects.filter(author=build.maintainer, body=data["body"]).exists()


def test_it_refuses_the_invited_maintainer_every_core_action(site, build, client_for):
    client = client_for("maintainer")
    before = snapshot()
    refused = [
        (f"/nominations/{site['open'].pk}/invite/", {"users": [build.maintainer.pk]}),
        (f"/nominations/{site['open'].pk}/voting/", {}),
        (f"/nominations/{site['voting'].pk}/close/", {}),
        (f"/nominations/{site['voting'].pk}/withdraw/", {"reason": "No."}),
        (f"/nominations/{site['failed'].pk}/decide/", {"outcome": "declined", "reasons": "No."}),
        (
            f"/nominations/{site['failed'].pk}/feedback/draft/",
            {"to_nominee": "a", "to_nominators": "b"},
        ),
        (f"/nominations/{site['unreleased'].pk}/feedback/release/", {}),
        (f"/nominations/{site['unreleased'].pk}/announce/", {}),
    ]

    for url, data in refused:
        response = client.post(url, data)
        assert response.status_code == 403, (url, response.status_code)
        assert messages_of(response), url
    # A draft was never opened to the module's maintainers, and core pages stay core.
    assert client.get(site["draft"].get_absolute_url()).status_code == 404
    assert client.post(f"/nominations/{site['draft'].pk}/open/").status_code == 404
    assert client.get("/nominations/new/").status_code == 404
    assert client.get(f"/nominations/requests/{site['request'].pk}/").status_code == 404
    assert client.get(f"/nominations/evidence/{site['entry'].pk}/edit/").status_code == 403
    assert snapshot() == before
    assert_private(client_for, "post", refused[0][0], refused[0][1])


def test_it_hides_a_nomination_from_its_nominee_even_a_core_maintainer(build, client_for):
    """The issue: the nominee reads the released feedback, and "nothing else about the
    nomination is shown to them: no evidence, and no ballots". A core maintainer proposed for
    emeritus (or removal) is recused from the vote, and must not read the thread about them."""
    role = Role.objects.get(person=build.core2.person)
    nomination = build.voting(
        nominee=build.core2.person, kind=NominationKind.EMERITUS, ending_role=role
    )
    build.vote(nomination, {build.core1: BallotChoice.APPROVE}, comment="Inactive since March.")

    response = client_for("core2").get(nomination.get_absolute_url())

    assert response.status_code == 404
    assert CORE_EVIDENCE not in response.content.decode()
    assert_private(client_for, "get", nomination.get_absolute_url())


# Feedback pages ------------------------------------------------------------------------------


def test_it_shows_the_nominee_only_the_text_for_the_nominee(declined_nomination, client_for):
    url = f"/nominations/{declined_nomination.pk}/feedback/"

    response = client_for("nominee").get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert TO_NOMINEE in content
    assert TO_NOMINATORS not in content
    assert "your nomination" in content
    assert_private(client_for, "get", url)


def test_it_shows_the_nominator_only_the_text_for_the_nominators(declined_nomination, client_for):
    url = f"/nominations/{declined_nomination.pk}/feedback/"

    response = client_for("nominator").get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert TO_NOMINATORS in content
    assert TO_NOMINEE not in content
    assert_private(client_for, "get", url)


@pytest.mark.parametrize("name", ["nominee", "nominator"])
def test_it_shows_no_evidence_or_ballots_beside_the_feedback(declined_nomination, client_for, name):
    nomination = declined_nomination

    feedback = client_for(name).get(f"/nominations/{nomination.pk}/feedback/")
    page = client_for(name).get(nomination.get_absolute_url())

    assert feedback.status_code == 200
    for text in (CORE_EVIDENCE, MAINTAINER_EVIDENCE, nomination.decision.reasons, "approve"):
        assert text not in feedback.content.decode()
    assert page.status_code == 404
    assert_private(client_for, "get", nomination.get_absolute_url())


@pytest.mark.parametrize("name", ["nominee", "nominator", "core1", "lead", "maintainer"])
def test_it_answers_404_on_feedback_before_its_release(build, client_for, name):
    nomination = build.decided(outcome=Outcome.DECLINED, release=False)
    url = f"/nominations/{nomination.pk}/feedback/"

    response = client_for(name).get(url)

    assert response.status_code == 404
    assert TO_NOMINEE not in response.content.decode()
    assert_private(client_for, "get", url)


def test_it_lists_released_feedback_on_the_nominees_dashboard(
    declined_nomination, voting_nomination, client_for
):
    response = client_for("nominee").get("/nominations/")

    content = response.content.decode()
    assert f'href="/nominations/{declined_nomination.pk}/feedback/"' in content
    assert f'href="/nominations/{voting_nomination.pk}/"' not in content
    assert CORE_EVIDENCE not in content
    assert TO_NOMINEE not in content
    assert_private(client_for, "get", f"/nominations/{declined_nomination.pk}/feedback/")
    outsider = client_for("outsider").get("/nominations/").content.decode()
    assert "/feedback/" not in outsider
    assert declined_nomination.nominee.full_name not in outsider


# The dashboard -------------------------------------------------------------------------------


def test_it_shows_a_core_maintainer_what_awaits_their_vote(site, build, client_for):
    voting = site["voting"]

    before = client_for("core2").get("/nominations/").content.decode()
    build.vote(voting, {build.core2: BallotChoice.APPROVE})
    after = client_for("core2").get("/nominations/").content.decode()

    def section(content: str, heading: str) -> str:
        return content.split(f'id="{heading}"', 1)[1].split("</section>", 1)[0]

    link = f'href="/nominations/{voting.pk}/"'
    assert link in section(before, "awaiting-heading")
    assert "left</span>" in section(before, "awaiting-heading")
    assert link not in section(after, "awaiting-heading")
    assert link in section(after, "voting-heading")
    assert f'href="/nominations/{site["open"].pk}/"' in section(after, "evidence-heading")
    assert f'href="/nominations/{site["failed"].pk}/"' in section(after, "decision-heading")
    assert f'href="/nominations/{site["declined"].pk}/"' in section(after, "decided-heading")
    assert f'href="/nominations/requests/{site["request"].pk}/"' in section(
        after, "requests-heading"
    )
    anonymous = client_for("anonymous").get("/nominations/")
    assert anonymous["Location"] == login_url("/nominations/")
    assert "Awaiting my vote" not in client_for("outsider").get("/nominations/").content.decode()


def test_it_pages_through_a_whole_dashboard_list(build, client_for, monkeypatch):
    monkeypatch.setattr(dashboard_selectors, "DASHBOARD_ROWS", 2)
    monkeypatch.setattr(dashboard_selectors, "SECTION_PAGE_ROWS", 2)
    people = [build.person(f"Nominee {n}", f"nominee-{n}") for n in range(3)]
    votes = [build.voting(nominee=person, days=VOTING_DAYS + n) for n, person in enumerate(people)]
    client = client_for("core1")
    url = "/nominations/all/awaiting/"

    def listed(query: dict | None = None) -> str:
        return client.get(url, query).content.decode().split("<h1>", 1)[1]

    dashboard = client.get("/nominations/").content.decode()
    first, second = listed(), listed({"page": "2"})
    past_the_end, not_a_number = listed({"page": "99"}), listed({"page": "two"})

    # The dashboard shows the two nearest deadlines and links to the rest.
    assert [f'href="/nominations/{vote.pk}/"' in dashboard for vote in votes] == [1, 1, 0]
    assert f'href="{url}"' in dashboard
    assert "3 in all; page 1 of 2." in first
    assert [f'href="/nominations/{vote.pk}/"' in first for vote in votes] == [1, 1, 0]
    assert 'href="?page=2" rel="next"' in first
    assert [f'href="/nominations/{vote.pk}/"' in second for vote in votes] == [0, 0, 1]
    assert 'href="?page=1" rel="prev"' in second
    assert past_the_end == second  # the last page
    assert not_a_number == first
    assert client.get("/nominations/all/everything/").status_code == 404
    assert client_for("maintainer").get(url).status_code == 404  # core maintainers' lists
    assert_private(client_for, "get", url)


# Public pages -----------------------------------------------------------------------------------


def test_it_announces_only_released_acceptances(
    announced_nomination, unreleased_nomination, declined_nomination, client_for
):
    for viewer in ALL_VIEWERS:
        response = client_for(viewer).get("/announcements/")

        assert response.status_code == 200, viewer
        content = response.content.decode()
        assert announced_nomination.announcement.text in content
        assert announced_nomination.nominee.get_absolute_url() in content
        assert unreleased_nomination.nominee.full_name not in content
        assert declined_nomination.nominee.full_name not in content
        # Public to the public; a signed-in viewer's copy names them, so no cache keeps it.
        cacheable = "private" not in response.get("Cache-Control", "")
        assert cacheable == (viewer == "anonymous"), viewer


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_explains_how_to_become_a_maintainer_from_the_policies(client_for, viewer):
    response = client_for(viewer).get("/become-a-maintainer/")

    assert response.status_code == 200
    content = response.content.decode()
    for policy in POLICIES.values():
        section = content.split(f'id="policy-{policy.kind}"', 1)[1].split("</section>", 1)[0]
        assert escape(policy.title) in section
        assert escape(policy.summary) in section
        assert f"Quorum: {escape(policy.quorum_text)}." in section
        assert f"Accepted when {escape(policy.threshold_text)}." in section
        assert escape(policy.decider_text) in section
        assert f"open for {policy.voting_days} days" in section
        assert f"never less than {policy.min_voting_days}" in section
        assert f"at least {policy.min_voters} core maintainers can vote" in section
        assert ("closes early once every core maintainer" in section) is policy.early_close
        assert ("three quarters of all the core maintainers" in section) is (
            policy.kind in (NominationKind.EMERITUS, NominationKind.REMOVAL)
        )
        assert ("Ballots are secret" in section) is policy.secret
        for criterion in policy.criteria:
            shown = escape(Criterion(criterion).label) in section
            assert shown is (criterion not in NOT_CRITERIA)
    assert content.count('id="policy-') == len(POLICIES)


def test_it_states_the_frozen_policy_on_the_nomination_page(build, client_for):
    nomination = build.voting(kind=NominationKind.CORE_MAINTAINER)
    policy = POLICIES[NominationKind.CORE_MAINTAINER]

    content = client_for("core1").get(nomination.get_absolute_url()).content.decode()

    assert f"Quorum: {policy.quorum_text}." in content
    assert f"Accepted when {policy.threshold_text}." in content
    assert policy.decider_text in content
    assert_private(client_for, "get", nomination.get_absolute_url())


def test_it_ends_an_invitation_when_the_maintainer_retires(build, client_for):
    nomination = build.opened()
    url = nomination.get_absolute_url()
    assert client_for("maintainer").get(url).status_code == 200

    role = Role.objects.get(person=build.maintainer.person, module=nomination.module)
    governance_services.role_make_emeritus(actor=None, role=role, reason="Stepped back.")

    assert client_for("maintainer").get(url).status_code == 404
    dashboard = client_for("maintainer").get("/nominations/").content.decode()
    assert url not in dashboard


def test_it_shows_core_maintainers_why_a_nomination_was_withdrawn(build, client_for):
    nomination = build.opened()
    services.nomination_withdraw(actor=build.lead, nomination=nomination, reason="Moved teams.")

    page = client_for("core2").get(nomination.get_absolute_url()).content.decode()

    invited = client_for("maintainer").get(nomination.get_absolute_url()).content.decode()

    assert "Withdrawn: Moved teams." in page
    assert "Moved teams." not in invited
