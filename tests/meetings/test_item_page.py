"""The agenda item page is one form: every button saves everything typed on it, together or
not at all, and a refused submit gives every field back as it was typed."""

import pytest

from meetings import services
from meetings.models import ActionItemStatus, MeetingDecision

pytestmark = pytest.mark.django_db

NOTES = "- Typed notes that must survive."


def item_url(meeting, item, tail: str = "") -> str:
    return f"/meetings/{meeting.slug}/items/{item.pk}/{tail}"


def everything_typed(item, **extra) -> dict:
    return {
        "title": "Release plan",
        "visibility": "public",
        "notes": NOTES,
        "decision-outcome": "accepted",
        "decision-text": "Ship it in March.",
        "action-text": "Write the release notes.",
        **extra,
    }


def test_it_saves_the_notes_the_decision_and_the_action_item_from_the_decision_button(
    core1_client, draft_meeting
):
    item = draft_meeting.agenda_items.get()

    response = core1_client.post(
        item_url(draft_meeting, item, "decisions/"), everything_typed(item)
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.notes == NOTES
    assert [(d.outcome, d.text) for d in item.decisions.all()] == [
        ("accepted", "Ship it in March.")
    ]
    assert [a.text for a in item.action_items.all()] == ["Write the release notes."]


def test_it_gives_back_everything_typed_when_one_part_is_refused(core1_client, draft_meeting):
    item = draft_meeting.agenda_items.get()
    typed = everything_typed(item, notes="ok\n[redact: names]Jane")

    response = core1_client.post(item_url(draft_meeting, item, "action-items/"), typed)

    content = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem: nothing was saved" in content
    for text in ("ok\n[redact: names]Jane", "Ship it in March.", "Write the release notes."):
        assert text in content
    assert '<option value="accepted" selected>' in content
    item.refresh_from_db()
    assert "Jane" not in item.notes
    assert not item.decisions.exists()
    assert not item.action_items.exists()


def test_it_insists_on_an_outcome_from_the_decision_button_and_keeps_the_notes(
    core1_client, draft_meeting
):
    item = draft_meeting.agenda_items.get()
    typed = everything_typed(item, **{"decision-outcome": "", "decision-text": ""})

    response = core1_client.post(item_url(draft_meeting, item, "decisions/"), typed)

    assert response.status_code == 400
    assert "Choose the outcome to record a decision." in response.content.decode()
    assert NOTES in response.content.decode()


def test_it_removes_a_decision_and_saves_the_statuses_and_notes_in_the_same_submit(
    core1_client, core1, draft_meeting
):
    item = draft_meeting.agenda_items.get()
    decision = services.decision_add(actor=core1, item=item, outcome="accepted")
    action = services.action_item_add(actor=core1, item=item, text="Draft the plan.")
    typed = everything_typed(
        item,
        **{"decision-outcome": "", "decision-text": "", "action-text": "",
           f"status-{action.pk}-status": "done"},
    )  # fmt: skip

    response = core1_client.post(
        f"/meetings/{draft_meeting.slug}/decisions/{decision.pk}/remove/", typed
    )

    assert response.status_code == 302
    assert not MeetingDecision.objects.filter(pk=decision.pk).exists()
    action.refresh_from_db()
    item.refresh_from_db()
    assert action.status == ActionItemStatus.DONE
    assert item.notes == NOTES


def test_it_saves_nothing_and_says_so_when_nothing_changed(core1_client, core1, draft_meeting):
    item = draft_meeting.agenda_items.get()
    services.minutes_submit(actor=core1, meeting=draft_meeting)
    page = core1_client.get(item_url(draft_meeting, item))
    assert "data-warn-unsaved" in page.content.decode()
    unchanged = {"title": item.title, "visibility": item.visibility, "notes": item.notes}

    response = core1_client.post(item_url(draft_meeting, item), unchanged, follow=True)

    assert "Nothing had changed." in response.content.decode()
    draft_meeting.refresh_from_db()
    assert draft_meeting.status == "in_review"  # an unchanged save withdrew no review
