"""Minute-taking is live work: on the agenda item page a core maintainer types in every field,
then uses every button, and nothing typed is ever lost. Leaving with unsaved text asks first."""

import pytest
from playwright.sync_api import Browser, Page, expect

from meetings import services
from meetings.models import ActionItem, AgendaItem, MeetingDecision
from tests.browser.conftest import sign_in_through_the_form
from tests.meetings.conftest import new_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

NOTES = "- The branch is cut on [redact: names]Jane's[/redact] signal."
SUMMARY = "Release planning."
DECISION = "Cut the branch on April 14."
ACTION = "Write the release notes."


def fill_everything(page: Page, round_: int) -> dict[str, str]:
    """Type in every field of the page; what was typed, by field id."""
    typed = {
        "id_title": f"Release plan {round_}",
        "id_notes": f"{NOTES} ({round_})",
        "id_public_summary": f"{SUMMARY} ({round_})",
        "id_decision-text": f"{DECISION} ({round_})",
        "id_action-text": f"{ACTION} ({round_})",
        "id_action-due_on": "2030-04-14",
    }
    for field_id, text in typed.items():
        page.locator(f"#{field_id}").fill(text)
    page.get_by_label("Added on the day").check()
    page.get_by_label("Summary only").check()
    page.locator("#id_presenters").select_option(label="Priya Raman (@praman)")
    page.locator("#id_decision-outcome").select_option(label="Accepted")
    page.locator("#id_action-owners").select_option(label="Jonas Keller (@jkeller)")
    return typed


@pytest.mark.slow(seconds=3)
@pytest.mark.timeout(120)
def test_it_keeps_everything_typed_whichever_button_is_used(
    live_server, browser: Browser, core1, core2
):
    meeting = new_meeting(core1, title="Core Maintainers Meeting April 2023")
    item = services.agenda_item_add(actor=core1, meeting=meeting, title="Release plan")
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/accounts/login/?next=/meetings/{meeting.slug}/items/{item.pk}/")
        sign_in_through_the_form(page, core1)

        # A refused submit (markup that does not parse) gives every field back as typed, with
        # the error summary focused.
        typed = fill_everything(page, 0)
        page.locator("#id_notes").fill("ok\n[redact: names]never closed")
        page.get_by_role("button", name="Add the action item").click()
        expect(page.locator("[data-error-summary]")).to_be_focused()
        for field_id, text in typed.items():
            if field_id != "id_notes":
                expect(page.locator(f"#{field_id}")).to_have_value(text)
        expect(page.locator("#id_notes")).to_have_value("ok\n[redact: names]never closed")
        expect(page.locator("#id_decision-outcome")).to_have_value("accepted")
        assert not MeetingDecision.objects.exists()

        # Each button saves everything typed, whichever part it is named for.
        for round_, button in enumerate(
            ["Record the decision", "Add the action item", "Save and preview"], start=1
        ):
            typed = fill_everything(page, round_)
            page.get_by_role("button", name=button).click()
            expect(page.get_by_text("Check the public preview")).to_be_visible()
            saved = AgendaItem.objects.get(pk=item.pk)
            assert saved.title == typed["id_title"]
            assert saved.notes == typed["id_notes"]
            assert saved.public_summary == typed["id_public_summary"]
            assert saved.added_day_of_meeting
            assert [p.github for p in saved.presenters.all()] == ["praman"]
            assert MeetingDecision.objects.filter(text=typed["id_decision-text"]).exists()
            action = ActionItem.objects.get(text=typed["id_action-text"])
            assert [p.github for p in action.owners.all()] == ["jkeller"]

        # The statuses and a removal go with what is typed, too.
        typed = fill_everything(page, 4)
        first_action = ActionItem.objects.order_by("pk").first()
        page.locator(f"#id_status-{first_action.pk}-status").select_option("done")
        page.get_by_role("button", name="remove").first.click()
        expect(page.get_by_text("the removal of a decision")).to_be_visible()
        first_action.refresh_from_db()
        assert first_action.status == "done"
        assert MeetingDecision.objects.count() == 3  # three recorded, one removed, one added
        assert AgendaItem.objects.get(pk=item.pk).notes == typed["id_notes"]

        # Leaving with unsaved text asks first; dismissing the question stays on the page.
        page.locator("#id_notes").fill("Typed, not saved.")
        dialogs = []
        page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
        page.get_by_role("link", name="Core Maintainers Meeting April 2023").click()
        expect(page.locator("#id_notes")).to_have_value("Typed, not saved.")
        assert dialogs == ["beforeunload"]
    finally:
        context.close()
