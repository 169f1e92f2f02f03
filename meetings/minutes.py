"""The public text of minutes, composed from the private working copy.

Everything here is a pure function of the objects it is given (duck-typed, already loaded), so
publishing, the reviewers' preview and the tests all compose the same text the same way. The
public text is redacted before it is rendered: no private character reaches the HTML, not even
hidden in an attribute, and nothing the HTML would leave out stays in the Markdown.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from governance.markdown import public_markdown, render_markdown
from meetings.redaction import (
    PRIVATE_ITEM_REASON,
    RedactionError,
    find_spans,
    merge_logs,
    public_placeholder,
    redact,
)
from nominations.models import NominationKind, NominationStatus, Outcome

DAY_OF_MEETING_FLAG = "[Agenda item added day-of-meeting]"
WITHHELD_ITEM_TEXT = "*An agenda item was withheld from the public minutes.*"
# Characters that only the preview puts around a placeholder, to mark it after rendering.
# Services strip them from everything a writer saves.
MARK_START, MARK_END = "\ue000", "\ue001"

NUMBER_WORDS = (
    "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
)  # fmt: skip
KIND_NOUNS = {
    NominationKind.MODULE_MAINTAINER: ("new module maintainer", "new module maintainers"),
    NominationKind.MODULE_REVIEWER: ("new module reviewer", "new module reviewers"),
    NominationKind.CORE_MAINTAINER: ("new core maintainer", "new core maintainers"),
    NominationKind.CORE_REVIEWER: ("new core reviewer", "new core reviewers"),
    NominationKind.EMERITUS: ("move to emeritus", "moves to emeritus"),
    NominationKind.REMOVAL: ("removal", "removals"),
}


@dataclass(frozen=True)
class PublicMinutes:
    markdown: str
    redaction_log: dict[str, int]


def number_word(count: int) -> str:
    return NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)


def join_words(words: Iterable[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


# Nominations ----------------------------------------------------------------------------------


def _announced(nomination) -> bool:
    announcement = getattr(nomination, "announcement", None)
    return announcement is not None and announcement.released_at is not None


def _public_name(nomination) -> str:
    if nomination.module_id:
        return f"{nomination.nominee.full_name} for {nomination.module.name}"
    return nomination.nominee.full_name


def nomination_summary(nominations: Iterable) -> str:
    """Counts per kind, and the names of accepted people once their announcement is out.

    Declined, withdrawn and undecided nominees are never named: only counted.
    """
    nominations = list(nominations)
    by_kind: dict[str, list] = {}
    for nomination in nominations:
        by_kind.setdefault(nomination.kind, []).append(nomination)
    sentences = []
    for kind in NominationKind.values:
        group = by_kind.get(kind)
        if not group:
            continue
        singular, plural = KIND_NOUNS[kind]
        sentences.append(f"Considered {len(group)} {singular if len(group) == 1 else plural}.")
        decided = [n for n in group if n.status == NominationStatus.DECIDED]
        accepted = [n for n in decided if n.outcome == Outcome.ACCEPTED]
        declined = [n for n in decided if n.outcome == Outcome.DECLINED]
        withdrawn = [n for n in group if n.status == NominationStatus.WITHDRAWN]
        pending = len(group) - len(decided) - len(withdrawn)
        if accepted:
            named = [_public_name(n) for n in accepted if _announced(n)]
            to_follow = len(accepted) - len(named)
            sentence = f"Accepted {number_word(len(accepted))}"
            if named:
                sentence += f": {join_words(named)}"
            if to_follow:
                sentence += (
                    "; announcement to follow"
                    if not named
                    else f"; {number_word(to_follow)} more to be announced"
                )
            sentences.append(sentence + ".")
        if declined:
            sentences.append(
                f"Did not accept {number_word(len(declined))}; feedback provided privately."
            )
        if withdrawn:
            sentences.append(f"{number_word(len(withdrawn)).capitalize()} withdrawn.")
        if pending:
            sentences.append(f"{number_word(pending).capitalize()} still under consideration.")
    sentences.extend(_proposal_outcome(n) for n in nominations if n.is_proposal)
    return " ".join(sentences)


def _proposal_outcome(vote) -> str:
    """A proposal's public line: the outcome its decider wrote as public text, once decided;
    never its title or text, which are the core maintainers'."""
    kind = vote.get_kind_display()
    if vote.status == NominationStatus.DECIDED and vote.proposal.public_outcome:
        return f"{kind} {vote.get_outcome_display().lower()}: {vote.proposal.public_outcome}"
    if vote.status == NominationStatus.WITHDRAWN:
        return f"{kind} withdrawn."
    return f"{kind} still under consideration."


# Composition ----------------------------------------------------------------------------------


def _indented(text: str) -> str:
    """Text as the body of a Markdown list item: continuation lines indented under it."""
    return "\n  ".join(text.strip().splitlines())


def _person_names(people: Iterable) -> str:
    return join_words(person.full_name for person in people)


class ItemRedactionError(ValueError):
    """Markup that cannot be read, in a named field of a named agenda item."""

    def __init__(self, item_title: str, field: str, error: RedactionError) -> None:
        super().__init__(f"{item_title} ({field}): {error}")
        self.error = error


def _redacted(item, field: str, text: str, placeholder, logs: list) -> str:
    try:
        result = redact(text, placeholder=placeholder)
    except RedactionError as error:
        raise ItemRedactionError(item.title, field, error) from None
    logs.append(result.log)
    return result.text.strip()


