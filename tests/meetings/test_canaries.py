"""Canaries planted in every private place of a published meeting (see `canary_meeting`) never
reach anything the public or a non-member can read: pages, feed, calendar, export, search, and
the inbox and email of people who are not core maintainers."""

import pytest

from governance.models import Notification
from meetings import services
from meetings.models import MinutesVersion
from tests.meetings.conftest import CANARIES, PUBLIC_WORD, add_public_item, new_meeting, publish

pytestmark = pytest.mark.django_db

PUBLIC_VIEWERS = ("anonymous", "maintainer", "nominator", "nominee", "outsider", "staff")


def assert_no_canary(text: str, where: str) -> None:
    leaked = [canary for canary in CANARIES if canary.lower() in text.lower()]
    assert not leaked, f"{where} leaks {leaked}"


def public_urls(meeting) -> list[str]:
    slug = meeting.slug
    return [
        "/",
        "/meetings/",
        f"/meetings/{slug}/",
        f"/meetings/{slug}/v/1/",
        "/meetings/feed/",
        "/meetings/calendar.ics",
        f"/meetings/export.md?m={slug}",
        f"/meetings/search/?q={PUBLIC_WORD}",
        "/meetings/search/?q=redacted",
        "/meetings/action-items/",
    ]


@pytest.mark.parametrize("viewer", PUBLIC_VIEWERS)
def test_it_never_shows_a_canary_to_the_public(client_for, canary_meeting, viewer):
    client = client_for(viewer)

    for url in public_urls(canary_meeting):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert_no_canary(response.content.decode(), f"{url} for {viewer}")


@pytest.mark.parametrize("viewer", PUBLIC_VIEWERS)
def test_it_finds_nothing_when_the_public_searches_for_a_secret(client_for, canary_meeting, viewer):
    client = client_for(viewer)

    for canary in CANARIES:
        content = client.get("/meetings/search/", {"q": canary}).content.decode()
        # The page repeats the query the searcher typed; it must list no result.
        assert 'class="results"' not in content, canary


def test_it_publishes_the_public_parts_and_counts_the_rest(canary_meeting):
    version = MinutesVersion.objects.get(meeting=canary_meeting)

    assert PUBLIC_WORD in version.markdown
    assert "[specific examples redacted]" in version.markdown
    assert "The security process was reviewed." in version.markdown
    assert "An agenda item was withheld from the public minutes." in version.markdown
    assert version.redaction_log == {
        "names": 1,
        "specific examples": 1,
        "personal": 2,
        "private agenda item": 1,
    }
    assert_no_canary(version.markdown + version.html, "the published version")


def test_it_never_sends_a_canary_to_a_non_member(canary_meeting, maintainer, nominee, outsider):
    """Inbox and email rows of the outbox (an email is sent as its row says). The maintainer
    owns both action items, one under the private item; the nominee attended, and is told of
    the publication."""
    for person in (maintainer, nominee, outsider):
        for notification in Notification.objects.filter(recipient=person):
            assert_no_canary(
                f"{notification.subject}\n{notification.body}\n{notification.url}",
                f"a notification to {person}",
            )
    assert Notification.objects.filter(recipient=maintainer, subject__contains="action item")
    assert Notification.objects.filter(recipient=nominee, subject__startswith="Minutes published")


def test_it_shows_every_canary_to_core_maintainers_so_the_checks_above_can_fail(
    core1_client, canary_meeting
):
    content = core1_client.get(canary_meeting.get_edit_url()).content.decode()

    for canary in CANARIES:
        assert canary in content


CANARY_CHANGE_NOTE = "QXCANARYCHANGENOTE"


def test_it_redacts_the_change_note_of_a_correction_everywhere(
    client_for, canary_meeting, lead, core1, core2
):
    summary_item = canary_meeting.agenda_items.get(title="Security process")
    services.agenda_item_update(
        actor=core1, item=summary_item, data={"public_summary": "Reviewed again."}
    )
    services.minutes_submit(
        actor=core1,
        meeting=canary_meeting,
        change_note=f"Withheld [redact: names]{CANARY_CHANGE_NOTE}[/redact] by request.",
    )
    for approver in (lead, core2):
        services.minutes_review(actor=approver, meeting=canary_meeting, verdict="approve")

    version = MinutesVersion.objects.get(meeting=canary_meeting, number=2)
    assert version.change_note == "Withheld [names redacted] by request."
    assert version.redaction_log["names"] == 2  # the title's span, and the note's
    for viewer in PUBLIC_VIEWERS:
        client = client_for(viewer)
        for url in [*public_urls(canary_meeting), f"/meetings/{canary_meeting.slug}/v/2/"]:
            content = client.get(url).content.decode()
            assert CANARY_CHANGE_NOTE not in content, f"{url} for {viewer}"
    page = client_for("anonymous").get(f"/meetings/{canary_meeting.slug}/").content.decode()
    assert "Withheld [names redacted] by request." in page


HIDDEN_CANARIES = {
    "image alt text": "QXCANARYALT",
    "image address": "QXCANARYIMAGEURL",
    "link title": "QXCANARYLINKTITLE",
    "unused reference definition": "QXCANARYREFERENCE",
    "code fence info": "QXCANARYFENCEINFO",
    "refused address": "QXCANARYFTP",
}


def test_it_publishes_nothing_the_preview_leaves_out(client_for, lead, core1, core2):
    hidden = HIDDEN_CANARIES
    meeting = new_meeting(core1, title="Hidden text meeting")
    add_public_item(
        core1,
        meeting,
        title=f"Design ![{hidden['image alt text']}](https://example.org/a.png)",
        notes=(
            f"- {PUBLIC_WORD}: ![diagram](https://example.org/{hidden['image address']}.png)\n"
            f'- See [the RFC](https://example.org/rfc "{hidden["link title"]}")\n'
            f"- Mirror: [files](ftp://{hidden['refused address']}.example.org/)\n\n"
            f"[spare]: https://{hidden['unused reference definition']}.example.org\n\n"
            f"```{hidden['code fence info']}\nrun()\n```\n"
        ),
    )
    publish(meeting, core1, lead, core2)

    version = MinutesVersion.objects.get(meeting=meeting)
    assert PUBLIC_WORD in version.markdown
    assert "[the RFC](<https://example.org/rfc>)" in version.markdown
    for viewer in PUBLIC_VIEWERS:
        client = client_for(viewer)
        for url in public_urls(meeting):
            content = client.get(url).content.decode()
            for place, canary in hidden.items():
                assert canary not in content, f"{url} for {viewer} shows the {place}"
        for canary in hidden.values():
            content = client.get("/meetings/search/", {"q": canary}).content.decode()
            assert 'class="results"' not in content, canary
