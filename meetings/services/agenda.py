"""The working copy: meetings, agenda items, decisions, action items and their carry-over."""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.debug import sensitive_variables

from governance import permissions
from governance.models import Role
from governance.services import audit_record, notification_queue
from governance.services.base import require, save_validated
from meetings.minutes import action_item_public_text
from meetings.models import (
    NOTES_MAX_LENGTH,
    RESERVED_SLUGS,
    TEXT_MAX_LENGTH,
    ActionItem,
    ActionItemStatus,
    AgendaItem,
    DecisionOutcome,
    Meeting,
    MeetingDecision,
    MeetingKind,
    MeetingStatus,
    Visibility,
)
from meetings.redaction import RedactionError, find_spans
from meetings.services.common import (
    MeetingError,
    begin_edit,
    clean_markup,
    clean_text,
)

MEETING_FIELDS = (
    "title",
    "starts_at",
    "duration_minutes",
    "kind",
    "announcement_url",
    "attendees",
)
ITEM_FIELDS = (
    "title",
    "added_day_of_meeting",
    "presenters",
    "notes",
    "visibility",
    "public_summary",
    "nominations",
)
ACTION_FIELDS = ("text", "owners", "due_on")


def _public_title(title: str) -> str:
    """A meeting's title is public from the start (the calendar lists it): no markup in it."""
    title = clean_text(title, field="title", limit=200)
    try:
        spans = find_spans(title)
    except RedactionError:
        spans = [None]
    if spans:
        raise ValidationError({"title": "A meeting's title is public; it cannot be redacted."})
    return title


def _free_slug(title: str) -> str:
    base = slugify(title)[:90] or "meeting"
    if base in RESERVED_SLUGS:
        base = f"{base}-meeting"
    slug, number = base, 1
    while Meeting.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


