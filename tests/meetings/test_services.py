"""The meeting services: permissions, carry-over, review policy, publication and versions."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance import services as governance_services
from governance.models import AuditEvent, Module, Notification, NotificationChannel, RoleKind
from meetings import services
from meetings.models import (
    ActionItemStatus,
    AgendaItem,
    MeetingStatus,
    MinutesVersion,
    ReviewRound,
    RoundOutcome,
    Visibility,
)
from nominations import services as nomination_services
from nominations.models import BallotChoice, NominationKind, Outcome
from tests.meetings.conftest import PUBLIC_WORD, add_public_item, new_meeting, publish

pytestmark = pytest.mark.django_db


def end_window(meeting) -> None:
    """Pretend the review window ended; time passing has no service."""
    review_round = ReviewRound.objects.get(meeting=meeting, closed_at__isnull=True)
    ReviewRound.objects.filter(pk=review_round.pk).update(
        submitted_at=review_round.submitted_at - datetime.timedelta(days=30),
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
    )


# Meetings and agenda --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["maintainer", "nominee", "outsider", "staff"])
def test_it_lets_only_core_maintainers_create_meetings(request, persona):
    actor = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        new_meeting(actor)


def test_it_creates_a_draft_meeting_with_a_free_slug_and_an_audit_event(core1):
    first = new_meeting(core1, title="Core Maintainers Meeting June 2023")
    second = new_meeting(core1, title="Core Maintainers Meeting June 2023")

    assert first.status == MeetingStatus.DRAFT
    assert first.slug == "core-maintainers-meeting-june-2023"
    assert second.slug == "core-maintainers-meeting-june-2023-2"
    assert AuditEvent.objects.filter(verb="meeting.created", target_id=str(first.pk)).exists()


def test_it_refuses_a_reserved_slug_and_a_redacted_meeting_title(core1):
    with pytest.raises(ValidationError, match="address of a page"):
        services.meeting_create(actor=core1, title="Feed", slug="feed", starts_at=timezone.now())
    with pytest.raises(ValidationError, match="title is public"):
        new_meeting(core1, title="Meeting [redact: x]secret[/redact]")


def test_it_refuses_unclosed_markup_with_its_position_and_saves_nothing(core1, draft_meeting):
    with pytest.raises(ValidationError) as raised:
        services.agenda_item_add(
            actor=core1,
            meeting=draft_meeting,
            title="Nominations",
            notes="- fine\n- [redact: names]Jane Doe",
        )

    assert raised.value.message_dict["notes"] == [
        "Line 2, column 3: this redaction is never closed with [/redact]."
    ]
    assert not AgendaItem.objects.filter(title="Nominations").exists()


def test_it_needs_a_public_summary_for_a_summary_only_item(core1, draft_meeting):
    with pytest.raises(ValidationError, match="needs a public summary"):
        services.agenda_item_add(
            actor=core1, meeting=draft_meeting, title="Security", visibility=Visibility.SUMMARY
        )


def test_it_moves_items_up_and_down(core1, draft_meeting):
    second = add_public_item(core1, draft_meeting, title="Second")
    third = add_public_item(core1, draft_meeting, title="Third")

    services.agenda_item_move(actor=core1, item=third, up=True)
    services.agenda_item_move(actor=core1, item=second, up=False)  # already last: stays

    titles = list(draft_meeting.agenda_items.order_by("order").values_list("title", flat=True))
    assert titles == ["Release plan", "Third", "Second"]


def test_it_carries_open_action_items_into_later_meetings(core1, maintainer):
    october = new_meeting(core1, title="October", days=-200)
    item = add_public_item(core1, october)
    open_item = services.action_item_add(
        actor=core1, item=item, text="Open up the merge rules.", owners=[maintainer.person]
    )
    done = services.action_item_add(actor=core1, item=item, text="Sync the merge rules file.")
    services.action_item_update(actor=core1, action_item=done, status=ActionItemStatus.DONE)

    earlier = new_meeting(core1, title="September", days=-300)
    later = new_meeting(core1, title="March", days=-30)

    assert list(later.carried_action_items.all()) == [open_item]
    assert list(earlier.carried_action_items.all()) == []
    assert services.action_items_carry_over(actor=core1, meeting=later) == 0


def test_it_lets_an_owner_close_their_action_item_without_touching_the_minutes(
    core1, lead, core2, maintainer, outsider
):
    meeting = new_meeting(core1)
    item = add_public_item(core1, meeting)
    action = services.action_item_add(
        actor=core1, item=item, text="Write the RFC.", owners=[maintainer.person]
    )
    publish(meeting, core1, lead, core2)

    with pytest.raises(PermissionDenied):
        services.action_item_update(actor=outsider, action_item=action, status="done")
    with pytest.raises(PermissionDenied):
        services.action_item_update(actor=maintainer, action_item=action, data={"text": "x"})
    services.action_item_update(actor=maintainer, action_item=action, status="done")

    action.refresh_from_db()
    meeting.refresh_from_db()
    assert action.status == ActionItemStatus.DONE
    assert action.closed_at is not None
    assert meeting.status == MeetingStatus.PUBLISHED


def test_it_tells_owners_their_action_item_in_redacted_words(core1, maintainer, draft_meeting):
    item = draft_meeting.agenda_items.get()

    services.action_item_add(
        actor=core1,
        item=item,
        text="Write to [redact: personal]Jane Doe[/redact].",
        owners=[maintainer.person],
    )

    inbox = Notification.objects.get(
        recipient=maintainer,
        channel=NotificationChannel.INBOX,
        event_key__startswith="action-item-assigned:",
    )
    assert "Write to [personal redacted]." in inbox.body
    assert "Jane Doe" not in inbox.body + inbox.subject


# Review and publication -----------------------------------------------------------------------


def test_it_notifies_the_core_maintainers_when_submitted(
    lead, core1, core2, maintainer, draft_meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        review_round = services.minutes_submit(actor=core1, meeting=draft_meeting)

    draft_meeting.refresh_from_db()
    assert draft_meeting.status == MeetingStatus.IN_REVIEW
    assert review_round.number == 1
    inboxes = Notification.objects.filter(
        event_key=f"meeting-review-1:{draft_meeting.pk}", channel=NotificationChannel.INBOX
    )
    assert {n.recipient for n in inboxes} == {lead, core1, core2}
    assert len(callbacks) == 1  # one send task for the three emails, once the transaction commits


def submit_then_fail(actor, meeting) -> None:
    """A request that fails after the service returned: its transaction rolls back."""
    with transaction.atomic():
        services.minutes_submit(actor=actor, meeting=meeting)
        raise RuntimeError("the request failed after the service returned")


def test_it_queues_nothing_when_the_submission_rolls_back(
    core1, draft_meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        submit_then_fail(core1, draft_meeting)

    assert callbacks == []
    assert not Notification.objects.filter(event_key__startswith="meeting-review").exists()
    assert not ReviewRound.objects.exists()


def test_it_publishes_once_a_majority_approves(lead, core1, core2, draft_meeting):
    services.minutes_submit(actor=core1, meeting=draft_meeting)
    services.minutes_review(actor=lead, meeting=draft_meeting, verdict="approve")
    assert not MinutesVersion.objects.exists()  # 1 of 3: not yet a majority

    services.minutes_review(actor=core2, meeting=draft_meeting, verdict="approve")

    version = MinutesVersion.objects.get()
    draft_meeting.refresh_from_db()
    assert draft_meeting.status == MeetingStatus.PUBLISHED
    assert (version.number, version.title, version.published_by) == (1, draft_meeting.title, core2)
    assert PUBLIC_WORD in version.markdown
    assert f"<li>{PUBLIC_WORD} discussed.</li>" in version.html
    assert ReviewRound.objects.get().outcome == RoundOutcome.PUBLISHED


def test_it_refuses_to_publish_without_the_approvals_it_needs(lead, core1, core2, draft_meeting):
    services.minutes_submit(actor=core1, meeting=draft_meeting)
    services.minutes_review(actor=lead, meeting=draft_meeting, verdict="approve")

    with pytest.raises(services.MeetingError) as raised:
        services.minutes_publish(actor=core1, meeting=draft_meeting)

    assert "majority of the core maintainers (2 of 3; 1 so far)" in str(raised.value)
    assert not MinutesVersion.objects.exists()


def test_it_refuses_to_publish_what_was_never_submitted(core1, draft_meeting):
    with pytest.raises(services.MeetingError, match="Submit the minutes for review first"):
        services.minutes_publish(actor=core1, meeting=draft_meeting)


def test_it_needs_a_comment_to_object_and_tells_the_core_maintainers(
    lead, core1, core2, draft_meeting
):
    services.minutes_submit(actor=core1, meeting=draft_meeting)

    with pytest.raises(ValidationError, match="needs a comment"):
        services.minutes_review(actor=lead, meeting=draft_meeting, verdict="object")
    services.minutes_review(
        actor=lead, meeting=draft_meeting, verdict="object", comment="Redact the second name."
    )

    subjects = set(Notification.objects.filter(recipient=core2).values_list("subject", flat=True))
    assert f"Objection to the minutes of {draft_meeting.title}" in subjects


@pytest.mark.parametrize("persona", ["maintainer", "outsider", "staff"])
def test_it_lets_only_core_maintainers_review(request, core1, draft_meeting, persona):
    services.minutes_submit(actor=core1, meeting=draft_meeting)

    with pytest.raises(PermissionDenied):
        services.minutes_review(
            actor=request.getfixturevalue(persona), meeting=draft_meeting, verdict="approve"
        )


def test_it_publishes_when_the_window_ends_without_objection(lead, core1, core2, draft_meeting):
    services.minutes_submit(actor=core1, meeting=draft_meeting)
    assert services.minutes_publish_due() == 0  # the window is still open

    end_window(draft_meeting)

    assert services.minutes_publish_due() == 1
    assert services.minutes_publish_due() == 0  # a second scan finds nothing left
    version = MinutesVersion.objects.get()
    assert version.published_by is None  # the system published it


def test_it_holds_the_minutes_while_an_objection_is_open(lead, core1, core2, draft_meeting):
    services.minutes_submit(actor=core1, meeting=draft_meeting)
    services.minutes_review(actor=lead, meeting=draft_meeting, verdict="object", comment="No.")
    end_window(draft_meeting)

    assert services.minutes_publish_due() == 0
    services.minutes_review(actor=lead, meeting=draft_meeting, verdict="approve")  # withdrawn

    assert services.minutes_publish_due() == 1


def test_it_counts_only_the_verdicts_of_current_core_maintainers(lead, core1, core2, draft_meeting):
    services.minutes_submit(actor=core1, meeting=draft_meeting)
    services.minutes_review(actor=core2, meeting=draft_meeting, verdict="object", comment="No.")
    governance_services.role_make_emeritus(
        actor=None, role=core2.person.roles.get(kind=RoleKind.CORE_MAINTAINER), reason="Left."
    )
    end_window(draft_meeting)

    assert services.minutes_publish_due() == 1  # core2's objection no longer holds it


def test_it_withdraws_the_review_when_the_minutes_change(lead, core1, core2, draft_meeting):
    services.minutes_submit(actor=core1, meeting=draft_meeting)
    services.minutes_review(actor=lead, meeting=draft_meeting, verdict="approve")

    add_public_item(core1, draft_meeting, title="Late addition")

    draft_meeting.refresh_from_db()
    assert draft_meeting.status == MeetingStatus.DRAFT
    assert ReviewRound.objects.get().outcome == RoundOutcome.WITHDRAWN
    with pytest.raises(PermissionDenied):  # nothing is in review any more
        services.minutes_review(actor=core2, meeting=draft_meeting, verdict="approve")


def test_it_publishes_a_correction_as_a_new_version(lead, core1, core2, draft_meeting):
    publish(draft_meeting, core1, lead, core2)
    item = draft_meeting.agenda_items.get()

    services.agenda_item_update(
        actor=core1, item=item, data={"notes": "- [redact: names]Jane[/redact] agreed."}
    )
    draft_meeting.refresh_from_db()
    assert draft_meeting.status == MeetingStatus.DRAFT
    assert PUBLIC_WORD in MinutesVersion.objects.get().markdown  # the public copy is unchanged

    services.minutes_submit(actor=core1, meeting=draft_meeting, change_note="Redacted a name.")
    services.minutes_review(actor=lead, meeting=draft_meeting, verdict="approve")
    services.minutes_review(actor=core2, meeting=draft_meeting, verdict="approve")

    first, second = MinutesVersion.objects.order_by("number")
    assert PUBLIC_WORD in first.markdown
    assert second.markdown.startswith("### Release plan\n\n- [names redacted] agreed.")
    assert second.redaction_log == {"names": 1}
    assert second.change_note == "Redacted a name."
    with pytest.raises(services.MeetingError, match="Nothing changed"):
        services.minutes_submit(actor=core1, meeting=draft_meeting)


@pytest.mark.parametrize(
    "note", ["Hid [redact: names]Jane", "Hid [redacted: names]Jane", "Hid [/redact]"]
)
def test_it_refuses_a_change_note_whose_markup_cannot_be_read(core1, draft_meeting, note):
    with pytest.raises(ValidationError) as raised:
        services.minutes_submit(actor=core1, meeting=draft_meeting, change_note=note)

    assert "change_note" in raised.value.error_dict
    draft_meeting.refresh_from_db()
    assert draft_meeting.status == MeetingStatus.DRAFT


def test_it_redacts_change_notes_published_before_notes_were_redacted(
    lead, core1, core2, draft_meeting
):
    redact_change_notes = importlib.import_module(
        "meetings.migrations.0003_redact_published_change_notes"
    ).redact_change_notes
    publish(draft_meeting, core1, lead, core2)
    first = MinutesVersion.objects.get()
    leaked = MinutesVersion.objects.create(
        meeting=draft_meeting,
        number=2,
        title=first.title,
        starts_at=first.starts_at,
        markdown=first.markdown,
        html=first.html,
        redaction_log={"names": 1},
        change_note="Hid [redact: names]Jane[/redact].",
    )
    unreadable = MinutesVersion.objects.create(
        meeting=draft_meeting,
        number=3,
        title=first.title,
        starts_at=first.starts_at,
        markdown=first.markdown,
        html=first.html,
        change_note="Hid [redacted: names]Jane",
    )

    redact_change_notes(django_apps, None)

    leaked.refresh_from_db()
    unreadable.refresh_from_db()
    assert (leaked.change_note, leaked.redaction_log) == ("Hid [names redacted].", {"names": 2})
    assert unreadable.change_note == ""


def test_it_keeps_published_versions_immutable(lead, core1, core2, draft_meeting):
    publish(draft_meeting, core1, lead, core2)
    version = MinutesVersion.objects.get()
    version.markdown = "rewritten"

    with pytest.raises(ValueError, match="immutable"):
        version.save()
    with pytest.raises(ValueError, match="immutable"):
        version.delete()


# Nominations in the minutes -------------------------------------------------------------------


def decided(nominee, *, accept: bool, announce: bool, voters, module):
    nomination = nomination_services.nomination_create(
        actor=voters[0],
        nominee=nominee,
        kind=NominationKind.MODULE_MAINTAINER,
        module=module,
        nominators=[voters[0]],
        rationale="Reviews a lot.",
    )
    nomination_services.nomination_open(actor=voters[0], nomination=nomination)
    nomination_services.voting_open(actor=voters[0], nomination=nomination)
    for voter in voters:
        choice = BallotChoice.APPROVE if accept else BallotChoice.DECLINE
        nomination_services.ballot_cast(actor=voter, nomination=nomination, choice=choice)
    nomination_services.nomination_decide(
        actor=voters[1],
        nomination=nomination,
        outcome=Outcome.ACCEPTED if accept else Outcome.DECLINED,
        reasons="The vote.",
    )
    if announce:
        nomination_services.announcement_release(actor=voters[1], nomination=nomination)
    return nomination


def test_it_summarises_nominations_naming_only_announced_acceptances(
    lead, core1, core2, nominee, nominator, maintainer, module
):
    voters = [lead, core1, core2]
    other = Module.objects.create(name="Sparse", slug="sparse")
    nominations = [
        decided(nominee.person, accept=True, announce=True, voters=voters, module=module),
        decided(nominator.person, accept=True, announce=False, voters=voters, module=other),
        decided(maintainer.person, accept=False, announce=False, voters=voters, module=other),
    ]
    meeting = new_meeting(core1)
    services.agenda_item_add(
        actor=core1,
        meeting=meeting,
        title="Module maintainer nominations",
        notes="- [redact: specific examples]all three names[/redact]",
        visibility=Visibility.SUMMARY,
        nominations=nominations,
    )

    publish(meeting, core1, lead, core2)

    markdown = MinutesVersion.objects.get().markdown
    assert (
        "Summary: Considered 3 new module maintainers. Accepted two: "
        f"{nominee.person.full_name} for {module.name}; one more to be announced. "
        "Did not accept one; feedback provided privately."
    ) in markdown
    assert nominator.person.full_name not in markdown
    assert maintainer.person.full_name not in markdown
    assert "all three names" not in markdown
