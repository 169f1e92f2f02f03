""" "What was withheld" counts a reason once, whatever its case, spacing or number."""

import pytest

from meetings import services
from meetings.redaction import grouped_reasons
from tests.meetings.conftest import new_meeting, publish

pytestmark = pytest.mark.django_db


def test_it_groups_reasons_that_differ_only_in_case_spacing_or_number():
    log = {"Specific example": 1, "specific examples ": 1, "names": 2, "Access": 1, "access": 1}

    assert grouped_reasons(log) == [("Specific example", 2), ("names", 2), ("Access", 2)]


def test_it_shows_one_line_per_reason_on_the_public_page(client, lead, core1, core2):
    meeting = new_meeting(core1)
    services.agenda_item_add(
        actor=core1,
        meeting=meeting,
        title="Nominations",
        notes="- [redact: Specific example]A[/redact]\n- [redact: specific examples]B[/redact]",
    )
    publish(meeting, core1, lead, core2)

    content = client.get(meeting.get_absolute_url()).content.decode()

    assert "<li>Specific example: 2</li>" in content
    assert "Specific examples" not in content
