"""Canaries: unique words planted in every private text (evidence, ballot comments, decision
reasons, feedback, a declined nominee's name, an unreleased announcement, private and redacted
parts of published minutes, a draft's agenda, a retracted version, a private reason for a move to
emeritus, people's email addresses). No answer of the API, to anyone, ever carries one: the
API shows the public the same thing it shows a core maintainer."""

import pytest
from django.test import Client

from meetings import services as meeting_services
from meetings.models import Visibility
from nominations import services as nomination_services
from nominations.models import BallotChoice, Criterion, NominationKind, Outcome
from tests.api.conftest import LISTS, PRIVATE_END_REASON, make_roster, whole_list
from tests.meetings.conftest import CANARIES as MEETING_CANARIES
from tests.meetings.conftest import add_public_item, make_canary_meeting, new_meeting, publish
from tests.nominations.conftest import Build
from tests.support.built_once import built_once, personas_of

pytestmark = pytest.mark.django_db

RATIONALE = "QXAPIRATIONALE"
EVIDENCE = "QXAPIEVIDENCE"
BALLOT = "QXAPIBALLOT"
REASONS = "QXAPIREASONS"
TO_NOMINEE = "QXAPITONOMINEE"
TO_NOMINATORS = "QXAPITONOMINATORS"
DECLINED_NOMINEE = "Zephyrine Canarywood"
UNANNOUNCED_NOMINEE = "Quillon Canaryfield"
DRAFT_ITEM = "QXAPIDRAFTITEM"
RETRACTED_TEXT = "QXAPIRETRACTED"
EMAIL_DOMAIN = "@example.org"
CANARIES = (
    *MEETING_CANARIES,
    RATIONALE,
    EVIDENCE,
    BALLOT,
    REASONS,
    TO_NOMINEE,
    TO_NOMINATORS,
    DECLINED_NOMINEE,
    "zcanary",
    UNANNOUNCED_NOMINEE,
    "qcanary",
    DRAFT_ITEM,
    RETRACTED_TEXT,
    PRIVATE_END_REASON,
    EMAIL_DOMAIN,
)
READERS = ("anonymous", "outsider", "nominee", "maintainer", "core1")


@pytest.fixture(scope="module")
def planted_once(django_db_setup, django_db_blocker):
    """The canary meeting comes first, published while lead, core1 and core2 are the only core
    maintainers (the `build` adds core3 and core4). Beside the roster (a private reason for each
    move to emeritus) and the canary meeting (published, with private and redacted parts): a
    declined nomination, an accepted one not yet announced, one in voting with evidence and a
    ballot comment, an announced one (so the lists are not empty), a draft meeting with a
    private item, and a retracted version. Every test here only reads it."""
    with built_once(django_db_blocker) as built:
        lead, core1, core2, maintainer, nominee = (
            built.persona(name) for name in ("lead", "core1", "core2", "maintainer", "nominee")
        )
        canary_meeting = make_canary_meeting(lead, core1, core2, maintainer, nominee)
        make_roster(built.module, lead, nominee)
        draft_meeting = new_meeting(core1)
        add_public_item(core1, draft_meeting)
        built.world = plant(canary_meeting, draft_meeting, built.build)
        built.persona("outsider")
        yield built


@pytest.fixture
def planted(planted_once, db) -> dict:
    return planted_once.world


outsider, nominee, maintainer, core1 = personas_of(
    "planted_once", ("outsider", "nominee", "maintainer", "core1")
)


def plant(canary_meeting, draft_meeting, build: Build) -> dict:
    lead, core1, core2 = build.lead, build.core1, build.core2
    build.decided(
        outcome=Outcome.DECLINED,
        nominee=build.person(DECLINED_NOMINEE, "zcanary"),
        rationale=RATIONALE,
        reasons=REASONS,
        to_nominee=TO_NOMINEE,
        to_nominators=TO_NOMINATORS,
    )
    build.decided(
        outcome=Outcome.ACCEPTED,
        nominee=build.person(UNANNOUNCED_NOMINEE, "qcanary"),
        rationale=RATIONALE,
        release=False,
    )
    build.decided(outcome=Outcome.ACCEPTED, nominee=build.person("Mei Tanaka", "mtanaka"))
    voting = build.voting(
        nominee=build.person("Lin Chen", "lchen"),
        kind=NominationKind.MODULE_REVIEWER,
        rationale=RATIONALE,
    )
    nomination_services.evidence_add(
        actor=core2, nomination=voting, criterion=Criterion.QUALITY, body=EVIDENCE
    )
    build.vote(voting, {core1: BallotChoice.APPROVE}, comment=BALLOT)
    meeting_services.agenda_item_add(
        actor=core1,
        meeting=draft_meeting,
        title=f"Draft {DRAFT_ITEM}",
        notes=DRAFT_ITEM,
        visibility=Visibility.PRIVATE,
    )
    add_public_item(core1, draft_meeting, title=f"Public draft {DRAFT_ITEM}")
    retracted = new_meeting(core1, title="Retracted minutes", days=-3)
    add_public_item(core1, retracted, title=f"Named {RETRACTED_TEXT}", notes=RETRACTED_TEXT)
    publish(retracted, core1, lead, core2, build.core3)
    meeting_services.minutes_version_retract(
        actor=core1, version=retracted.versions.get(), reason="Named someone."
    )
    return {"published": [canary_meeting.slug, retracted.slug], "draft": draft_meeting.slug}


def leaked(text: str) -> list[str]:
    return [canary for canary in CANARIES if canary.lower() in text.lower()]


def everything_sent(response) -> str:
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    return headers + "\n" + response.content.decode()


@pytest.mark.parametrize("reader", READERS)
def test_it_never_answers_anyone_with_a_canary(planted, client_for, reader):
    client = client_for(reader)
    answers = dict.fromkeys((*LISTS, "/api/v1/", "/api/v1/openapi.json"), 200)
    answers |= {f"{url}?page=99": 404 for url in LISTS}
    answers |= {f"{url}?page_size=999": 422 for url in LISTS}
    answers |= {f"/api/v1/meetings/{slug}": 200 for slug in planted["published"]}
    answers |= {f"/api/v1/meetings/{planted['draft']}": 404}

    for address, status in answers.items():
        response = client.get(address)
        assert response.status_code == status, address
        assert not leaked(everything_sent(response)), f"{address} for {reader}"
    for url in LISTS:
        assert not leaked(repr(whole_list(client, url))), f"{url}, every page, for {reader}"


def test_it_lists_what_is_public_beside_the_canaries(planted):
    """The lists are not empty: a canary missing from them is kept out, not absent."""
    client = Client()

    minutes = whole_list(client, "/api/v1/meetings")
    announcements = whole_list(client, "/api/v1/announcements")
    modules = whole_list(client, "/api/v1/roster")

    assert [m["title"] for m in minutes] == ["Canary meeting"]
    assert "[specific examples redacted]" in minutes[0]["markdown"]
    assert [a["profile_url"] for a in announcements] == ["http://testserver/people/mtanaka/"]
    assert [p["github"] for p in modules[0]["emeritus_maintainers"]] == ["iokonkwo"]
