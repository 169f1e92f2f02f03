"""Canaries: unique strings planted in every private text of a nomination (rationale, evidence,
ballot comments, recusal and withdrawal reasons, the decision's reasons, both feedback texts,
a desk-rejection reason) and a declined nominee's name. Then every page, notification and email
that a persona can reach is searched for them: each persona may meet only the canaries the
permission policy lets them read, and the public none at all."""

import re
from collections.abc import Iterable

import pytest
from django.test import Client

from governance import services as governance_services
from governance.models import Module, Notification, NotificationChannel, Person
from nominations import services
from nominations.models import (
    BallotChoice,
    Criterion,
    EvidenceEntry,
    Nomination,
    NominationKind,
    NominationRequest,
    Outcome,
)
from tests.nominations.conftest import Build, fresh
from tests.support.built_once import BUILD_PERSONAS, built_once, personas_of

pytestmark = pytest.mark.django_db

DECLINED_NAME = "Zephyrine Canarywood"
DECLINED_GITHUB = "zcanary"


def canary(label: str) -> str:
    return f"CANARY{label.upper()}Q7Z"


# Which canaries each reader may meet, beside the public (who may meet none).
RATIONALE, EVIDENCE, TESTIMONIAL = canary("rationale"), canary("evidence"), canary("testimony")
BALLOT, RECUSAL, REASONS = canary("ballot"), canary("recusal"), canary("reasons")
TO_NOMINEE, TO_NOMINATORS = canary("tonominee"), canary("tonominators")
WITHDRAWN, TRIAGE = canary("withdrawn"), canary("triage")
ALL = {
    RATIONALE,
    EVIDENCE,
    TESTIMONIAL,
    BALLOT,
    RECUSAL,
    REASONS,
    TO_NOMINEE,
    TO_NOMINATORS,
    WITHDRAWN,
    TRIAGE,
}
ALLOWED = {
    "anonymous": set(),
    "outsider": set(),
    "staff": set(),
    # invited into the evidence thread: the thread, not the ballots, the decision or feedback
    "maintainer": {RATIONALE, EVIDENCE, TESTIMONIAL},
    "nominee": {TO_NOMINEE},
    "nominator": {TO_NOMINATORS, TRIAGE},
}


def plant(build: Build) -> dict[str, Nomination]:
    """Three nominations carry every canary: one declined (taken up from a request, its nominee
    new to the roster), one declined for the `nominee` persona, one accepted and announced. A
    fourth was withdrawn, a fifth is in voting, and a request was desk-rejected."""

    def full_life(nomination: Nomination, outcome: str) -> Nomination:
        services.nomination_open(actor=build.core1, nomination=nomination)
        services.evidence_invite(actor=build.core1, nomination=nomination, users=[build.maintainer])
        services.evidence_add(
            actor=build.core1, nomination=nomination, criterion=Criterion.TRIAGE, body=EVIDENCE
        )
        services.evidence_add(
            actor=build.maintainer,
            nomination=nomination,
            criterion=Criterion.POSITIVE,
            body=TESTIMONIAL,
        )
        services.voting_open(actor=build.core1, nomination=nomination)
        services.elector_recuse(actor=build.core4, nomination=nomination, reason=RECUSAL)
        choice = BallotChoice.APPROVE if outcome == Outcome.ACCEPTED else BallotChoice.DECLINE
        for voter in build.electorate[:-1]:
            services.ballot_cast(actor=voter, nomination=nomination, choice=choice, comment=BALLOT)
        services.nomination_decide(
            actor=build.core2, nomination=nomination, outcome=outcome, reasons=REASONS
        )
        services.feedback_save(
            actor=build.core1,
            nomination=nomination,
            to_nominee=TO_NOMINEE,
            to_nominators=TO_NOMINATORS,
        )
        # A nominee new to the roster has no account or email: a core maintainer says how.
        services.feedback_release(
            actor=build.core1, nomination=nomination, other_channel="In person at the sprint."
        )
        if outcome == Outcome.ACCEPTED:
            services.announcement_release(actor=build.core2, nomination=nomination)
        return fresh(nomination)

    request = services.nomination_request_submit(
        actor=build.nominator,
        nominee_name=DECLINED_NAME,
        nominee_github=DECLINED_GITHUB,
        kind=NominationKind.MODULE_MAINTAINER,
        module=build.module,
        rationale=RATIONALE,
    )
    from_request = full_life(
        services.nomination_request_take_up(actor=build.core1, request=request), Outcome.DECLINED
    )
    persona = full_life(build.draft(rationale=RATIONALE), Outcome.DECLINED)
    accepted = full_life(
        build.draft(nominee=build.person("Mei Tanaka", "mtanaka"), rationale=RATIONALE),
        Outcome.ACCEPTED,
    )
    withdrawn = build.voting(nominee=build.person("Lin Chen", "lchen"), rationale=RATIONALE)
    services.nomination_withdraw(actor=build.core2, nomination=withdrawn, reason=WITHDRAWN)
    voting = build.voting(
        nominee=build.person("Kwame Asante", "kasante"),
        kind=NominationKind.MODULE_REVIEWER,
        rationale=RATIONALE,
    )
    services.evidence_add(
        actor=build.core2, nomination=voting, criterion=Criterion.QUALITY, body=EVIDENCE
    )
    build.vote(voting, {build.core1: BallotChoice.APPROVE}, comment=BALLOT)
    rejected = services.nomination_request_submit(
        actor=build.nominator,
        nominee_name="Ada Obi",
        nominee_github="aobi",
        kind=NominationKind.CORE_REVIEWER,
        module=None,
        rationale=RATIONALE,
    )
    services.nomination_request_reject(actor=build.core1, request=rejected, reason=TRIAGE)
    # Hand every queued email to the mail backend, as the worker would.
    for pk in Notification.objects.filter(channel=NotificationChannel.EMAIL).values_list(
        "pk", flat=True
    ):
        governance_services.notification_send(notification_id=pk)
    return {
        "from_request": from_request,
        "persona": persona,
        "accepted": accepted,
        "withdrawn": withdrawn,
        "voting": voting,
    }


