"""Every nomination route for every persona, the POST actions' answers to bad input, CSRF, and
the public pages built from the policies.

Private pages answer 404 to whoever may not know they exist, and redirect the anonymous user to
the sign-in page. Every test also sends its request as the outsider and as the anonymous user.
"""

import re
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from governance import services as governance_services
from governance.models import AuditEvent, Notification, Role, RoleKind
from nominations import selectors, services
from nominations.models import (
    Ballot,
    Choice,
    Criterion,
    Decision,
    EvidenceEntry,
    EvidenceRevision,
    Feedback,
    Nomination,
    NominationKind,
    NominationRequest,
    Outcome,
    RequestStatus,
    Status,
    Tally,
)
from nominations.policy import NOT_CRITERIA, POLICIES
from tests.conftest import ALL_VIEWERS, login
from tests.nominations.conftest import (
    CORE_EVIDENCE,
    MAINTAINER_EVIDENCE,
    TO_NOMINATORS,
    TO_NOMINEE,
    VOTING_DAYS,
    fresh,
)

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b|\bFOR UPDATE\b", re.IGNORECASE)
UNINVOLVED = ("outsider", "nominee", "nominator", "staff")
LONG = "x" * 20_001


def snapshot() -> dict:
    return {
        "nominations": list(
            Nomination.objects.order_by("pk").values_list("pk", "status", "outcome", "updated_at")
        ),
        "requests": list(NominationRequest.objects.order_by("pk").values_list("pk", "status")),
        "evidence": list(EvidenceEntry.objects.order_by("pk").values_list("pk", "body")),
        "revisions": EvidenceRevision.objects.count(),
        "ballots": list(Ballot.objects.order_by("pk").values_list("pk", "superseded_at")),
        "tallies": Tally.objects.count(),
        "decisions": Decision.objects.count(),
        "feedback": list(Feedback.objects.values_list("pk", "released_at", "to_nominee")),
        "roles": list(Role.objects.order_by("pk").values_list("pk", "status")),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def login_url(path: str) -> str:
    return f"/accounts/login/?next={quote(path)}"


def send(client: Client, method: str, url: str, data: dict | None = None):
    return getattr(client, method)(url, data or {})


def assert_private(client_for, method: str, url: str, data: dict | None = None) -> None:
    """The outsider gets 404 and the anonymous user the sign-in page; nothing changes."""
    before = snapshot()
    hidden = send(client_for("outsider"), method, url, data)
    anonymous = send(client_for("anonymous"), method, url, data)
    assert hidden.status_code == 404, (method, url, hidden.status_code)
    assert anonymous.status_code == 302, (method, url, anonymous.status_code)
    assert anonymous["Location"] == login_url(url)
    assert snapshot() == before


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def unreleased_nomination(build) -> Nomination:
    """Accepted, with its feedback drafted and neither feedback nor announcement released."""
    return build.decided(
        outcome=Outcome.ACCEPTED, release=False, nominee=build.person("Ravi Iyer", "riyer")
    )


@pytest.fixture
def state(request):
    """`state("voting")`: the nomination fixture of that state, built on first use."""
    return lambda name: request.getfixturevalue(f"{name}_nomination")


@pytest.fixture
def site(build, every_state, unreleased_nomination, pending_request):
    """A nomination in each state, an entry by core1, a pending request, and an accepted
    nomination whose feedback and announcement are not yet released."""
    unreleased = unreleased_nomination
    request = pending_request
    entry = EvidenceEntry.objects.get(nomination=every_state["voting"], author=build.core1)
    return {**every_state, "unreleased": unreleased, "request": request, "entry": entry}


def private_routes(site, build) -> list[tuple[str, str, dict]]:
    draft, opened, voting = site["draft"].pk, site["open"].pk, site["voting"].pk
    closed, decided, unreleased = site["failed"].pk, site["declined"].pk, site["unreleased"].pk
    entry, request = site["entry"].pk, site["request"].pk
    return [
        ("get", f"/nominations/{draft}/", {}),
        ("get", f"/nominations/{opened}/", {}),
        ("get", f"/nominations/{voting}/", {}),
        ("get", f"/nominations/{closed}/", {}),
        ("get", f"/nominations/{decided}/", {}),
        ("get", f"/nominations/{site['announced'].pk}/", {}),
        ("get", f"/nominations/evidence/{entry}/edit/", {}),
        ("post", f"/nominations/evidence/{entry}/edit/", {"criterion": "general", "body": "Mine"}),
        ("get", f"/nominations/requests/{request}/", {}),
        ("post", f"/nominations/requests/{request}/", {"decision": "spam"}),
        ("get", "/nominations/new/", {}),
        (
            "post",
            "/nominations/new/",
            {"nominee": build.nominee.person.pk, "kind": "core_reviewer", "rationale": "Yes."},
        ),
        ("post", f"/nominations/{draft}/open/", {}),
        ("post", f"/nominations/{opened}/invite/", {"users": [build.maintainer.pk]}),
        ("post", f"/nominations/{voting}/evidence/", {"criterion": "general", "body": "Hello."}),
        ("post", f"/nominations/{opened}/voting/", {}),
        ("post", f"/nominations/{voting}/vote/", {"choice": "approve"}),
        ("post", f"/nominations/{voting}/close/", {}),
        ("post", f"/nominations/{closed}/decide/", {"outcome": "declined", "reasons": "No."}),
        (
            "post",
            f"/nominations/{closed}/feedback/draft/",
            {"to_nominee": "Hello.", "to_nominators": "Hello."},
        ),
        ("post", f"/nominations/{unreleased}/feedback/release/", {}),
        ("post", f"/nominations/{unreleased}/announce/", {}),
        ("post", f"/nominations/{voting}/withdraw/", {"reason": "Stepped back."}),
        ("get", f"/nominations/{unreleased}/feedback/", {}),
    ]


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
    vote = client.post(f"/nominations/{nomination.pk}/vote/", {"choice": Choice.APPROVE})

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
    build.vote(nomination, {build.core1: Choice.APPROVE}, comment="Inactive since March.")

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
    build.vote(voting, {build.core2: Choice.APPROVE})
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
    monkeypatch.setattr(selectors, "DASHBOARD_ROWS", 2)
    monkeypatch.setattr(selectors, "SECTION_PAGE_ROWS", 2)
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
    assert_private(client_for, "post", url, {"choice": Choice.APPROVE})

    before = client.get(nomination.get_absolute_url()).content.decode()
    response = client.post(url, {"choice": Choice.APPROVE, "comment": "Overdue."})
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
    build.vote(nomination, {build.core1: Choice.APPROVE})

    build.vote(nomination, {build.core2: Choice.APPROVE})
    after_a = watcher.get(nomination.get_absolute_url()).content.decode()
    build.vote(nomination, {build.core3: Choice.DECLINE})
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
        build.vote(nomination, {voter: Choice.APPROVE}, comment=comment)
    nomination = build.close(nomination)

    content = client_for("core4").get(nomination.get_absolute_url()).content.decode()

    listed = re.search(r'<ul class="ballots">(.*?)</ul>', content, re.DOTALL).group(1)
    assert listed == "".join(f"<li>{escape(text)}</li>" for text in sorted(comments.values()))
    assert "Final tally:</strong> 3 approve" in content


def test_it_shows_the_invited_maintainer_no_status_outcome_tally_or_decision(
    declined_nomination, voting_nomination, build, client_for
):
    build.vote(voting_nomination, {build.core1: Choice.APPROVE})
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

    client.post(url, {"choice": Choice.APPROVE})
    client.post(url, {"choice": Choice.DECLINE})
    replay = client.post(url, {"choice": Choice.DECLINE})

    assert replay.status_code == 302
    assert list(
        Ballot.objects.filter(nomination=nomination, voter=build.core1)
        .order_by("sequence")
        .values_list("choice", flat=True)
    ) == [Choice.APPROVE, Choice.DECLINE]
    assert_private(client_for, "post", url, {"choice": Choice.DECLINE})


@pytest.mark.parametrize(
    "data", [{}, {"choice": "maybe"}, {"choice": Choice.APPROVE, "comment": "x" * 2_001}]
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

    response = client_for("core1").post(url, {"choice": Choice.APPROVE})

    assert response.status_code == 409
    assert messages_of(response) == [message]
    assert message in response.content.decode()
    assert snapshot() == before
    assert_private(client_for, "post", url, {"choice": Choice.APPROVE})


def test_it_answers_409_to_a_vote_on_a_withdrawn_nomination(voting_nomination, build, client_for):
    nomination = voting_nomination
    services.nomination_withdraw(actor=build.lead, nomination=nomination, reason="Stepped back.")
    url = f"/nominations/{nomination.pk}/vote/"
    before = snapshot()

    response = client_for("core1").post(url, {"choice": Choice.APPROVE})

    assert response.status_code == 409
    assert "your vote was not recorded" in messages_of(response)[0]
    assert snapshot() == before
    assert_private(client_for, "post", url, {"choice": Choice.APPROVE})


def test_it_answers_409_to_a_vote_after_the_deadline(voting_nomination, client_for, clock):
    nomination = voting_nomination
    clock.pass_deadline(nomination)
    url = f"/nominations/{nomination.pk}/vote/"
    before = snapshot()

    response = client_for("core1").post(url, {"choice": Choice.APPROVE})

    assert response.status_code == 409
    assert messages_of(response) == ["The deadline has passed; your vote was not recorded."]
    assert snapshot() == before
    assert_private(client_for, "post", url, {"choice": Choice.APPROVE})


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

    response = client.post(url, {"choice": Choice.APPROVE})

    assert response.status_code == 403
    assert messages_of(response) == ["You are not in the electorate of this nomination."]
    assert snapshot() == before
    assert_private(client_for, "post", url, {"choice": Choice.APPROVE})


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
    assert messages_of(response) == ["The vote did not pass; the nomination cannot be accepted."]
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
    assert nomination.status == Status.DRAFT


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


# Bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "action", "data"),
    [
        ("voting", "evidence", {"criterion": "general", "body": LONG}),
        ("voting", "evidence", {"criterion": "general", "body": "   "}),
        ("voting", "evidence", {"criterion": "bogus", "body": "Hello."}),
        ("failed", "decide", {"outcome": "declined", "reasons": LONG}),
        ("failed", "decide", {"outcome": "maybe", "reasons": "Hello."}),
        ("failed", "feedback/draft", {"to_nominee": LONG, "to_nominators": "Hello."}),
        ("voting", "withdraw", {"reason": ""}),
        ("open", "voting", {"deadline": "2000-01-01T00:00"}),
        ("open", "voting", {"deadline": "not a date"}),
        ("open", "invite", {"users": ["999999"]}),
    ],
)
def test_it_answers_400_to_a_bad_or_oversized_form(state, client_for, name, action, data):
    url = f"/nominations/{state(name).pk}/{action}/"
    before = snapshot()

    # core2: core1 opened every vote, so the decision form is not shown to core1.
    response = client_for("core2").post(url, data)

    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert snapshot() == before
    assert_private(client_for, "post", url, data)


def test_it_answers_400_to_an_oversized_rationale(build, client_for):
    data = {"nominee": build.nominee.person.pk, "kind": "core_reviewer", "rationale": LONG}
    before = snapshot()

    response = client_for("core1").post("/nominations/new/", data)

    assert response.status_code == 400
    assert "at most 20000 characters" in response.content.decode()
    assert snapshot() == before
    assert_private(client_for, "post", "/nominations/new/", data)


HOSTILE = (
    "<script>alert('evidence')</script>\n\n"
    "[click me](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)\n\n"
    '<img src=x onerror="alert(2)">\n\n'
    "![pixel](https://tracker.example/p.gif)\n\n"
    '<a href="javascript:alert(3)">raw link</a> <iframe src="https://evil.example"></iframe>\n\n'
    "<b style='color:red' onclick='alert(4)'>bold</b> [fine](https://example.org/ok)"
)


def assert_sanitized(content: str) -> None:
    assert "<script" not in content
    assert "<iframe" not in content
    assert "<img" not in content
    assert "<b " not in content
    assert "<b>" not in content
    # Only real tags start with "<": the raw HTML a writer typed is escaped to "&lt;".
    assert not re.search(r"""<[a-z][^>]*\son\w+\s*=""", content, re.IGNORECASE)
    assert not re.search(r"""<a\s[^>]*href\s*=\s*["']?\s*(javascript|data):""", content, re.I)
    assert "&lt;script&gt;" in content  # raw HTML is shown as text
    assert '<a href="https://example.org/ok" rel="nofollow noopener noreferrer">fine</a>' in content


def test_it_shows_hostile_markdown_evidence_as_harmless_text(voting_nomination, client_for):
    nomination = voting_nomination
    url = f"/nominations/{nomination.pk}/evidence/"
    assert_private(client_for, "post", url, {"criterion": "general", "body": HOSTILE})

    response = client_for("core1").post(url, {"criterion": Criterion.GENERAL, "body": HOSTILE})
    page = client_for("maintainer").get(nomination.get_absolute_url())

    assert response.status_code == 302
    assert_sanitized(page.content.decode())


def test_it_shows_hostile_markdown_feedback_as_harmless_text(build, client_for):
    nomination = build.decided(outcome=Outcome.DECLINED, to_nominee=HOSTILE, to_nominators=HOSTILE)
    url = f"/nominations/{nomination.pk}/feedback/"

    for name in ("nominee", "nominator"):
        assert_sanitized(client_for(name).get(url).content.decode())
    assert_sanitized(client_for("core1").get(nomination.get_absolute_url()).content.decode())
    assert_private(client_for, "get", url)


def test_it_shows_a_hostile_ballot_comment_as_text(build, client_for):
    nomination = build.voting(
        kind=NominationKind.EMERITUS,
        nominee=build.maintainer.person,
        ending_role=Role.objects.get(person=build.maintainer.person),
    )
    build.vote(nomination, {build.core1: Choice.APPROVE}, comment="<script>alert(1)</script>")
    nomination = build.close(nomination)

    content = client_for("core2").get(nomination.get_absolute_url()).content.decode()

    assert "<script" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert_private(client_for, "get", nomination.get_absolute_url())


# CSRF, GET, caching ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "action", "data"),
    [
        ("voting", "vote", {"choice": "approve"}),
        ("voting", "evidence", {"criterion": "general", "body": "Forged."}),
        ("failed", "decide", {"outcome": "declined", "reasons": "Forged."}),
        ("voting", "withdraw", {"reason": "Forged."}),
        ("draft", "open", {}),
    ],
)
def test_it_refuses_a_post_without_a_csrf_token(build, state, client_for, name, action, data):
    client = Client(enforce_csrf_checks=True)
    login(client, build.core1)
    url = f"/nominations/{state(name).pk}/{action}/"
    before = snapshot()

    missing = client.post(url, data)
    forged = client.post(url, {**data, "csrfmiddlewaretoken": "x" * 64})

    assert missing.status_code == forged.status_code == 403
    assert "This form has expired" in missing.content.decode()
    assert snapshot() == before
    assert_private(client_for, "post", url, data)


