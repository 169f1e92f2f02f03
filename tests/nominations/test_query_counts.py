"""The dashboard and the nomination page cost a fixed number of queries whatever the data size.

Each page is measured at the two sizes of tests/support/sizes.py with the same exact count: as
many evidence entries and live ballots (from as many extra core maintainers, made through the
services) on the nomination page, as many nominations in each list on the dashboards.

Content types and permissions are cached process-wide (Django, guardian), so whether a page
looks them up depends on which test ran before; each page is requested once to warm those
caches, then measured.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from governance import services as governance_services
from governance.models import RoleKind
from nominations import dashboard_selectors, services
from nominations.dashboard_selectors import DASHBOARD_ROWS, SECTION_PAGE_ROWS
from nominations.models import BallotChoice, Criterion, NominationKind, Outcome
from tests.support.sizes import LARGE, SIZES

pytestmark = pytest.mark.django_db


def add_core_maintainers(count: int) -> list:
    users = []
    for n in range(count):
        user = get_user_model().objects.create_user(
            username=f"voter{n:02}", email=f"voter{n:02}@example.org"
        )
        person = governance_services.person_create(
            actor=None, full_name=f"Voter {n:02}", github=f"voter-{n:02}", user=user
        )
        governance_services.role_grant(actor=None, person=person, kind=RoleKind.CORE_MAINTAINER)
        users.append(user)
    return users


def busy_nomination(build, size: int):
    """A nomination in voting with `size` evidence entries and `size` live ballots (each voter
    changed their vote once, so the ledger holds twice as many casts), core1's among them."""
    voters = add_core_maintainers(size)
    nomination = build.voting(evidence=False)
    for n, voter in enumerate(voters):
        services.evidence_add(
            actor=voter, nomination=nomination, criterion=Criterion.TRIAGE, body=f"Entry {n}."
        )
        services.ballot_cast(actor=voter, nomination=nomination, choice=BallotChoice.DECLINE)
        services.ballot_cast(
            actor=voter, nomination=nomination, choice=BallotChoice.APPROVE, comment=f"Comment {n}."
        )
    entry = nomination.evidence.first()
    services.evidence_edit(actor=entry.author, entry=entry, criterion=Criterion.QUALITY, body="E.")
    services.ballot_cast(actor=build.core1, nomination=nomination, choice=BallotChoice.APPROVE)
    return nomination


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_nomination_page_in_a_fixed_number_of_queries(
    build, client_for, django_assert_num_queries, size
):
    nomination = busy_nomination(build, size)
    url = nomination.get_absolute_url()
    voter, maintainer, core2 = client_for("core1"), client_for("maintainer"), client_for("core2")
    for client in (voter, maintainer):
        client.get(url)  # warm the process-wide caches

    # To a voter who has voted (the session comes from the cache, cached_db, so no query):
    # 1. the session's two-factor device with the signed-in user (core maintainers and staff)
    # 2. the nomination with nominee (and the nominee's account, whether they can be reached),
    #    module and ending role (one select_related; no tally, decision, feedback,
    #    announcement or forum topic can exist before the close)
    # 3. its nominators with their names and email addresses (display rows; with 2, whether
    #    each can be reached)
    # 4. its evidence with authors' names, stored HTML and revision counts (display rows)
    # 5. its electors with their users' names (display rows)
    # 6. its live ballots (display rows; their voters are the electors already named)
    # 7. the viewer's active role kinds (once per request)
    # 8. the viewer's direct and group object permissions on the nomination (the vote grant)
    # 9. the maintainers invited into the thread, with their people
    # 10. the module's maintainers, for the invite form
    with django_assert_num_queries(10):
        response = voter.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<li id="evidence-') == size
    # A secret ballot: who has voted, but no count before the close.
    assert content.count(": voted</li>") == size + 1
    assert "have voted" not in content
    assert "Running tally" not in content

    # To an invited module maintainer:
    # 1-6. as for the voter: user, the nomination, nominators, evidence, electors, live
    #      ballots
    # 7. the viewer's active role kinds (none)
    # 8. direct and group object permissions on the nomination, in one query, fetched once
    #    per request and reused for every later question (may view, may add evidence)
    with django_assert_num_queries(8):
        response = maintainer.get(url)

    assert response.status_code == 200
    assert response.content.decode().count('<li id="evidence-') == size

    build.close(nomination)
    core2.get(url)
    # Closed, to a core maintainer:
    # 1-6. as for the voter: the two-factor device with the user, the nomination, nominators,
    #      evidence, electors, live ballots
    # 7. the viewer's role kinds
    # 8. what the vote left: tally, decision with its author, feedback, announcement and its
    #    forum topic (one select_related, asked only once the vote has closed)
    # 9. the maintainers invited into the thread, with their people
    # 10. the module's maintainers, for the invite form (a closed nomination is still live)
    # No object permission is asked: the vote is closed, and the rest is a role check.
    with django_assert_num_queries(10):
        response = core2.get(url)

    assert response.status_code == 200
    assert response.content.decode().count("Comment ") == size  # comments, without names


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_dashboards_in_a_fixed_number_of_queries(
    build, client_for, django_assert_num_queries, monkeypatch, size
):
    # The personal lists stop at LIST_LIMIT; lowered below the larger size, so that it shows.
    list_limit = LARGE - 1
    monkeypatch.setattr(dashboard_selectors, "LIST_LIMIT", list_limit)
    # Decided first: closing it moves the clock past the deadline of every vote then open.
    build.decided(outcome=Outcome.DECLINED, kind=NominationKind.CORE_REVIEWER)
    for n in range(size):
        person = build.person(f"Nominee {n:02}", f"nominee-{n:02}")
        build.draft(nominee=person)
        build.voting(nominee=person, evidence=False, kind=NominationKind.MODULE_REVIEWER)
        services.nomination_request_submit(
            actor=build.nominator,
            nominee_name=f"Requested {n:02}",
            nominee_github=f"requested-{n:02}",
            kind=NominationKind.CORE_REVIEWER,
            module=None,
            rationale="Reviews.",
        )
    url = "/nominations/"
    core1, nominator, maintainer = (
        client_for(name) for name in ("core1", "nominator", "maintainer")
    )
    for client in (core1, nominator, maintainer):
        client.get(url)  # warm the process-wide caches

    # A core maintainer's (the session comes from the cache, cached_db, so no query):
    # 1. the session's two-factor device with the signed-in user (core maintainers and staff)
    # 2. the viewer's active role kinds (once per request: is_core, the nav's viewer_is_core)
    # 3. the five nomination lists, each its first rows, in one statement (a UNION ALL of
    #    one subquery per list, compiled once per process): votes awaiting the viewer's vote
    #    (their elector row's awaiting_vote flag), the other votes in progress, drafts and
    #    nominations open for evidence, closed votes awaiting a decision, and recently
    #    decided or withdrawn nominations, each with its names (nominee, module, ending
    #    role, proposal title) as subqueries
    # 4. pending requests with their requesters and modules
    # Each list takes one row more than it shows, to know whether to link to the whole list.
    with django_assert_num_queries(4):
        response = core1.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    shown = min(size, DASHBOARD_ROWS)
    awaiting = content.split('id="awaiting-heading"', 1)[1].split("</section>", 1)[0]
    assert awaiting.count('href="/nominations/') == shown + (size > DASHBOARD_ROWS)
    assert ('href="/nominations/all/awaiting/"' in awaiting) == (size > DASHBOARD_ROWS)
    assert content.count('href="/nominations/requests/') == shown

    # The nominator's (the nominator of every nomination the builder makes):
    # 1. the signed-in user
    # 2. the viewer's active roles (none: no invitation can count, so none is looked up)
    # 3. the viewer's requests with their modules
    # 4. nominations the viewer made
    # 5. nominations with feedback released to the viewer
    with django_assert_num_queries(5):
        response = nominator.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("In progress") == min(2 * size, list_limit)
    assert content.count("Waiting for the core maintainers") == min(size, list_limit)
    feedback = content.split('id="feedback-heading"', 1)[1].split("</section>", 1)[0]
    assert feedback.count("/feedback/") == 1

    # An invited module maintainer's (not a core maintainer):
    # 1. the signed-in user
    # 2. the viewer's active roles (module maintainer of one module)
    # 3. nominations whose evidence thread the viewer was invited into, among their own
    #    modules' (guardian's object permissions, as one subquery)
    # 4. the viewer's requests with their modules
    # 5. nominations the viewer made
    # 6. nominations with feedback released to the viewer (nominee or nominator, a union)
    with django_assert_num_queries(6):
        response = maintainer.get(url)

    assert response.status_code == 200
    invited = response.content.decode().split('id="invited-heading"', 1)[1].split("</section>")[0]
    # The maintainer is invited to each vote.
    assert invited.count('href="/nominations/') == min(size, list_limit)


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_a_whole_dashboard_list_in_a_fixed_number_of_queries(
    build, client_for, django_assert_num_queries, size
):
    for n in range(size):
        build.voting(
            nominee=build.person(f"Nominee {n:02}", f"nominee-{n:02}"),
            evidence=False,
            kind=NominationKind.MODULE_REVIEWER,
        )
    core1 = client_for("core1")
    core1.get("/nominations/all/awaiting/")  # warm the process-wide caches

    # The session comes from the cache (cached_db): no query.
    # 1. the session's two-factor device with the signed-in user
    # 2. the viewer's active role kinds
    # 3. how many rows the list has, for the pages
    # 4. the page's rows
    with django_assert_num_queries(4):
        response = core1.get("/nominations/all/awaiting/")

    assert response.status_code == 200
    listed = response.content.decode().split("<h1>", 1)[1]
    assert listed.count('href="/nominations/') == min(size, SECTION_PAGE_ROWS)
    assert f"{size} in all" in listed
    assert "left</span>" in listed  # each open vote shows its time left