@pytest.fixture(scope="module")
def planted_once(django_db_setup, django_db_blocker):
    """Every test here only reads what `plant` built: built once for the module."""
    with built_once(django_db_blocker) as built:
        built.world = plant(built.build)
        built.persona("outsider")
        built.persona("staff")
        built.keep_sent_mail()
        yield built


@pytest.fixture
def planted(planted_once, db) -> dict[str, Nomination]:
    planted_once.resend_mail()
    return {name: fresh(nomination) for name, nomination in planted_once.world.items()}


@pytest.fixture
def build(planted_once, db, monkeypatch) -> Build:
    return planted_once.fresh_build(monkeypatch)


lead, core1, core2, core3, core4, maintainer, nominator, nominee, outsider, staff = personas_of(
    "planted_once", (*BUILD_PERSONAS, "outsider", "staff")
)


def found(text: str, canaries: Iterable[str] = ALL) -> set[str]:
    return {c for c in canaries if c in text}


LINK = re.compile(r'href="(/[^"#?]*)')
NOT_CRAWLED = ("/static/", "/accounts/", "/admin/")
SIGNED_IN_ONLY = ("/nominations/", "/inbox/")


def crawl(
    client: Client, start: Iterable[str], *, skip: tuple[str, ...] = (), limit: int = 300
) -> dict[str, str]:
    """GET every page reachable from `start` by same-site links; path -> status, headers, body."""
    seen: dict[str, str] = {}
    queue = list(dict.fromkeys(start))
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        body = response.content.decode(errors="replace")
        seen[path] = f"{response.status_code} {dict(response.items())}\n{body}"
        for link in LINK.findall(body):
            if link not in seen and not link.startswith(NOT_CRAWLED + skip):
                queue.append(link)
    return seen


def public_pages() -> list[str]:
    return [
        "/",
        "/modules/",
        *[m.get_absolute_url() for m in Module.objects.all()],
        *[p.get_absolute_url() for p in Person.objects.exclude(github="")],
        "/announcements/",
        "/become-a-maintainer/",
        "/healthz",
        "/no-such-page/",
    ]


def private_pages() -> list[str]:
    """Every nomination URL there is, for whoever tries to guess them."""
    pages = ["/nominations/", "/nominations/request/", "/inbox/"]
    for pk in Nomination.objects.values_list("pk", flat=True):
        pages += [f"/nominations/{pk}/", f"/nominations/{pk}/feedback/"]
    for pk in EvidenceEntry.objects.values_list("pk", flat=True):
        pages.append(f"/nominations/evidence/{pk}/edit/")
    for pk in NominationRequest.objects.values_list("pk", flat=True):
        pages.append(f"/nominations/requests/{pk}/")
    return pages


def leaks(pages: dict[str, str], allowed: set[str]) -> dict[str, set[str]]:
    return {path: found(body) - allowed for path, body in pages.items() if found(body) - allowed}


# The public -------------------------------------------------------------------------------------


def test_it_keeps_every_canary_off_the_public_pages(planted, client_for):
    for viewer in ("anonymous", "outsider"):
        pages = crawl(client_for(viewer), public_pages())

        assert "/announcements/" in pages
        assert "/healthz" in pages
        assert "Please welcome Mei Tanaka" in pages["/announcements/"]
        assert "/no-such-page/" in pages
        assert pages["/no-such-page/"].startswith("404")
        assert leaks(pages, set()) == {}, viewer


def test_it_never_names_a_declined_nominee_on_a_public_page(planted, client_for):
    named = {}
    for viewer in ("anonymous", "outsider", "nominee", "nominator"):
        pages = crawl(client_for(viewer), public_pages(), skip=SIGNED_IN_ONLY)
        named[viewer] = [path for path, body in pages.items() if DECLINED_NAME in body]

    assert named == {"anonymous": [], "outsider": [], "nominee": [], "nominator": []}


# Each signed-in persona ---------------------------------------------------------------------------


