"""Each file of the minutes corpus parses to its expected structure, exactly, and imports as
private draft meetings with the same structure."""

import json

import pytest

from meetings import services
from meetings.models import Attendance, Meeting, Visibility
from tests.meetings.minutes_import.conftest import CORPUS, CORPUS_FILES, dry_run_json

pytestmark = pytest.mark.django_db


def test_it_has_a_corpus_of_at_least_ten_shapes_each_with_its_expected_structure():
    assert len(CORPUS_FILES) >= 10
    for name in CORPUS_FILES:
        assert (CORPUS / f"{name}.json").exists(), name


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_it_parses_each_corpus_file_to_its_expected_structure(roster, name):
    expected = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))

    assert dry_run_json(CORPUS / name) == expected
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_it_imports_each_corpus_file_as_private_drafts_matching_its_preview(roster, core1, name):
    expected = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    text = (CORPUS / name).read_text(encoding="utf-8")

    meetings = services.minutes_import(actor=core1, text=text, day_first="day_first" in name)

    by_title = {meeting["title"]: meeting for meeting in expected["meetings"]}
    assert sorted(meeting.title for meeting in meetings) == sorted(by_title)
    for meeting in meetings:
        preview = by_title[meeting.title]
        assert (meeting.starts_at.date().isoformat() if meeting.starts_at else None) == (
            preview["date"]
        )
        items = list(meeting.agenda_items.order_by("order"))
        assert [item.title for item in items] == [item["title"] for item in preview["items"]]
        assert {item.visibility for item in items} <= {Visibility.PRIVATE}
        for item, shown in zip(items, preview["items"], strict=True):
            assert item.is_vote is shown["vote"]
            assert item.notes == shown["notes"]
            assert [(d.text, d.outcome, d.moved_by or None, d.seconded_by or None)
                    for d in item.decisions.order_by("pk")] == [
                (d["text"], d["outcome"], d["mover"], d["seconder"]) for d in shown["decisions"]
            ]  # fmt: skip
            actions = list(item.action_items.order_by("pk").prefetch_related("owners"))
            assert [action.text for action in actions] == [
                action["text"] for action in shown["action_items"]
            ]
            for action, shown_action in zip(actions, shown["action_items"], strict=True):
                owners = shown_action["owners"]
                assert sorted(person.github for person in action.owners.all()) == sorted(
                    owner["person"]["github"] for owner in owners if owner["person"]
                )
                assert action.unmatched_owners == [
                    owner["as_written"] for owner in owners if owner["person"] is None
                ]
        attendance = Attendance.objects.filter(meeting=meeting).first()
        shown_attendance = preview["attendance"]
        if attendance is None:
            assert shown_attendance == {
                "present": [], "absent": [], "guests": [], "chair": "", "note_taker": "",
                "quorum": None,
            }  # fmt: skip
        else:
            assert {
                "present": attendance.present,
                "absent": attendance.absent,
                "guests": attendance.guests,
                "chair": attendance.chair,
                "note_taker": attendance.note_taker,
                "quorum": attendance.quorum or None,
            } == shown_attendance


def test_it_keeps_an_undated_import_out_of_the_calendar_and_dateless(core1, client):
    text = (CORPUS / "undated_notes.md").read_text(encoding="utf-8")

    (meeting,) = services.minutes_import(actor=core1, text=text)

    assert meeting.starts_at is None
    calendar = client.get("/meetings/calendar.ics").content.decode()
    assert "Docs working group" not in calendar
    assert "Imported minutes" not in calendar
    with pytest.raises(services.MeetingError, match="Set the meeting's date"):
        services.minutes_submit(actor=core1, meeting=meeting)


def test_it_fixes_the_defects_of_our_own_format(core1):
    """Each decision once, "(owners: …)" taken out of the text and set, and the bullets under
    "Open AI:" in an item of their own rather than in the item above."""
    text = (CORPUS / "ours_markdown.md").read_text(encoding="utf-8")

    (meeting,) = services.minutes_import(actor=core1, text=text)

    tiers, vendors, open_actions = meeting.agenda_items.order_by("order")
    assert tiers.decisions.count() == 1
    assert "create a core reviewers section" not in tiers.notes
    (asked,) = tiers.action_items.all()
    assert "owners" not in asked.text
    assert asked.unmatched_owners == ["Ben Sample", "Dee Person"]
    assert vendors.action_items.count() == 1
    assert open_actions.title == "Open action items"
    assert open_actions.action_items.get().text.startswith("Keep the merge rules")


def test_it_imports_notes_longer_than_an_item_holds_across_items_losing_nothing(core1):
    lines = [f"Line {number}: the runner budget was discussed again." for number in range(3_000)]
    text = "# Long call 2024-01-01\n\n## Budget\n\n" + "\n".join(lines) + "\n"

    (meeting,) = services.minutes_import(actor=core1, text=text)

    items = list(meeting.agenda_items.order_by("order"))
    assert len(items) >= 3
    assert [item.title for item in items] == [
        "Budget",
        *(f"Budget ({number})" for number in range(2, len(items) + 1)),
    ]
    assert "\n".join(item.notes for item in items).split("\n") == lines
