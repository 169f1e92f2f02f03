"""Search on both databases: private search finds an item by its notes, its decisions or its
action items; on PostgreSQL it reads the stored, GIN-indexed documents, which follow every edit."""

import pytest
from django.db import connection

from meetings import selectors, services
from meetings.models import DecisionOutcome
from tests.meetings.conftest import add_public_item

pytestmark = pytest.mark.django_db


def test_it_finds_an_item_by_its_notes_decision_or_action_item_once_each(core1, draft_meeting):
    by_notes = add_public_item(core1, draft_meeting, title="Notes", notes="- the zephyrine plan")
    by_decision = add_public_item(core1, draft_meeting, title="Decided")
    services.decision_add(
        actor=core1, item=by_decision, outcome=DecisionOutcome.FOLLOW_UP, text="Zephyrine it is."
    )
    by_action = add_public_item(core1, draft_meeting, title="Acted")
    services.action_item_add(actor=core1, item=by_action, text="Draft the zephyrine proposal")
    services.action_item_add(actor=core1, item=by_action, text="Review the zephyrine draft")
    add_public_item(core1, draft_meeting, title="Unrelated", notes="- something else")

    found = selectors.search_private("zephyrine")

    assert sorted(item.pk for item in found) == sorted([by_notes.pk, by_decision.pk, by_action.pk])


def test_it_keeps_the_stored_document_in_step_with_each_edit(postgres, core1, draft_meeting):
    item = add_public_item(core1, draft_meeting, title="Topic", notes="- the quokkaish plan")
    assert [found.pk for found in selectors.search_private("quokkaish")] == [item.pk]

    services.agenda_item_update(
        actor=core1, item=item, data={"title": "Topic", "notes": "- the wombatish plan"}
    )

    assert selectors.search_private("quokkaish") == []
    assert [found.pk for found in selectors.search_private("wombatish")] == [item.pk]


@pytest.mark.parametrize(
    "table",
    [
        "meetings_minutesversion",
        "meetings_agendaitem",
        "meetings_meetingdecision",
        "meetings_actionitem",
    ],
)
def test_it_answers_search_from_the_gin_index(postgres, table):
    with connection.cursor() as cursor:
        # The test tables are too small for the planner to prefer an index on its own.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM {table} "
            "WHERE search_document @@ websearch_to_tsquery('english', 'quantization')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert f"{table}_search_idx" in plan
