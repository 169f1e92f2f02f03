"""One search for people, modules, published minutes and announcements (plus private notes for
core maintainers): plain-text snippets cut at word boundaries with the matches marked and
escaped, linear in the text, a fixed number of queries, and nothing private in what the public
is shown or what the cache keeps."""

import random
import time

import pytest
from django.test import Client

from governance import services as governance_services
from governance.models import RoleKind
from meetings.snippets import highlighted, markdown_snippet, snippet
from nominations.models import Outcome
from tests.conftest import CACHED_PAGE_QUERIES
from tests.meetings.conftest import (
    CANARY_PRIVATE_ITEM_NOTE,
    PUBLIC_WORD,
    add_public_item,
    new_meeting,
    publish,
)
from tests.nominations.conftest import CORE_EVIDENCE, TO_NOMINEE, build, clock  # noqa: F401
from tests.support.sizes import SIZES

pytestmark = pytest.mark.django_db

SEARCH = "/meetings/search/"
CANARY_DRAFT_NOTE = "Qxcanarydraftnote"
CANARY_END_REASON = "Qxcanaryendreason"


# Snippets ---------------------------------------------------------------------------------------


def test_it_shows_markdown_as_plain_text():
    passage = markdown_snippet("The **release plan** is [here](https://example.org).", ["plan"])

    assert str(passage) == "The release <mark>plan</mark> is here."
    assert "](" not in passage
    assert "<mark>plan</mark>" in passage


def test_it_cuts_at_word_boundaries_around_the_first_match():
    rng = random.Random(16)
    words = ["".join(rng.choices("abcdefghij", k=rng.randint(3, 12))) for _ in range(400)]
    words[200] = "needle"
    text = " ".join(words)

    passage = str(snippet(text, ["needle"], radius=60))

    assert passage.startswith("… ")
    assert passage.endswith(" …")
    shown = passage.removeprefix("… ").removesuffix(" …").replace("<mark>", "")
    shown = shown.replace("</mark>", "").split(" ")
    # Whole words only, in order, from the text itself.
    start = words.index(shown[0])
    assert words[start : start + len(shown)] == shown
    assert "needle" in shown


def test_it_marks_every_match_whatever_its_case():
    assert str(highlighted("Release, release and RELEASE", ["release"])) == (
        "<mark>Release</mark>, <mark>release</mark> and <mark>RELEASE</mark>"
    )


def test_it_escapes_the_text_and_the_query():
    passage = str(snippet("Do not run <script>alert(1)</script> here", ["<script>"]))

    assert "<script>" not in passage
    assert "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;" in passage


def test_it_starts_at_the_beginning_without_a_match():
    assert str(snippet("Short text.", ["absent"])) == "Short text."


def test_it_stays_linear_on_a_text_made_to_be_slow():
    text = "a" * 500_000
    terms = ["a" * 30 + "b", "a" * 29 + "c"]

    started = time.monotonic()
    snippet(text, terms)

    assert time.monotonic() - started < 2


# The page --------------------------------------------------------------------------------------


@pytest.fixture
def world(build):  # noqa: F811
    """A public roster (Ada maintains the compilers), published minutes, a released announcement,
    and private things: a draft meeting, an unreleased decision, a nominee without a role, the
    private reason a role ended."""
    compilers = governance_services.module_create(
        actor=None, name="Compilers", slug="compilers", includes="Code generation"
    )
    ada = governance_services.person_create(actor=None, full_name="Ada Lovelace", github="ada")
    governance_services.role_grant(
        actor=None, person=ada, kind=RoleKind.MODULE_MAINTAINER, module=compilers
    )
    past = governance_services.role_grant(
        actor=None, person=ada, kind=RoleKind.MODULE_REVIEWER, module=build.module
    )
    governance_services.role_make_emeritus(actor=None, role=past, reason=CANARY_END_REASON)
    published = new_meeting(build.core1, title="Core Maintainers Meeting May 2024")
    add_public_item(build.core1, published, notes=f"- The **{PUBLIC_WORD}** was agreed.")
    publish(published, build.core1, build.lead, build.core2, build.core3)
    assert published.versions.exists()
    draft = new_meeting(build.core1, title="Draft meeting")
    add_public_item(build.core1, draft, notes=f"- {CANARY_DRAFT_NOTE} was discussed.")
    announced = build.decided(
        outcome=Outcome.ACCEPTED, nominee=build.person("Mei Tanaka", "mtanaka")
    )
    unreleased = build.decided(
        outcome=Outcome.ACCEPTED, nominee=build.person("Zed Quietly", "zquietly"), release=False
    )
    return {"announced": announced, "unreleased": unreleased, "draft": draft}


