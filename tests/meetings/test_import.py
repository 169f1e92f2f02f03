"""Importing minutes: the reference file item by item, Markdown, and what is never dropped."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from meetings import services
from meetings.minutes_parser import OUTSIDE_ITEMS_TITLE, parse_minutes
from meetings.models import ActionItem, DecisionOutcome, Meeting, MeetingStatus, Visibility
from tests.meetings.conftest import REFERENCE_MINUTES

pytestmark = pytest.mark.django_db

# (title, added on the day, [(decision outcome, text starts with)], [action item starts with],
#  a line its notes contain)
MARCH_2023 = [
    (OUTSIDE_ITEMS_TITLE, False, [], [], "Notes from Recent Core Maintainers Meetings"),
    ("Considered Module Maintainer Nominations", False, [], [], "- [specific examples redacted]"),
    ("Considered one new Core Maintainer Nomination", False, [], [], "  - Notification will"),
    (
        "Is there an essential competitive threat in the popularity of Transformers and how "
        "should PyTorch react?",
        True,
        [(DecisionOutcome.FOLLOW_UP, "Greg, Dima, and Soumith")],
        [],
        "  - PyTorch Distributed, FSDP, 3D parallelism",
    ),
    (
        "Should we add Safe Tensor support to PyTorch?",
        True,
        [(DecisionOutcome.REJECTED, "rejected based on coverage")],
        [],
        "- Nested types are rare but views are pretty core.",
    ),
]
OCTOBER_2022 = [
    (
        "Distinction between PR review policies and maintainers",
        False,
        [
            (DecisionOutcome.FOLLOW_UP, "if a person has track record"),
            (DecisionOutcome.REJECTED, "Reject"),
        ],
        [],
        "- Might be useful for areas with review shortage, e.g. CPU/Backend",
    ),
    (
        "Discuss nomination of an additional maintainer",
        False,
        [(DecisionOutcome.REJECTED, "Nomination not approved.")],
        [],
        "    - “Promotion should be trailing”",
    ),
    (
        "“What are the qualification criteria for a contributor to become a maintainer?”",
        False,
        [(DecisionOutcome.NO_ACTION, "No action was taken.")],
        [],
        "- Escalation for special situations is also possible",
    ),
    (
        "What to include or redact from minutes of maintainership from this meeting",
        False,
        [(DecisionOutcome.FOLLOW_UP, "Maintainers to review notes")],
        [],
        "",
    ),
    (
        "Discuss proposal for code review tiers",
        False,
        [(DecisionOutcome.FOLLOW_UP, "Assigned some follow up actions.")],
        ["open up merge rules?"],
        "- People will not be able to merge things as is today, [AI] open up merge rules?",
    ),
    # "Open AI:" is an item of its own, not part of the item above.
    ("Open action items", False, [], ["Remove metamates", "Make sure merge rules.json"], ""),
    (
        "Requests from vendors to add types (into pytorch core) i.e. FP8 (nvidia)",
        False,
        [(DecisionOutcome.REFERRED, "Use the normal RFC / Design review process.")],
        ["Ask AO people to review/develop FP8"],
        "1 Like",
    ),
]


@pytest.fixture
def reference_text() -> str:
    if not REFERENCE_MINUTES.exists():
        pytest.skip(f"The reference minutes are not at {REFERENCE_MINUTES} (../shared/reference).")
    return REFERENCE_MINUTES.read_text(encoding="utf-8")


def check_meeting(meeting: Meeting, expected: list) -> None:
    items = list(
        meeting.agenda_items.order_by("order").prefetch_related("decisions", "action_items")
    )
    assert [item.title for item in items] == [spec[0] for spec in expected]
    for item, (title, day_of, decisions, actions, note) in zip(items, expected, strict=True):
        assert item.added_day_of_meeting is day_of, title
        got = [(d.outcome, d.text) for d in item.decisions.order_by("created_at", "pk")]
        assert [outcome for outcome, _ in got] == [outcome for outcome, _ in decisions], title
        for (_, text), (_, start) in zip(got, decisions, strict=True):
            assert text.startswith(start), title
        texts = [a.text for a in item.action_items.order_by("created_at", "pk")]
        assert len(texts) == len(actions), title
        for text, start in zip(texts, actions, strict=True):
            assert text.startswith(start), title
        assert note in item.notes, title
        assert item.visibility == Visibility.PRIVATE


def test_it_imports_the_reference_minutes_item_by_item(core1, reference_text):
    meetings = services.minutes_import(actor=core1, text=reference_text, source="reference")

    october, march = meetings
    assert (october.title, october.starts_at.date()) == (
        "Core Maintainers Meeting October 2022",
        datetime.date(2022, 10, 1),
    )
    assert (march.title, march.starts_at.date()) == (
        "Core Maintainers Meeting March 24th, 2023",
        datetime.date(2023, 3, 24),
    )
    assert {october.status, march.status} == {MeetingStatus.DRAFT}
    check_meeting(march, MARCH_2023)
    check_meeting(october, OCTOBER_2022)
    # October's open action items carried over into March, the next meeting.
    assert set(march.carried_action_items.all()) == set(
        ActionItem.objects.filter(agenda_item__meeting=october)
    )


def test_it_keeps_every_word_of_the_reference(reference_text):
    kept = []
    for meeting in parse_minutes(reference_text):
        kept.append(meeting.title)
        for item in meeting.items:
            kept += [item.title, *item.notes, *(d.text for d in item.decisions)]
            kept += [action.text for action in item.actions]
    kept_text = "\n".join(kept)

    for line in reference_text.splitlines():
        # Bullets, "[AI]", "Open AI:", "Decision:" and the day-of-meeting flag become structure.
        for label in ("•", "[AI]", "Open AI:", "Decision:"):
            line = line.replace(label, "")
        for word in line.replace("[Agenda item added day-of-meeting]", "").split():
            assert word in kept_text, f"{word!r} from {line!r} was dropped"


def test_it_imports_markdown_with_headings_flags_and_nested_bullets(core1):
    text = (
        "# Triage meeting 2024-05-02\n\n"
        "## Flaky tests [Agenda item added day-of-meeting]\n\n"
        "- Too many\n  - on CUDA\n\n"
        "**Decision:** deferred to next week\n\n"
        "## Release\n\n"
        "Some paragraph the parser does not know.\n\n"
        "- [AI] Cut the branch\n"
    )

    (meeting,) = services.minutes_import(actor=core1, text=text)

    flaky, release = meeting.agenda_items.order_by("order")
    assert meeting.kind == "other"
    assert (flaky.title, flaky.added_day_of_meeting) == ("Flaky tests", True)
    assert flaky.notes == "- Too many\n  - on CUDA"
    assert flaky.decisions.get().outcome == DecisionOutcome.DEFERRED
    assert release.notes == "Some paragraph the parser does not know."
    assert release.action_items.get().text == "Cut the branch"


def test_it_reads_a_meeting_heading_by_the_date_that_ends_it():
    (meeting,) = parse_minutes("##  Core   Maintainers meeting,   March 24th,  2023  ##\nItem\n- x")

    assert (meeting.title, meeting.date) == (
        "Core Maintainers meeting, March 24th, 2023",
        datetime.date(2023, 3, 24),
    )
    assert parse_minutes("- Meeting March 2023\nItem\n- x")[0].date is None
    assert parse_minutes("Meeting in March 2023 was long\nItem\n- x")[0].date is None


def test_it_imports_text_without_any_structure_as_a_private_item(core1):
    (meeting,) = services.minutes_import(actor=core1, text="just a line\nand another")

    item = meeting.agenda_items.get()
    assert (item.title, item.visibility) == (OUTSIDE_ITEMS_TITLE, Visibility.PRIVATE)
    assert item.notes == "just a line\nand another"


def test_it_refuses_an_import_with_broken_redaction_markup_and_keeps_nothing(core1):
    text = "## Call 2024-01-01\n\n### Item\n\n- [redact: x]never closed\n"

    with pytest.raises(Exception, match="never closed"):
        services.minutes_import(actor=core1, text=text)

    assert not Meeting.objects.exists()


def test_it_imports_from_the_command_line(core1, reference_text, tmp_path):
    path = tmp_path / "minutes.txt"
    path.write_text(reference_text, encoding="utf-8")

    call_command("import_minutes", str(path))

    assert Meeting.objects.count() == 2


def test_it_refuses_a_binary_file_from_the_command_line(tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(b"%PDF-1.7\x00\x01")

    with pytest.raises(CommandError, match="binary"):
        call_command("import_minutes", str(path))
    assert not Meeting.objects.exists()
