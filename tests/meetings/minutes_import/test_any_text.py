"""Any text imports or is refused with a clear message, never loses a non-blank line, and is
read in time linear in its size (counted in function calls, which do not flake)."""

import sys
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings import services
from meetings.minutes_lines import split_lines
from meetings.minutes_parser import MAX_IMPORT_BYTES, ImportRejected, parse_minutes
from meetings.models import AgendaItem, Meeting, Visibility

FRAGMENTS = [
    "\n", "\n\n", "  ", "\t", "# ", "## ", "### ", "- ", "* ", "+ ", "1. ", "• ", "◦ ", "> ",
    "```\n", "===\n", "---\n", "**", "__", ":", "Present:", "**Attendees:**", "Absent", "Regrets:",
    "Chair:", "Minutes:", "Quorum", "Agenda", "Open AI:", "Action items", "AI:", "Action:",
    "TODO:", "[ ]", "[AI]", "(owner: ", "(owners: ", ")", "@ada", "Decision:", "Vote on ",
    "moved to approve", " seconded", "carried", "failed", "Response:", "Ada Example", ", ",
    "Approval of previous minutes", "meeting 2023-08-01", "Aug 1 2023", "30/9/24",
    "August 1st, 2023", "[Agenda item added day-of-meeting]", "Date: ", "Subject: ", "\r\n",
    "\r", "\u2028", "\x0c", "é", "<div>", "|a|b|", "[redact: ", "[/redact]",
]  # fmt: skip
minutes_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=60
).map("".join)


def non_blank_lines(text: str) -> set[int]:
    return {number for number, line in enumerate(split_lines(text), start=1) if line.strip()}


@given(minutes_text, st.booleans())
def test_it_imports_any_text_or_refuses_it_and_never_loses_a_line(text, day_first):
    if not text.strip() or "\x00" in text:
        with pytest.raises(ImportRejected, match=r"empty|NUL"):
            parse_minutes(text, day_first=day_first)
        return
    meetings = parse_minutes(text, day_first=day_first)

    assert meetings
    placed = set().union(*(meeting.lines for meeting in meetings))
    assert placed == non_blank_lines(text)
    for meeting in meetings:
        for item in meeting.items:
            assert item.title.strip()


@pytest.mark.django_db
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(minutes_text)
def test_it_saves_any_text_as_private_drafts_or_refuses_it_with_a_message(core1, text):
    refused, meetings = None, []
    with transaction.atomic():
        try:
            meetings = services.minutes_import(actor=core1, text=text)
        except ValidationError as error:
            refused = error
        items = set(
            AgendaItem.objects.filter(meeting__in=meetings).values_list("visibility", flat=True)
        )
        transaction.set_rollback(True)

    if refused is not None:
        assert refused.messages
        assert all(message.strip() for message in refused.messages)
    else:
        assert meetings
        assert items <= {Visibility.PRIVATE}
    assert not Meeting.objects.exists()  # rolled back, refused or not


def test_it_refuses_empty_binary_and_oversized_text_with_a_message():
    for text, message in [
        (" \n\t", "empty"),
        ("a\x00b", "NUL"),
        ("a" * (MAX_IMPORT_BYTES + 1), "1,000,000 bytes"),
    ]:
        with pytest.raises(ImportRejected, match=message):
            parse_minutes(text)


def calls_to_parse(text: str) -> int:
    calls = 0

    def count(frame, event, arg) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        parse_minutes(text)
    finally:
        sys.setprofile(None)
    return calls


ADVERSARIAL = [
    "meeting ",
    "meeting march ",
    "# a #",
    "- Decision: xreject ",
    "- [ ] @ada (owner: ",
    "Ada Example moved Ben Sample seconded ",
    "**Present:** a, b, ",
    "q: a\nResponse: b\n",
    "  - a\n    - b\n",
    "> - > 1. ",
    "[[[[((((****____",
    "Aug 1 2023 30/9/24 ",
    "\n\n",
]


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_it_reads_text_in_time_linear_in_its_size(unit):
    small = "x\n" + unit * (4_000 // len(unit))
    large = "x\n" + unit * (16_000 // len(unit))

    # Four times the text, at most four and a half times the calls (plus the fixed cost).
    assert calls_to_parse(large) <= 4.5 * calls_to_parse(small) + 2_000


def parse_seconds(text: str) -> float:
    """The least processor time of three parses: a busy machine only ever adds time."""
    times = []
    for _ in range(3):
        started = time.process_time()
        parse_minutes(text)
        times.append(time.process_time() - started)
    return min(times)


@pytest.mark.parametrize(
    "unit", [" ", "\t", "meeting march", "# a", "- Decision:", "*", "@", "(", " (owner", "x:"]
)
def test_it_reads_one_long_line_in_time_linear_in_its_size(unit):
    """Regular expressions backtrack inside C, where no call is counted: compare times of a
    line and of a line four times as long, with room for a busy machine."""
    small = "x " + unit * (60_000 // len(unit)) + " 2023"
    large = "x " + unit * (240_000 // len(unit)) + " 2023"

    assert parse_seconds(large) < 8 * parse_seconds(small) + 0.5
