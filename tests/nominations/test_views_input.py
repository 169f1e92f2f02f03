"""Bad and hostile input on the nomination pages, CSRF, GET that changes nothing, and private pages
never stored by a cache.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.models import Role
from nominations.models import (
    BallotChoice,
    Criterion,
    EvidenceEntry,
    NominationKind,
    Outcome,
)
from tests.conftest import login
from tests.nominations.helpers import (
    LONG,
    WRITE,
    assert_private,
    login_url,
    private_routes,
    snapshot,
)

pytestmark = pytest.mark.django_db


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
    build.vote(nomination, {build.core1: BallotChoice.APPROVE}, comment="<script>alert(1)</script>")
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
