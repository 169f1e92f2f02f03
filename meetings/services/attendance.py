"""A meeting's attendance: who was present, absent, a guest, chaired and took the minutes, and
whether quorum was reached, as the minutes state it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from governance import permissions
from governance.services import audit_record
from governance.services.base import require
from meetings.models import Attendance, Meeting, Quorum
from meetings.services.common import begin_edit

NAME_MAX_LENGTH = 200
NAMES_MAX = 200


def _names(names) -> list[str]:
    cleaned = [" ".join(str(name).split()) for name in names]
    cleaned = [name for name in cleaned if name]
    if len(cleaned) > NAMES_MAX or any(len(name) > NAME_MAX_LENGTH for name in cleaned):
        raise ValidationError(
            f"List at most {NAMES_MAX} names of at most {NAME_MAX_LENGTH} characters each."
        )
    return cleaned


@sensitive_variables()
@transaction.atomic
def attendance_update(
    *,
    actor,
    meeting: Meeting,
    present=(),
    absent=(),
    guests=(),
    chair: str = "",
    note_taker: str = "",
    quorum: str = "",
    public: bool = False,
) -> Attendance:
    """Set the attendance. `public` publishes it with the next published version; imported
    attendance starts private."""
    require(permissions.can_edit_minutes(actor, meeting), "Only core maintainers edit.")
    if quorum not in Quorum.values:
        raise ValidationError({"quorum": "Choose whether quorum was reached."})
    chair, note_taker = (" ".join(name.split()) for name in (chair, note_taker))
    if max(len(chair), len(note_taker)) > NAME_MAX_LENGTH:
        raise ValidationError(f"A name is at most {NAME_MAX_LENGTH} characters.")
    meeting = begin_edit(actor=actor, meeting=meeting)
    attendance, _ = Attendance.objects.update_or_create(
        meeting=meeting,
        defaults={
            "present": _names(present),
            "absent": _names(absent),
            "guests": _names(guests),
            "chair": chair,
            "note_taker": note_taker,
            "quorum": quorum,
            "public": public,
        },
    )
    audit_record(actor=actor, verb="attendance.updated", target=attendance, data={"public": public})
    return attendance