def test_it_shows_each_persona_only_the_canaries_the_policy_allows(planted, client_for):
    """Every page each persona can reach or guess: the nominations' own URLs, the dashboard, the
    inbox, the public pages and whatever they link to."""
    found_leaks = {}
    for viewer in ("outsider", "staff", "nominee", "nominator", "maintainer"):
        pages = crawl(client_for(viewer), [*private_pages(), *public_pages()])
        found_leaks[viewer] = leaks(pages, ALLOWED[viewer])

    assert found_leaks == {name: {} for name in found_leaks}


def test_it_lets_each_reader_find_their_own_text(planted, client_for):
    """The other side of the policy: the canaries allowed are really there."""
    pk = planted["persona"].pk

    nominee = client_for("nominee").get(f"/nominations/{pk}/feedback/").content.decode()
    nominee_inbox = client_for("nominee").get("/inbox/").content.decode()
    nominator = client_for("nominator").get(f"/nominations/{pk}/feedback/").content.decode()
    requests = client_for("nominator").get("/nominations/").content.decode()
    thread = client_for("maintainer").get(f"/nominations/{pk}/").content.decode()
    core = client_for("core2").get(f"/nominations/{pk}/").content.decode()

    assert found(nominee) == {TO_NOMINEE}
    assert found(nominee_inbox) <= {TO_NOMINEE}
    assert found(nominator) == {TO_NOMINATORS}
    assert TRIAGE in requests
    assert {RATIONALE, EVIDENCE, TESTIMONIAL} <= found(thread)
    assert found(core) >= {RATIONALE, EVIDENCE, TESTIMONIAL, BALLOT, RECUSAL, REASONS}
    assert found(client_for("outsider").get(f"/nominations/{pk}/").content.decode()) == set()


def test_it_keeps_ballots_decisions_and_feedback_from_the_invited_maintainer(planted, client_for):
    """Invited maintainers read the evidence thread (DESIGN.md: "evidence threads of
    nominations to their module, when invited"); ballot comments are "read by the core
    maintainers after the close" (the ballot form's own help text)."""
    client = client_for("maintainer")
    private = {BALLOT, REASONS, TO_NOMINEE, TO_NOMINATORS, RECUSAL}

    seen = {
        name: found(client.get(planted[name].get_absolute_url()).content.decode(), private)
        for name in ("from_request", "persona", "accepted", "voting")
    }

    assert seen == {"from_request": set(), "persona": set(), "accepted": set(), "voting": set()}
    assert_outsider_and_anonymous_see_nothing(client_for, planted["persona"].get_absolute_url())


def assert_outsider_and_anonymous_see_nothing(client_for, url: str) -> None:
    assert client_for("outsider").get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 302


def test_it_keeps_the_staff_admin_to_the_state_of_each_nomination(planted, client_for):
    client = client_for("staff")
    feedback_rows = Notification.objects.filter(event_key__startswith="nomination-feedback:")
    pages = [
        "/admin/",
        "/admin/nominations/nomination/",
        "/admin/nominations/nominationrequest/",
        "/admin/governance/notification/",
        "/admin/governance/auditevent/",
        *[f"/admin/nominations/nomination/{n.pk}/change/" for n in planted.values()],
        *[
            f"/admin/governance/notification/{pk}/change/"
            for pk in feedback_rows.values_list("pk", flat=True)
        ],
    ]

    responses = {page: client.get(page) for page in pages}

    assert {page: r.status_code for page, r in responses.items() if r.status_code != 200} == {}
    bodies = {page: r.content.decode() for page, r in responses.items()}
    assert {page: found(body) for page, body in bodies.items() if found(body)} == {}
    for viewer in ("outsider", "anonymous"):
        response = client_for(viewer).get("/admin/nominations/nomination/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


# Notifications and emails -------------------------------------------------------------------------


def test_it_sends_each_persona_only_the_canaries_the_policy_allows(planted, request):
    seen = {}
    for name in ("outsider", "staff", "nominee", "nominator", "maintainer"):
        rows = Notification.objects.filter(recipient=request.getfixturevalue(name))
        seen[name] = {
            f"{row.channel}: {row.subject}": found(row.subject + row.body) - ALLOWED[name]
            for row in rows
            if found(row.subject + row.body) - ALLOWED[name]
        }

    assert seen == {name: {} for name in seen}


def test_it_emails_no_private_text_to_anyone(planted, mailoutbox):
    assert len(mailoutbox) > 20, "the planted nominations queued too few emails"

    leaked = {
        (tuple(mail.to), mail.subject): found(mail.subject + mail.body)
        for mail in mailoutbox
        if found(mail.subject + mail.body)
    }

    assert leaked == {}


def test_it_emails_the_declined_nominees_name_only_to_those_who_know_it(
    planted, build, mailoutbox, outsider, staff
):
    """The core team, the invited maintainer and the requester who nominated them know the
    name; the other personas never receive it."""
    others = {build.nominee.email, outsider.email, staff.email}
    to_others = [mail for mail in mailoutbox if set(mail.to) & others]

    assert to_others, "no email went to the other personas"
    assert [mail.subject for mail in to_others if DECLINED_NAME in mail.subject + mail.body] == []
