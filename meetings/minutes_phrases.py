"""What one line of minutes says, read from its text (block markup already removed): an
attendance label, a decision, a motion, an action item and its owners, a question and its
response, a vote, the approval of previous minutes.

Each pattern is anchored or starts with a literal word, uses possessive or bounded
quantifiers, and runs once per line, so reading a line is linear in its length.
"""

import re
from dataclasses import dataclass

from meetings.models import DecisionOutcome

# Bold or italic marks around a label: "**Present:** Ada", "__Chair__: Ben".
_EMPHASIS = r"[*_]*+"
# The attendance labels, and the part of the attendance each fills.
ATTENDANCE_LABELS = {
    "present": "present",
    "attendees": "present",
    "attendance": "present",
    "in attendance": "present",
    "members present": "present",
    "board members": "present",
    "board members present": "present",
    "participants": "present",
    "missing": "absent",
    "absent": "absent",
    "regrets": "absent",
    "apologies": "absent",
    "not present": "absent",
    "guests": "guests",
    "also present": "guests",
    "visitors": "guests",
    "chair": "chair",
    "chaired by": "chair",
    "facilitator": "chair",
    "minutes": "note_taker",
    "minutes by": "note_taker",
    "minute taker": "note_taker",
    "note taker": "note_taker",
    "note-taker": "note_taker",
    "notes by": "note_taker",
    "scribe": "note_taker",
    "secretary": "note_taker",
    "quorum": "quorum",
}
_LABEL_WORDS = "|".join(
    re.escape(label) for label in sorted(ATTENDANCE_LABELS, key=len, reverse=True)
)
_ATTENDANCE = re.compile(
    rf"{_EMPHASIS}(?P<label>{_LABEL_WORDS}){_EMPHASIS}[ \t]*+(?::{_EMPHASIS}[ \t]*+(?P<rest>.*)|$)",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(rf"{_EMPHASIS}(?:date|when|subject){_EMPHASIS}[ \t]*+:", re.IGNORECASE)
_NAME_SEPARATORS = re.compile(r"[,;]|\band\b|&", re.IGNORECASE)
_ROLE_IN_NAME = re.compile(
    r"\((?P<role>chair|chairing|minutes|note[- ]?taker|scribe|secretary|guest)\)", re.IGNORECASE
)
_QUORUM_NOT_REACHED = re.compile(
    r"\b(?:no|not|without|lacked|lacking|n't)\b|\bfailed\b|\bnot reached\b", re.IGNORECASE
)
_QUORUM_WORD = re.compile(r"\bquorum\b", re.IGNORECASE)

_AGENDA = re.compile(rf"{_EMPHASIS}agenda{_EMPHASIS}[ \t]*+:?+{_EMPHASIS}", re.IGNORECASE)
_ACTION_LIST = re.compile(
    rf"{_EMPHASIS}(?:open[ \t]++ai|open[ \t]++action[ \t]++items|action[ \t]++items|actions"
    rf"|ais|next[ \t]++steps|todos?){_EMPHASIS}[ \t]*+:?+{_EMPHASIS}",
    re.IGNORECASE,
)
_DECISION = re.compile(
    rf"{_EMPHASIS}[ \t]*+(?:decision|decided|resolution|resolved){_EMPHASIS}[ \t]*+:{_EMPHASIS}"
    r"[ \t]*+(?P<text>.*)",
    re.IGNORECASE,
)
_ACTION = re.compile(
    rf"(?:{_EMPHASIS}(?:ai|action(?:[ \t]++item)?|todo){_EMPHASIS}[ \t]*+:{_EMPHASIS}"
    r"|\[ ?\]|\[ai\])[ \t]*+(?P<text>.*)",
    re.IGNORECASE,
)
_ACTION_INSIDE = re.compile(r"\[AI\][ \t]*+", re.IGNORECASE)
# Starts with its parenthesis: a leading run of blanks would make each search quadratic.
_OWNERS = re.compile(r"\((?:owners?|assignees?)[ \t]*+:[ \t]*+(?P<names>[^()]*+)\)", re.I)
_HANDLE = re.compile(r"(?<![\w@/])@(?P<handle>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\b")
_LEADING_HANDLE = re.compile(r"@[A-Za-z0-9][A-Za-z0-9-]{0,38}\b")
_TRAILING_HANDLE = re.compile(r"[ \t,(]@[A-Za-z0-9][A-Za-z0-9-]{0,38}\)?+\.?+")
_SUBJECT = re.compile(r"(?:re|fwd?|subject)[ \t]*+:[ \t]*+", re.IGNORECASE)
_VOTE = re.compile(rf"{_EMPHASIS}vote[ \t]++on\b", re.IGNORECASE)
_RESPONSE = re.compile(rf"{_EMPHASIS}(?:response|answer|reply){_EMPHASIS}[ \t]*+:", re.I)
_QUESTION = re.compile(r"(?P<lead>[^:]{1,120}+):[ \t]*+\S")
_MINUTES_APPROVAL = re.compile(
    r"\b(?:approv\w*+|adopt\w*+)[ \t]++(?:of[ \t]++)?(?:the[ \t]++)?"
    r"(?:(?:previous|last|prior)[ \t]++)?(?:meeting'?s[ \t]++)?minutes\b"
    r"|\bminutes\b[^.;]{0,80}?\b(?:were|are|was)[ \t]++(?:approved|adopted|accepted)\b",
    re.IGNORECASE,
)
_DAY_OF_MEETING = re.compile(
    r"\[[ \t]*+agenda item added (?:on the )?day[- ]of[- ](?:the[- ])?meeting[ \t]*+\]", re.I
)
_MOTION = re.compile(r"\b(?:moved|motioned|moves|motion)\b", re.IGNORECASE)
_MOTION_WORD = re.compile(r"\b(?:motion|motioned)\b", re.IGNORECASE)
_MOVED_TO_DECIDE = re.compile(
    r"\bmove[sd]?+[ \t]++(?:that|to[ \t]++(?:approve|adopt|accept|renew|ratify|elect|appoint"
    r"|table|reject|amend|fund|authori[sz]e|confirm|extend|close|open|postpone|defer))\b",
    re.IGNORECASE,
)
_NAME = (
    # A handle, or up to four capitalised words or initials ("Jay R. Okafor"); a full stop ends
    # a name unless it follows an initial.
    r"(?:@[A-Za-z0-9][\w-]{0,38}"
    r"|[A-Z](?:\.|[\w'\u2019-]{0,40})(?:[ \t][A-Z](?:\.|[\w'\u2019-]{0,40})){0,3})"
)
_MOVER = re.compile(
    rf"(?P<name>{_NAME})[ \t]++(?:moved|motioned|moves|made[ \t]++a[ \t]++motion)\b"
)
_MOVER_BY = re.compile(rf"\b(?i:motion|moved)[ \t]++(?i:by|from)[ \t]++(?P<name>{_NAME})")
_MOVER_LABEL = re.compile(rf"\b(?i:moved(?:[ \t]++by)?)[ \t]*+:[ \t]*+(?P<name>{_NAME})")
_SECONDER = re.compile(rf"(?P<name>{_NAME})[ \t]++seconded\b")
# Keywords in any case; names (`_NAME`) capitalised, so that a name stops at the next word.
_SECONDER_BY = re.compile(rf"\b(?i:seconded[ \t]++by)[ \t]++(?P<name>{_NAME})")
_SECONDER_LABEL = re.compile(rf"\b(?i:seconded(?:[ \t]++by)?)[ \t]*+:[ \t]*+(?P<name>{_NAME})")
_SECONDING = re.compile(r"\bsecond(?:ed|s)?\b", re.IGNORECASE)
_MOTION_RESULT = re.compile(
    r"\b(?:carried|passed|approved|adopted|unanimous\w*|in favou?r|failed|defeated|rejected"
    r"|tabled|withdrawn|postponed|deferred|opposed|abstain\w*)\b",
    re.IGNORECASE,
)

# Words in a decision's text that tell its outcome, in the order they are tried.
_OUTCOME_WORDS = (
    (re.compile(r"\bno action\b", re.I), DecisionOutcome.NO_ACTION),
    (re.compile(r"\b(?:rfc|design review)\b", re.I), DecisionOutcome.REFERRED),
    (re.compile(r"\b(?:defer\w*|postpone\w*|tabled)\b", re.I), DecisionOutcome.DEFERRED),
    (re.compile(r"\b(?:reject\w*|not approved|not accepted|not carried|declined?|failed"
                r"|defeated)\b", re.I), DecisionOutcome.REJECTED),
    (re.compile(r"\b(?:accept\w*|approved?|adopt\w*|carried|passed|unanimous\w*|all in favou?r"
                r"|all present approved)\b", re.I), DecisionOutcome.ACCEPTED),
)  # fmt: skip


@dataclass(slots=True)
class AttendanceLabel:
    part: str  # present, absent, guests, chair, note_taker or quorum
    rest: str  # what follows the label on its line


@dataclass(slots=True)
class Motion:
    mover: str
    seconder: str


def attendance_label(text: str) -> AttendanceLabel | None:
    if match := _ATTENDANCE.fullmatch(text):
        part = ATTENDANCE_LABELS[" ".join(match["label"].lower().split())]
        return AttendanceLabel(part, (match["rest"] or "").strip().strip("*_").strip())
    return None


def names_in(text: str) -> list[str]:
    """The names of a list written on one line: "Ada, Ben and @cy"."""
    names = (name.strip().strip("*_").strip().rstrip(".") for name in _NAME_SEPARATORS.split(text))
    return [name for name in names if name]


def role_in_name(name: str) -> tuple[str, str]:
    """("chair" / "note_taker" / "guests" / "", the name without its role)."""
    if match := _ROLE_IN_NAME.search(name):
        role = match["role"].lower()
        part = (
            "chair" if role.startswith("chair") else "guests" if role == "guest" else "note_taker"
        )
        return part, (name[: match.start()] + name[match.end() :]).strip()
    return "", name


def quorum_state(text: str) -> str:
    """ "reached" or "not reached" when the line speaks of quorum, else ""."""
    if not _QUORUM_WORD.search(text):
        return ""
    return "not reached" if _QUORUM_NOT_REACHED.search(text) else "reached"


def is_date_line(text: str) -> bool:
    return _DATE_LABEL.match(text) is not None


def is_agenda_label(text: str) -> bool:
    return _AGENDA.fullmatch(text) is not None


def is_action_list_label(text: str) -> bool:
    return _ACTION_LIST.fullmatch(text) is not None


def decision_text(text: str) -> str | None:
    if match := _DECISION.fullmatch(text):
        return match["text"].strip()
    return None


def action_text(text: str) -> str | None:
    """The text of an action item line ("AI: …", "Action: …", "TODO: …", "[ ] …", "[AI] …",
    "@handle …"), or None."""
    if match := _ACTION.match(text):
        return match["text"].strip()
    if _LEADING_HANDLE.match(text):
        return text
    # "Collect the highlights, @hal": a task assigned by naming its owner at the end.
    tail = max(len(text) - 45, 0)
    if any(match.end() == len(text) for match in _TRAILING_HANDLE.finditer(text, tail)):
        return text
    return None


def without_subject(text: str) -> str:
    """An email's subject without "Subject:", "Re:" or "Fwd:"."""
    while match := _SUBJECT.match(text):
        text = text[match.end() :]
    return text


def action_inside(text: str) -> str | None:
    """The action item written after "[AI]" in the middle of a line of notes."""
    if match := _ACTION_INSIDE.search(text):
        return text[match.end() :].strip() or None
    return None


def owners_of(text: str) -> tuple[str, list[str]]:
    """The action item's text without its "(owner: …)" and the owners: those named in it, then
    each @handle of the text."""
    owners: list[str] = []
    if match := _OWNERS.search(text):
        owners = names_in(match["names"])
        text = " ".join([text[: match.start()].rstrip(), text[match.end() :].lstrip()]).strip()
    for handle in _HANDLE.finditer(text):
        if f"@{handle['handle']}" not in owners:
            owners.append(f"@{handle['handle']}")
    return text, owners


def has_owners(text: str) -> bool:
    return _OWNERS.search(text) is not None


def is_vote(text: str) -> bool:
    return _VOTE.match(text) is not None


def is_response(text: str) -> bool:
    return _RESPONSE.match(text) is not None


def question_lead(text: str) -> str | None:
    """ "Ada Example release cadence" of "Ada Example release cadence: could we …"."""
    if match := _QUESTION.match(text):
        return match["lead"].strip().strip("*_").strip() or None
    return None


def day_of_meeting_flag(text: str) -> tuple[str, bool]:
    """The text without "[Agenda item added day-of-meeting]", and whether it had the flag."""
    if match := _DAY_OF_MEETING.search(text):
        return " ".join((text[: match.start()] + text[match.end() :]).split()), True
    return text, False


def is_minutes_approval(text: str) -> bool:
    return _MINUTES_APPROVAL.search(text) is not None


def motion(text: str) -> Motion | None:
    """Who moved and who seconded, when the line is a motion."""
    if not _MOTION.search(text):
        return None
    mover = _MOVER.search(text) or _MOVER_BY.search(text) or _MOVER_LABEL.search(text)
    seconder = _SECONDER.search(text) or _SECONDER_BY.search(text) or _SECONDER_LABEL.search(text)
    # "The team moved to GitHub Actions" is no motion: one names a motion, is seconded, or
    # moves to decide something.
    formal = _MOTION_WORD.search(text) or seconder or _MOVED_TO_DECIDE.search(text)
    if not formal or (mover is None and seconder is None and not _MOTION_RESULT.search(text)):
        return None
    return Motion(mover["name"] if mover else "", seconder["name"] if seconder else "")


def seconder(text: str) -> str:
    found = _SECONDER.search(text) or _SECONDER_BY.search(text) or _SECONDER_LABEL.search(text)
    return found["name"] if found else ""


def continues_motion(text: str) -> bool:
    return bool(_SECONDING.search(text) or _MOTION_RESULT.search(text))


def decision_outcome(text: str) -> str:
    for pattern, outcome in _OUTCOME_WORDS:
        if pattern.search(text):
            return outcome
    return DecisionOutcome.FOLLOW_UP
