"""Everything the agenda item page sends in one submit, saved together or not at all.

Minute-taking is live work: a writer types notes, a decision and an action item, then presses
one button. Each part is saved by its own service, inside one transaction, so that no button
saves one part and drops the text of another."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from meetings.models import ActionItem, AgendaItem, MeetingDecision
from meetings.services.agenda import (
    action_item_add,
    action_item_update,
    agenda_item_update,
    decision_add,
    decision_remove,
)


class ItemPartError(ValidationError):
    """A refusal of one part of the page (`item`, `decision`, `action`, `status`), so that it
    is shown beside the part it concerns."""

    def __init__(self, part: str, error: ValidationError) -> None:
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.part = part


@dataclass
class ItemPageChanges:
    """What one submit of the page asks for; an empty part asks for nothing."""

    item_fields: dict = field(default_factory=dict)
    decision: dict | None = None
    action: dict | None = None
    statuses: dict[ActionItem, str] = field(default_factory=dict)
    remove_decision: MeetingDecision | None = None


def _part(name: str, change) -> None:
    try:
        change()
    except ValidationError as error:
        raise ItemPartError(name, error) from error


@sensitive_variables()
@transaction.atomic
def agenda_item_page_save(*, actor, item: AgendaItem, changes: ItemPageChanges) -> list[str]:
    """Save every part that changed; return what was saved, in words, for the message."""
    saved = []
    if changes.item_fields:
        _part("item", lambda: agenda_item_update(actor=actor, item=item, data=changes.item_fields))
        saved.append("the notes")
    for action_item, status in changes.statuses.items():
        try:
            action_item_update(actor=actor, action_item=action_item, status=status)
        except ValidationError as error:
            raise ItemPartError("status", error) from error
    if changes.statuses:
        saved.append("the action items' statuses")
    if changes.remove_decision is not None:
        _part("decision", lambda: decision_remove(actor=actor, decision=changes.remove_decision))
        saved.append("the removal of a decision")
    if changes.decision is not None:
        _part("decision", lambda: decision_add(actor=actor, item=item, **changes.decision))
        saved.append("the decision")
    if changes.action is not None:
        _part("action", lambda: action_item_add(actor=actor, item=item, **changes.action))
        saved.append("the action item")
    return saved