def test_it_changes_nothing_on_get(site, build, client_for):
    post_only = [url for method, url, _ in private_routes(site, build) if method == "post"]
    post_only = [
        url
        for url in post_only
        if "/edit/" not in url and "/requests/" not in url and "new" not in url
    ]
    pages = [url for method, url, _ in private_routes(site, build) if method == "get"]
    client, nominee = client_for("core1"), client_for("nominee")
    before = snapshot()

    for url in post_only:
        assert client.get(url).status_code == 405, url
    with CaptureQueriesContext(connection) as queries:
        for url in [*pages, "/nominations/", f"/nominations/{site['declined'].pk}/feedback/"]:
            assert client.get(url).status_code in (200, 404), url
        assert nominee.get(f"/nominations/{site['declined'].pk}/feedback/").status_code == 200

    writes = [q["sql"] for q in queries if WRITE.search(q["sql"])]
    assert writes == []
    assert snapshot() == before
    for url in post_only:
        assert client_for("outsider").get(url).status_code in (404, 405)
        assert client_for("anonymous").get(url).status_code == 302


@pytest.mark.parametrize(
    ("persona", "page"),
    [
        ("core1", "detail"),
        ("core1", "dashboard"),
        ("core1", "triage"),
        ("core1", "new"),
        ("core1", "edit"),
        ("maintainer", "detail"),
        ("nominee", "feedback"),
        ("nominator", "feedback"),
        ("outsider", "dashboard"),
        ("outsider", "request"),
    ],
)
def test_it_marks_private_pages_as_never_stored(request, build, client_for, persona, page):
    def fixture(name):
        return request.getfixturevalue(name)

    url = {
        "detail": lambda: fixture("voting_nomination").get_absolute_url(),
        "dashboard": lambda: "/nominations/",
        "triage": lambda: f"/nominations/requests/{fixture('pending_request').pk}/",
        "new": lambda: "/nominations/new/",
        "edit": lambda: "/nominations/evidence/{}/edit/".format(
            EvidenceEntry.objects.get(nomination=fixture("open_nomination"), author=build.core1).pk
        ),
        "feedback": lambda: f"/nominations/{fixture('declined_nomination').pk}/feedback/",
        "request": lambda: "/nominations/request/",
    }[page]()

    response = client_for(persona).get(url)

    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "Cookie" in response["Vary"]
    anonymous = client_for("anonymous").get(url)
    assert anonymous["Location"] == login_url(url)


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