@pytest.mark.parametrize("size", SIZES)
def test_it_shows_the_announcements_in_two_queries(build, django_assert_num_queries, size):
    for n in range(size):
        build.decided(
            outcome=Outcome.ACCEPTED, nominee=build.person(f"Accepted {n:02}", f"accepted-{n:02}")
        )
    build.decided(outcome=Outcome.DECLINED)  # never announced, so never listed
    client = Client()

    # 1. the public pages' generation token (the cache's freshness check)
    # 2. released announcements with their nominees and modules (anonymous: no session)
    with django_assert_num_queries(2):
        response = client.get("/announcements/")

    assert response.status_code == 200
    assert response.content.decode().count('href="/people/accepted-') == size


def test_it_shows_how_to_become_a_maintainer_in_two_queries(client_for, django_assert_num_queries):
    signed_in = client_for("maintainer")
    signed_in.get("/become-a-maintainer/")  # warm the process-wide caches

    # For an anonymous reader: 1. the public pages' generation token (the cache's freshness
    # check); 2. the voting rules
    with django_assert_num_queries(2):
        assert Client().get("/become-a-maintainer/").status_code == 200
    # Signed in (the session comes from the cache, cached_db): 1. the signed-in user; 2. the
    # voting rules; 3. the viewer's active role kinds (the navigation)
    with django_assert_num_queries(3):
        assert signed_in.get("/become-a-maintainer/").status_code == 200