def results(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_it_finds_a_person_by_name_or_handle(world):
    for query in ("lovelace", "@ada"[1:]):
        body = results(Client().get(SEARCH, {"q": query}))
        assert 'href="/people/ada/"' in body


def test_it_finds_a_module_by_name_or_area(world):
    for query in ("compilers", "generation"):
        body = results(Client().get(SEARCH, {"q": query}))
        assert 'href="/modules/compilers/"' in body


def test_it_finds_published_minutes_as_plain_text(world):
    body = results(Client().get(SEARCH, {"q": PUBLIC_WORD}))

    assert f"<mark>{PUBLIC_WORD}</mark>" in body
    assert f"**{PUBLIC_WORD}" not in body


def test_it_finds_a_released_announcement_and_its_person(world):
    body = results(Client().get(SEARCH, {"q": "Tanaka"}))

    assert f'href="/announcements/#announcement-{world["announced"].announcement.pk}"' in body
    assert 'href="/people/mtanaka/"' in body
    target = results(Client().get("/announcements/"))
    assert f'id="announcement-{world["announced"].announcement.pk}"' in target


@pytest.mark.parametrize("viewer", ["anonymous", "outsider", "nominee", "maintainer"])
def test_it_never_shows_the_public_anything_private(world, client_for, viewer):
    client = client_for(viewer)
    secrets = [
        CANARY_DRAFT_NOTE,  # unpublished minutes
        "zquietly",  # an unannounced nominee: no public page, no released announcement
        "Quietly",
        CORE_EVIDENCE.split()[-1].rstrip("."),  # evidence
        TO_NOMINEE.split()[-2],  # private feedback
        CANARY_END_REASON,  # why a role ended
        "Draft meeting",
    ]
    for secret in secrets:
        body = results(client.get(SEARCH, {"q": secret}))
        # The page repeats the query the searcher typed; it must list no result.
        assert 'class="results"' not in body, secret


def test_it_shows_core_maintainers_the_private_notes(build, client_for):  # noqa: F811
    meeting = new_meeting(build.core1, title="Private meeting")
    add_public_item(build.core1, meeting, notes=f"- {CANARY_PRIVATE_ITEM_NOTE} is **bold**.")

    core = results(client_for("core1").get(SEARCH, {"q": CANARY_PRIVATE_ITEM_NOTE}))
    public = results(Client().get(SEARCH, {"q": CANARY_PRIVATE_ITEM_NOTE}))

    assert f"<mark>{CANARY_PRIVATE_ITEM_NOTE}</mark> is bold." in core
    assert 'class="results"' not in public


def test_it_caches_anonymous_searches_and_never_signed_in_ones(
    world, client_for, django_assert_num_queries
):
    Client().get(SEARCH, {"q": "compilers"})

    # The page comes from the cache (tests.conftest.CACHED_PAGE_QUERIES)
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        again = results(Client().get(SEARCH, {"q": "compilers"}))
    signed_in = client_for("core1").get(SEARCH, {"q": "compilers"})

    assert 'href="/modules/compilers/"' in again
    assert "no-store" in signed_in["Cache-Control"]


def test_it_is_linked_from_the_navigation(db):
    body = results(Client().get("/"))

    assert f'href="{SEARCH}"' in body


@pytest.mark.parametrize("size", SIZES)
def test_it_searches_in_five_queries_whatever_the_number_of_matches(
    size, django_assert_num_queries
):
    for n in range(size):
        module = governance_services.module_create(
            actor=None, name=f"Backlog {n:02}", slug=f"backlog-{n}", includes=""
        )
        person = governance_services.person_create(
            actor=None, full_name=f"Backlog Person {n:02}", github=f"backlog-{n}"
        )
        governance_services.role_grant(
            actor=None, person=person, kind=RoleKind.MODULE_MAINTAINER, module=module
        )

    # 1. the public pages' generation token (the cache's freshness check); 2. the people with a
    # public page who match; 3. the modules that match; 4. the latest published versions that
    # match; 5. the released announcements that match
    with django_assert_num_queries(5):
        body = results(Client().get(SEARCH, {"q": "backlog"}))

    assert body.count('href="/people/backlog-') == size
    assert body.count('href="/modules/backlog-') == size
