"""Meetings, minutes and action items.

They are passed in as objects and only their attributes are read, so that the policy depends on
no other app. `None` as the actor is the system itself: a management command or a beat scan."""

from governance.permissions.roles import User, is_core_maintainer

__all__ = [
    "can_edit_minutes",
    "can_manage_meetings",
    "can_publish_minutes",
    "can_retract_minutes",
    "can_review_minutes",
    "can_search_private_notes",
    "can_see_own_action_items",
    "can_update_action_item_status",
    "can_view_meeting_draft",
    "is_action_item_owner",
]


def can_manage_meetings(actor: User | None) -> bool:
    """Create meetings, import minutes, see the drafts."""
    return actor is None or is_core_maintainer(actor)


def can_view_meeting_draft(user: User | None, meeting) -> bool:
    """The private working copy: agenda, notes with their redaction markup, the review."""
    return can_manage_meetings(user)


def can_edit_minutes(actor: User | None, meeting) -> bool:
    return can_manage_meetings(actor)


def can_review_minutes(user: User, meeting) -> bool:
    """Approve or object: core maintainers (people, never the system), while in review."""
    return meeting.is_in_review and user is not None and is_core_maintainer(user)


def can_publish_minutes(actor: User | None, meeting) -> bool:
    """Asks who may publish; whether the review allows it yet is the review policy's answer."""
    return can_manage_meetings(actor)


def can_retract_minutes(actor: User | None, version) -> bool:
    """Replace a published version with a notice of its retraction: any one core maintainer,
    never the system. Unlike publishing, it needs no majority: it takes text out of public view
    and publishes nothing, and a leak must come down at once. The other core maintainers are
    told, and whatever is published next goes through review again."""
    return actor is not None and is_core_maintainer(actor)


def can_search_private_notes(user: User) -> bool:
    return is_core_maintainer(user)


def can_see_own_action_items(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_action_item_owner(user: User, action_item) -> bool:
    return bool(user.is_authenticated and action_item.owners.filter(user_id=user.pk).exists())


def can_update_action_item_status(actor: User | None, action_item) -> bool:
    """Owners mark their own action items done; core maintainers any."""
    return can_manage_meetings(actor) or is_action_item_owner(actor, action_item)