def _public_item(item, placeholder: Callable[[str], str], logs: list) -> str:
    title = _redacted(item, "title", item.title, placeholder, logs)
    heading = f"### {title}"
    if item.added_day_of_meeting:
        heading += f" {DAY_OF_MEETING_FLAG}"
    parts = [heading]
    nominations = list(item.nominations.all())
    if item.visibility == "public":
        presenters = list(item.presenters.all())
        if presenters:
            parts.append(f"Presented by {_person_names(presenters)}.")
        if item.notes.strip():
            parts.append(_redacted(item, "notes", item.notes, placeholder, logs))
    elif item.public_summary.strip():
        parts.append(_redacted(item, "public summary", item.public_summary, placeholder, logs))
    if nominations:
        parts.append(f"Summary: {nomination_summary(nominations)}")
    if item.visibility == "public":
        for decision in item.decisions.all():
            line = f"**Decision: {decision.get_outcome_display()}.**"
            text = _redacted(item, "decision", decision.text, placeholder, logs)
            parts.append(f"{line} {text}" if text else line)
        actions = list(item.action_items.all())
        if actions:
            lines = ["**Action items**", ""]
            for action in actions:
                text = _redacted(item, "action item", action.text, placeholder, logs)
                # The status is left out on purpose: it changes after publication, and the
                # owners' page, not a snapshot, is where it is kept current.
                details = []
                owners = list(action.owners.all())
                if owners:
                    details.append(f"owners: {_person_names(owners)}")
                if action.due_on:
                    details.append(f"due {action.due_on:%Y-%m-%d}")
                suffix = f" ({'; '.join(details)})" if details else ""
                lines.append(f"- [AI] {_indented(text)}{suffix}")
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


def attendance_markdown(attendance) -> str:
    """The attendance as published: names as the minutes give them, Markdown escaped."""
    parts = [
        (label, ", ".join(names) if isinstance(names, list) else names)
        for label, names in (
            ("Present", attendance.present),
            ("Absent", attendance.absent),
            ("Guests", attendance.guests),
            ("Chair", attendance.chair),
            ("Minutes", attendance.note_taker),
        )
    ]
    lines = [f"- {label}: {escape_markdown(text)}" for label, text in parts if text]
    if attendance.quorum:
        lines.append(f"- Quorum: {attendance.get_quorum_display().lower()}")
    return "**Attendance**\n\n" + "\n".join(lines) if lines else ""


def escape_markdown(text: str) -> str:
    return "".join(f"\\{char}" if char in "\\`*_{}[]<>()#+-.!|~" else char for char in text)


def compose_public(
    items: Iterable,
    *,
    attendance=None,
    announcement_url: str = "",
    placeholder: Callable[[str], str] = public_placeholder,
) -> PublicMinutes:
    """The public Markdown of a meeting's agenda items (prefetched: presenters, nominations
    with nominee/module/announcement, decisions, action items with owners) and its log.

    Raises ItemRedactionError when an item's markup cannot be read.
    """
    sections: list[str] = []
    logs: list[dict[str, int]] = []
    if attendance is not None and attendance.public and (text := attendance_markdown(attendance)):
        sections.append(text)
    for item in items:
        if item.visibility == "private":
            sections.append(WITHHELD_ITEM_TEXT)
            logs.append({PRIVATE_ITEM_REASON: 1})
        else:
            sections.append(_public_item(item, placeholder, logs))
    if not sections:
        sections.append("*No agenda items were recorded.*")
    if announcement_url:
        sections.append(f"The announcement and agenda of this meeting: <{announcement_url}>")
    # What the HTML would leave out (an image's text, a link's title...) is taken out of the
    # Markdown too, so every public format shows what the reviewers' preview shows.
    markdown = public_markdown("\n\n".join(sections) + "\n")
    return PublicMinutes(markdown=markdown, redaction_log=merge_logs(*logs))


PRIVATE_ACTION_TEXT = "(An action item from a part of the minutes that is not public.)"


def action_item_public_text(action_item) -> str:
    """What someone who is not a core maintainer may read of an action item (its owner, say):
    the redacted text when its agenda item is public, and nothing of it otherwise."""
    if action_item.agenda_item.visibility != "public":
        return PRIVATE_ACTION_TEXT
    try:
        return public_markdown(redact(action_item.text).text)
    except RedactionError:
        return PRIVATE_ACTION_TEXT


def preview_placeholder(reason: str) -> str:
    return f"{MARK_START}{public_placeholder(reason)}{MARK_END}"


def preview_html(items: Iterable, *, attendance=None, announcement_url: str = "") -> SafeString:
    """The public text as the public will read it, with each placeholder marked."""
    minutes = compose_public(
        items,
        attendance=attendance,
        announcement_url=announcement_url,
        placeholder=preview_placeholder,
    )
    html = str(render_markdown(minutes.markdown))
    marked = html.replace(MARK_START, '<mark class="redacted">').replace(MARK_END, "</mark>")
    return mark_safe(marked)


def highlight_source(text: str) -> SafeString:
    """The writer's text, escaped, with each outermost redacted span marked; malformed markup
    shows the text unmarked (the form says what is wrong)."""
    try:
        spans = find_spans(text)
    except RedactionError:
        return mark_safe(escape(text))
    pieces, position = [], 0
    for span in spans:
        pieces.append(escape(text[position : span.start]))
        pieces.append(
            f'<mark class="redacts" title="Redacted: {escape(span.reason)}">'
            f"{escape(text[span.start : span.end])}</mark>"
        )
        position = span.end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def strip_marks(text: str) -> str:
    return text.replace(MARK_START, "").replace(MARK_END, "")
