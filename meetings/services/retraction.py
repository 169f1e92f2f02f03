"""Retraction: take a published version out of public view, keeping an audited record.

The version's Markdown and HTML are replaced by a fixed notice, so every public reader (the
meeting's pages, the feed, the search and its stored documents, the exports) can only ever
read the notice; the feed, the search, the exports and the calendar leave the version out. The
reason a core maintainer gives is private: it is kept on the version, for the core maintainers
(the operators read the audit log in the admin), and the audit log keeps hashes of the text
taken down (so a copy can be matched later) but never the text itself.

The meeting's page then shows its latest version that is not retracted; with none left, the
notice of its latest version. Retracting the latest version makes the working copy a draft
again, so it can be corrected, reviewed and published as a new version.
"""

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from governance import permissions
from governance.markdown import render_markdown
from governance.selectors import core_maintainer_users
from governance.services import audit_record, notification_queue
from governance.services.base import require
from meetings.models import RETRACTION_REASON_MAX_LENGTH, Meeting, MeetingStatus, MinutesVersion
from meetings.services.common import MeetingError, clean_text, locked
from meetings.services.sharing import minutes_retracted_share


def retraction_notice(moment: datetime.datetime) -> str:
    return f"This version of the minutes was retracted on {moment:%Y-%m-%d}."


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@sensitive_variables("reason")
@transaction.atomic
def minutes_version_retract(*, actor, version: MinutesVersion, reason: str) -> MinutesVersion:
    """Replace a published version's public text with a notice of its retraction, once."""
    require(
        permissions.can_retract_minutes(actor, version),
        "Only core maintainers retract published minutes.",
    )
    reason = clean_text(reason, field="reason", limit=RETRACTION_REASON_MAX_LENGTH)
    # The meeting first, as publication locks it: a retraction and a publication never interleave.
    meeting = locked(Meeting(pk=version.meeting_id))
    version = MinutesVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_retracted:
        raise MeetingError(
            f"Version {version.number} was already retracted on {version.retracted_at:%Y-%m-%d}."
        )
    now = timezone.now()
    notice = retraction_notice(now)
    taken_down = {
        "markdown_sha256": _sha256(version.markdown),
        "html_sha256": _sha256(version.html),
    }
    MinutesVersion.objects.filter(pk=version.pk).update(
        markdown=notice,
        html=str(render_markdown(notice)),
        redaction_log={},
        change_note="",
        retracted_at=now,
        retracted_by=actor,
        retraction_reason=reason,
    )
    is_latest = not MinutesVersion.objects.filter(
        meeting=meeting, number__gt=version.number
    ).exists()
    if is_latest and meeting.status == MeetingStatus.PUBLISHED:
        meeting.status = MeetingStatus.DRAFT
        meeting.updated_at = now
        meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb="minutes.retracted",
        target=meeting,
        data={"version": version.number, **taken_down},
    )
    notification_queue(
        event_key=f"meeting-retracted-{version.number}:{meeting.pk}",
        recipients=core_maintainer_users(),
        subject=f"Minutes retracted: {meeting.title} (version {version.number})",
        body=(
            f"{actor.get_username()} retracted version {version.number} of the minutes: the "
            "public reads a notice of the retraction in its place. The reason is in the inbox."
        ),
        # The reason may name what was taken down: it is read behind the sign-in, not by email.
        inbox_body=(
            f"{actor.get_username()} retracted version {version.number} of the minutes: the "
            f"public reads a notice of the retraction in its place. The reason given: {reason}"
        ),
        url=meeting.get_edit_url(),
    )
    version.refresh_from_db()
    minutes_retracted_share(meeting=meeting, version=version)
    return version
