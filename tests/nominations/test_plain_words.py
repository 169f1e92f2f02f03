"""People are told plainly what happened: the last ballot's message and the close time, the
decision form that starts from what the vote reached, the feedback page, the nominator's list,
who is invited into the thread, and names with their handles."""

import pytest
from django.db import transaction

from governance.services import notification_queue
from nominations import services
from nominations.models import NominationKind, Outcome
from tests.nominations.conftest import PASSING_VOTES, fresh

pytestmark = pytest.mark.django_db


def test_it_says_the_last_ballot_closed_the_vote_and_shows_the_close_time(build, client_for):
    nomination = build.voting(kind=NominationKind.MODULE_MAINTAINER)
    *first, (last_voter, last_choice) = zip(build.electorate, PASSING_VOTES, strict=True)
    build.vote(nomination, dict(first))
    client = client_for(last_voter.username)

    response = client.post(
        f"/nominations/{nomination.pk}/vote/", {"choice": last_choice}, follow=True
    )

    content = response.content.decode()
    closed_at = fresh(nomination).voting_closed_at
    assert "the vote has closed and passed" in content
    assert "You may change it until the close" not in content
    assert f'Closed on\n        <time datetime="{closed_at.isoformat()}' in content


def test_it_preselects_what_the_vote_reached_and_says_when_another_decision_is_allowed(
    failed_nomination, client_for
):
    content = client_for("core2").get(failed_nomination.get_absolute_url()).content.decode()

    assert 'value="declined" required id="id_outcome_1" checked' in content
    assert "a nomination whose vote did not pass cannot be accepted" in content
    assert "<legend>Outcome:</legend>" in content  # the radio group in a fieldset


def test_it_tells_the_nominee_the_outcome_role_date_and_what_next_with_a_link_back(
    declined_nomination, client_for
):
    response = client_for("nominee").get(f"/nominations/{declined_nomination.pk}/feedback/")

    content = response.content.decode()
    assert "<dt>Outcome</dt><dd><strong>Declined</strong></dd>" in content
    assert f"<dt>Role</dt><dd>{declined_nomination.role_title}</dd>" in content
    assert f"<dt>Module</dt><dd>{declined_nomination.module.name}</dd>" in content
    assert "<dt>Released</dt>" in content
    assert "You may nominate again at any time" in content
    assert 'href="/nominations/">Back to your dashboard</a>' in content


def test_it_shows_the_nominator_the_outcome_only_once_the_feedback_is_released(build, client_for):
    released = build.decided(outcome=Outcome.DECLINED)
    held = build.decided(
        outcome=Outcome.DECLINED, release=False, nominee=build.person("Ana Lima", "alima")
    )

    content = client_for("nominator").get("/nominations/").content.decode()

    mine = content.split('id="mine-heading"', 1)[1].split("</section>", 1)[0]
    assert f'href="/nominations/{released.pk}/feedback/">' in mine
    assert '<span class="badge">Declined</span>' in mine
    assert '<span class="badge">Decided; the feedback is on its way</span>' in mine
    assert f"/nominations/{held.pk}/feedback/" not in mine
    assert ">Decided<" not in mine


def test_it_lists_who_is_invited_with_their_evidence_and_names_people_with_handles(
    build, client_for
):
    nomination = build.opened()  # the maintainer is invited and has added evidence
    other = build.opened(evidence=False, nominee=build.person("Ana Lima", "alima"))

    content = client_for("core1").get(nomination.get_absolute_url()).content.decode()
    without = client_for("core1").get(other.get_absolute_url()).content.decode()

    assert "Hana Sato (@hsato): has added evidence" in content
    assert "Hana Sato (@hsato): no evidence yet" in without
    assert "nominated by Lucas Moreau (@lmoreau)" in content
    assert "Priya Raman (@praman) ·" in content  # core1's evidence
    assert '<label for="id_users_0"><input type="checkbox" name="users" value=' in content
    assert "Hana Sato (@hsato)</label>" in content


def test_it_tells_an_invited_maintainer_who_arrives_after_the_close(build, client_for):
    nomination = build.closed(passed=True)

    content = client_for("maintainer").get(nomination.get_absolute_url()).content.decode()

    assert "The vote on this nomination has closed, so evidence can no longer be added." in content
    assert 'name="body"' not in content


def test_it_shows_inbox_previews_as_plain_text_with_the_unread_count(core2, client_for):
    client = client_for("core2")
    client.post("/inbox/")  # mark what the personas' setup sent as read
    with transaction.atomic():
        notification_queue(
            event_key="test:markdown-body",
            recipients=[core2],
            subject="Evidence was added",
            body="**Strong** work on `torch.nn`, see [the thread](https://example.org/t).",
            url="/nominations/",
        )

    content = client.get("/inbox/").content.decode()

    assert '<span class="badge warn">1 unread</span>' in content
    assert "<p>Strong work on torch.nn, see the thread.</p>" in content
    assert "**" not in content


def test_it_keeps_the_module_name_as_written_in_the_announcement(announced_nomination):
    text = announced_nomination.announcement.text

    assert text == "Please welcome Mei Tanaka as module maintainer of NN APIs (torch.nn)."


def test_it_lists_only_criteria_on_the_criteria_page(client):
    content = client.get("/become-a-maintainer/").content.decode()

    assert "<li>Issue triage</li>" in content
    assert "Negative testimonial" not in content
    assert "<li>General</li>" not in content


def test_it_previews_and_saves_the_announcement_text_before_the_release(build, client_for):
    nomination = build.decided(outcome=Outcome.ACCEPTED, release=False)
    client = client_for("core2")
    url = f"/nominations/{nomination.pk}/announcement/"
    text = "Please welcome Ife Okonkwo, who keeps the torch.nn tests green, as module maintainer."

    preview = client.post(url, {"text": text, "preview": "1"})
    saved = client.post(url, {"text": text})

    assert preview.status_code == 200
    assert f"what everyone will read</h3>\n            <p>{text}</p>" in preview.content.decode()
    assert saved.status_code == 302
    assert fresh(nomination).announcement.text == text
    services.feedback_release(actor=build.core1, nomination=nomination)
    services.announcement_release(actor=build.core2, nomination=nomination)
    refused = client.post(url, {"text": "Too late."})
    assert refused.status_code == 409
    assert fresh(nomination).announcement.text == text