# Meetings -------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor,
    title: str,
    starts_at: datetime.datetime | None,
    kind: str = MeetingKind.QUARTERLY,
    slug: str = "",
    duration_minutes: int = 60,
    announcement_url: str = "",
    attendees: Iterable = (),
) -> Meeting:
    """A draft meeting. Open action items of earlier meetings carry over into its agenda."""
    require(permissions.can_manage_meetings(actor), "Only core maintainers create meetings.")
    title = _public_title(title)
    slug = slug.strip()
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f"“{slug}” is the address of a page; choose another."})
    meeting = Meeting(
        title=title,
        slug=slug or _free_slug(title),
        starts_at=starts_at,
        kind=kind,
        duration_minutes=duration_minutes,
        announcement_url=announcement_url.strip(),
        created_by=actor,
    )
    save_validated(meeting)
    meeting.attendees.set(attendees)
    audit_record(actor=actor, verb="meeting.created", target=meeting, data={"slug": meeting.slug})
    _carry_over(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, data: dict) -> Meeting:
    require(permissions.can_edit_minutes(actor, meeting), "Only core maintainers edit meetings.")
    unknown = set(data) - set(MEETING_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    meeting = begin_edit(actor=actor, meeting=meeting)
    attendees = data.pop("attendees", None)
    if "title" in data:
        data["title"] = _public_title(data["title"])
    for name, value in data.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    save_validated(meeting)
    if attendees is not None:
        meeting.attendees.set(attendees)
    audit_record(
        actor=actor,
        verb="meeting.updated",
        target=meeting,
        data={"fields": sorted([*data, *(["attendees"] if attendees is not None else [])])},
    )
    return meeting


def _carry_over(*, actor, meeting: Meeting) -> int:
    if meeting.starts_at is None:
        return 0  # an undated import: nothing is known to come before it
    open_items = ActionItem.objects.filter(
        status=ActionItemStatus.OPEN, agenda_item__meeting__starts_at__lt=meeting.starts_at
    ).exclude(carried_into=meeting)
    carried = list(open_items.values_list("pk", flat=True))
    if carried:
        meeting.carried_action_items.add(*carried)
        audit_record(
            actor=actor,
            verb="action_items.carried_over",
            target=meeting,
            data={"action_items": carried},
        )
    return len(carried)


@transaction.atomic
def action_items_carry_over(*, actor, meeting: Meeting) -> int:
    """Bring the open action items of earlier meetings into this meeting's agenda (again:
    items raised or reopened since the meeting was created). Returns how many were added."""
    require(permissions.can_edit_minutes(actor, meeting), "Only core maintainers edit agendas.")
    meeting = begin_edit(actor=actor, meeting=meeting)
    return _carry_over(actor=actor, meeting=meeting)


# Agenda items ---------------------------------------------------------------------------------


def _clean_item_fields(data: dict) -> dict:
    cleaned = dict(data)
    if "title" in cleaned:
        title = " ".join(clean_text(cleaned["title"], field="title", limit=300).split())
        cleaned["title"] = clean_markup(title, field="title", limit=300, required=True)
    if "notes" in cleaned:
        cleaned["notes"] = clean_markup(cleaned["notes"], field="notes", limit=NOTES_MAX_LENGTH)
    if "public_summary" in cleaned:
        cleaned["public_summary"] = clean_markup(
            cleaned["public_summary"], field="public_summary", limit=TEXT_MAX_LENGTH
        )
    if "visibility" in cleaned and cleaned["visibility"] not in Visibility.values:
        raise ValidationError({"visibility": "Choose public, summary only or private."})
    return cleaned


def _check_summary(item: AgendaItem) -> None:
    if (
        item.visibility == Visibility.SUMMARY
        and not item.public_summary
        and not item.nominations.exists()
    ):
        raise ValidationError(
            {"public_summary": "A summary-only item needs a public summary, or nominations."}
        )


@sensitive_variables()
@transaction.atomic
def agenda_item_add(
    *,
    actor,
    meeting: Meeting,
    title: str,
    notes: str = "",
    visibility: str = Visibility.PUBLIC,
    public_summary: str = "",
    added_day_of_meeting: bool = False,
    is_vote: bool = False,
    presenters: Iterable = (),
    nominations: Iterable = (),
) -> AgendaItem:
    require(permissions.can_edit_minutes(actor, meeting), "Only core maintainers edit agendas.")
    meeting = begin_edit(actor=actor, meeting=meeting)
    fields = _clean_item_fields(
        {
            "title": title,
            "notes": notes,
            "visibility": visibility,
            "public_summary": public_summary,
        }
    )
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("order"))["last"]
    item = AgendaItem(
        meeting=meeting,
        order=(last or 0) + 1,
        added_day_of_meeting=added_day_of_meeting,
        is_vote=is_vote,
        **fields,
    )
    save_validated(item)
    item.presenters.set(presenters)
    item.nominations.set(nominations)
    _check_summary(item)
    audit_record(actor=actor, verb="agenda_item.added", target=item, data={"meeting": meeting.pk})
    return item


