"""Every state change of meetings and their minutes.

Split by stage; callers use `from meetings import services` and the names below.
"""

from meetings.services.agenda import (
    action_item_add,
    action_item_update,
    action_items_carry_over,
    agenda_item_add,
    agenda_item_for_inactive,
    agenda_item_move,
    agenda_item_remove,
    agenda_item_update,
    decision_add,
    decision_remove,
    meeting_create,
    meeting_update,
)
from meetings.services.attendance import attendance_update
from meetings.services.common import MeetingError
from meetings.services.item_page import ItemPageChanges, ItemPartError, agenda_item_page_save
from meetings.services.minutes_import import minutes_import, minutes_import_preview
from meetings.services.retraction import minutes_version_retract
from meetings.services.review import (
    minutes_publish,
    minutes_publish_due,
    minutes_review,
    minutes_submit,
)

__all__ = [
    "ItemPageChanges",
    "ItemPartError",
    "MeetingError",
    "action_item_add",
    "action_item_update",
    "action_items_carry_over",
    "agenda_item_add",
    "agenda_item_for_inactive",
    "agenda_item_move",
    "agenda_item_page_save",
    "agenda_item_remove",
    "agenda_item_update",
    "attendance_update",
    "decision_add",
    "decision_remove",
    "meeting_create",
    "meeting_update",
    "minutes_import",
    "minutes_import_preview",
    "minutes_publish",
    "minutes_publish_due",
    "minutes_review",
    "minutes_submit",
    "minutes_version_retract",
]