@sensitive_variables()
@transaction.atomic
def agenda_item_update(*, actor, item: AgendaItem, data: dict) -> AgendaItem:
    require(permissions.can_edit_minutes(actor, item.meeting), "Only core maintainers edit.")
    unknown = set(data) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    begin_edit(actor=actor, meeting=item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    fields = _clean_item_fields(data)
    presenters = fields.pop("presenters", None)
    nominations = fields.pop("nominations", None)
    for name, value in fields.items():
        setattr(item, name, value)
    save_validated(item)
    if presenters is not None:
        item.presenters.set(presenters)
    if nominations is not None:
        item.nominations.set(nominations)
    _check_summary(item)
    audit_record(
        actor=actor, verb="agenda_item.updated", target=item, data={"fields": sorted(data)}
    )
    return item


@transaction.atomic
def agenda_item_move(*, actor, item: AgendaItem, up: bool) -> AgendaItem:
    """Swap the item with its neighbour above (or below); at either end nothing moves."""
    require(permissions.can_edit_minutes(actor, item.meeting), "Only core maintainers edit.")
    meeting = begin_edit(actor=actor, meeting=item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    siblings = AgendaItem.objects.select_for_update().filter(meeting=meeting)
    neighbour = (
        siblings.filter(order__lt=item.order).order_by("-order").first()
        if up
        else siblings.filter(order__gt=item.order).order_by("order").first()
    )
    if neighbour is None:
        return item
    last = siblings.aggregate(last=Max("order"))["last"]
    mine, theirs = item.order, neighbour.order
    # Through a free slot, so that (meeting, order) stays unique at every step.
    AgendaItem.objects.filter(pk=item.pk).update(order=last + 1)
    AgendaItem.objects.filter(pk=neighbour.pk).update(order=mine)
    AgendaItem.objects.filter(pk=item.pk).update(order=theirs)
    item.order = theirs
    audit_record(actor=actor, verb="agenda_item.moved", target=item, data={"order": theirs})
    return item


@transaction.atomic
def agenda_item_remove(*, actor, item: AgendaItem) -> None:
    require(permissions.can_edit_minutes(actor, item.meeting), "Only core maintainers edit.")
    meeting = begin_edit(actor=actor, meeting=item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    audit_record(actor=actor, verb="agenda_item.removed", target=item, data={"meeting": meeting.pk})
    item.delete()


# Decisions ------------------------------------------------------------------------------------


@sensitive_variables()
@transaction.atomic
def decision_add(
    *,
    actor,
    item: AgendaItem,
    outcome: str,
    text: str = "",
    moved_by: str = "",
    seconded_by: str = "",
) -> MeetingDecision:
    require(permissions.can_edit_minutes(actor, item.meeting), "Only core maintainers edit.")
    if outcome not in DecisionOutcome.values:
        raise ValidationError({"outcome": "Choose one of the outcomes."})
    begin_edit(actor=actor, meeting=item.meeting)
    decision = MeetingDecision(
        agenda_item=item,
        outcome=outcome,
        text=clean_markup(text, field="text", limit=TEXT_MAX_LENGTH),
        moved_by=moved_by.strip(),
        seconded_by=seconded_by.strip(),
    )
    save_validated(decision)
    audit_record(actor=actor, verb="decision.added", target=decision, data={"outcome": outcome})
    return decision


@transaction.atomic
def decision_remove(*, actor, decision: MeetingDecision) -> None:
    item = decision.agenda_item
    require(permissions.can_edit_minutes(actor, item.meeting), "Only core maintainers edit.")
    begin_edit(actor=actor, meeting=item.meeting)
    audit_record(actor=actor, verb="decision.removed", target=decision)
    decision.delete()


# Action items ---------------------------------------------------------------------------------


def _owner_users(owners: Iterable) -> list:
    return [person.user for person in owners if person.user_id and person.user.is_active]


def _notify_owners(action_item: ActionItem, owners: Iterable) -> None:
    """Owners learn what they own in the words the public would read: redacted spans stay
    redacted, and an item under a private agenda item is only announced, not quoted, since
    an owner need not be a core maintainer."""
    meeting = action_item.agenda_item.meeting
    notification_queue(
        event_key=f"action-item-assigned:{action_item.pk}:{meeting.pk}",
        recipients=_owner_users(owners),
        subject=f"An action item for you from {meeting.title}",
        body=(
            f"{action_item_public_text(action_item)}\n\n"
            + (f"Due {action_item.due_on:%Y-%m-%d}. " if action_item.due_on else "")
            + "Your action items are listed on your action items page."
        ),
        url="/meetings/action-items/",
    )


@sensitive_variables()
@transaction.atomic
def action_item_add(
    *,
    actor,
    item: AgendaItem,
    text: str,
    owners: Iterable = (),
    due_on: datetime.date | None = None,
    unmatched_owners: Sequence[str] = (),
) -> ActionItem:
    """`unmatched_owners`: owners named as imported minutes wrote them, matching no person."""
    require(permissions.can_edit_minutes(actor, item.meeting), "Only core maintainers edit.")
    begin_edit(actor=actor, meeting=item.meeting)
    owners = list(owners)
    action_item = ActionItem(
        agenda_item=item,
        text=clean_markup(text, field="text", limit=TEXT_MAX_LENGTH, required=True),
        due_on=due_on,
        unmatched_owners=[owner[:200] for owner in unmatched_owners],
    )
    save_validated(action_item)
    action_item.owners.set(owners)
    audit_record(
        actor=actor,
        verb="action_item.added",
        target=action_item,
        data={"owners": [person.pk for person in owners]},
    )
    _notify_owners(action_item, owners)
    return action_item


@sensitive_variables()
@transaction.atomic
def action_item_update(
    *, actor, action_item: ActionItem, status: str | None = None, data: dict | None = None
) -> ActionItem:
    """An owner may change the status of their own item; core maintainers may change the text,
    owners and due date too, which changes the minutes the item was raised in.

    The status is not part of any public text: marking an item done publishes nothing."""
    action_item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("agenda_item__meeting")
        .get(pk=action_item.pk)
    )
    require(
        permissions.can_update_action_item_status(actor, action_item),
        "Only its owners and the core maintainers update an action item.",
    )
    changed = []
    if data:
        require(
            permissions.can_edit_minutes(actor, action_item.agenda_item.meeting),
            "Only core maintainers change an action item's text, owners or due date.",
        )
        unknown = set(data) - set(ACTION_FIELDS)
        if unknown:
            raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
        begin_edit(actor=actor, meeting=action_item.agenda_item.meeting)
        if "text" in data:
            action_item.text = clean_markup(
                data["text"], field="text", limit=TEXT_MAX_LENGTH, required=True
            )
        if "due_on" in data:
            action_item.due_on = data["due_on"]
        changed.extend(name for name in data if name != "owners")
    if status is not None and status != action_item.status:
        if status not in ActionItemStatus.values:
            raise ValidationError({"status": "Choose open, done or dropped."})
        action_item.status = status
        action_item.closed_at = None if status == ActionItemStatus.OPEN else timezone.now()
        changed.append("status")
    save_validated(action_item)
    if data and "owners" in data:
        before = set(action_item.owners.values_list("pk", flat=True))
        action_item.owners.set(data["owners"])
        _notify_owners(action_item, [p for p in data["owners"] if p.pk not in before])
        changed.append("owners")
    if changed:
        audit_record(
            actor=actor,
            verb="action_item.updated",
            target=action_item,
            data={"fields": changed, "status": action_item.status},
        )
    return action_item


INACTIVE_ITEM_TITLE = "Move inactive maintainers to emeritus"


@sensitive_variables()
@transaction.atomic
def agenda_item_for_inactive(*, actor, roles: Sequence[Role], reason: str) -> AgendaItem:
    """The inactive maintainers' report as one "move to emeritus" item on the next meeting's
    agenda: the latest meeting still in draft. The names stay in the private notes; the public
    reads only how many were considered."""
    require(
        permissions.can_view_reports(actor) and permissions.can_manage_meetings(actor),
        "Only core maintainers put the report on an agenda.",
    )
    if not roles:
        raise ValidationError("Choose at least one maintainer.")
    meeting = (
        Meeting.objects.filter(status=MeetingStatus.DRAFT).order_by("-starts_at", "-pk").first()
    )
    if meeting is None:
        raise MeetingError("There is no draft meeting to add this to; create the next meeting.")
    lines = [
        f"- {role.person.full_name}"
        + (f" (@{role.person.github})" if role.person.github else "")
        + f": {role.get_kind_display().lower()} of {role.module.name}"
        for role in roles
    ]
    count = len(roles)
    return agenda_item_add(
        actor=actor,
        meeting=meeting,
        title=INACTIVE_ITEM_TITLE,
        notes=clean_text(reason, field="reason", limit=5_000) + "\n\n" + "\n".join(lines),
        visibility=Visibility.SUMMARY,
        public_summary=(
            f"Considered moving {count} inactive maintainer{'s' * (count != 1)} to emeritus."
        ),
    )
