"""Forms parse and bound input; the services decide what the input may change."""

from django import forms

from governance.forms import RowsField
from governance.models import Person
from meetings.minutes_parser import MAX_IMPORT_BYTES, ImportRejected, decode_upload
from meetings.models import (
    COMMENT_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    RETRACTION_REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    ActionItemStatus,
    DecisionOutcome,
    MeetingKind,
    Quorum,
    Verdict,
    Visibility,
)
from meetings.redaction import SYNTAX_HELP, RedactionError, find_spans
from meetings.review_rules import MAX_WINDOW_DAYS, MIN_WINDOW_DAYS, REVIEW_WINDOW
from nominations.models import Nomination

PEOPLE_SIZE = 8
QUERY_MAX_LENGTH = 200


def _people_field(label: str) -> RowsField:
    return RowsField(
        queryset=Person.objects.order_by("full_name", "pk"),
        required=False,
        label=label,
        widget=forms.SelectMultiple(attrs={"size": PEOPLE_SIZE}),
    )


class MarkupField(forms.CharField):
    """Text with redaction markup, checked here so that the writer sees the line and column."""

    def __init__(self, *, max_length: int, rows: int = 6, **kwargs) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        kwargs.setdefault("help_text", SYNTAX_HELP)
        super().__init__(max_length=max_length, strip=True, **kwargs)

    def validate(self, value: str) -> None:
        super().validate(value)
        try:
            find_spans(value or "")
        except RedactionError as error:
            raise forms.ValidationError(str(error), code="redaction") from None


class NominationChoiceField(RowsField):
    def label_from_instance(self, obj: Nomination) -> str:
        status = obj.get_status_display().lower()
        if obj.is_proposal:
            return f"Proposal #{obj.pk}, {obj.get_kind_display().lower()}: {obj.proposal.title} ({status})"
        return f"{obj.nominee.full_name}: {obj.role_title} ({status})"


class MeetingForm(forms.Form):
    title = forms.CharField(
        max_length=200, help_text="Public from the start: the calendar lists upcoming meetings."
    )
    starts_at = forms.DateTimeField(
        label="Starts at (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(min_value=1, max_value=24 * 60, initial=60)
    kind = forms.ChoiceField(choices=MeetingKind.choices)
    announcement_url = forms.URLField(
        label="Announcement link", required=False, max_length=500, assume_scheme="https"
    )
    attendees = _people_field("Attendees (private)")


class AgendaItemForm(forms.Form):
    title = forms.CharField(
        max_length=300, help_text="Public for public and summary-only items; may be redacted."
    )
    added_day_of_meeting = forms.BooleanField(required=False, label="Added on the day")
    visibility = forms.ChoiceField(
        choices=Visibility.choices, widget=forms.RadioSelect, initial=Visibility.PUBLIC
    )
    notes = MarkupField(max_length=NOTES_MAX_LENGTH, rows=14, required=False)
    public_summary = MarkupField(
        max_length=TEXT_MAX_LENGTH,
        rows=3,
        required=False,
        help_text="What the public reads of a summary-only item. " + SYNTAX_HELP,
    )
    presenters = _people_field("Presenters")
    nominations = NominationChoiceField(
        queryset=Nomination.objects.select_related("nominee", "module", "ending_role", "proposal")
        .exclude(status="draft")
        .order_by("-created_at", "-pk"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": PEOPLE_SIZE}),
        help_text="Linked nominations and proposals give the item a generated public summary: "
        "counts, the names of accepted people once announced, and each decided proposal's public "
        "outcome.",
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        try:
            find_spans(title)
        except RedactionError as error:
            raise forms.ValidationError(str(error), code="redaction") from None
        return title


class NewAgendaItemForm(forms.Form):
    title = forms.CharField(max_length=300)
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PUBLIC)


class DecisionForm(forms.Form):
    """Part of the agenda item page: left empty, it asks for no decision."""

    outcome = forms.ChoiceField(
        choices=[("", "No decision yet"), *DecisionOutcome.choices], required=False
    )
    text = MarkupField(max_length=TEXT_MAX_LENGTH, rows=2, required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("text") and not cleaned.get("outcome") and "outcome" not in self.errors:
            self.add_error("outcome", "Choose the outcome of this decision.")
        return cleaned

    def asks(self) -> bool:
        return bool(self.cleaned_data.get("outcome"))


class ActionItemForm(forms.Form):
    """Part of the agenda item page: left empty, it asks for no action item."""

    text = MarkupField(max_length=TEXT_MAX_LENGTH, rows=2, required=False, label="Action")
    owners = _people_field("Owners")
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("text") and (cleaned.get("owners") or cleaned.get("due_on")):
            self.add_error("text", "Write what is to be done.")
        return cleaned

    def asks(self) -> bool:
        return bool(self.cleaned_data.get("text"))


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItemStatus.choices)


class SubmitForm(forms.Form):
    window_days = forms.IntegerField(
        label="Review window (days)",
        min_value=MIN_WINDOW_DAYS,
        max_value=MAX_WINDOW_DAYS,
        initial=REVIEW_WINDOW.days,
    )
    change_note = forms.CharField(
        label="What changed (for a correction; public)", max_length=300, required=False
    )


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed for an objection. Read by the core maintainers only.",
    )


class RetractForm(forms.Form):
    reason = forms.CharField(
        max_length=RETRACTION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why retract this version?",
        help_text=(
            "Private: kept in the audit log and told to the core maintainers in their inbox; "
            "never shown to the public."
        ),
    )


def _name_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class AttendanceForm(forms.Form):
    present = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="One name a line."
    )
    absent = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    guests = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    chair = forms.CharField(required=False, max_length=200)
    note_taker = forms.CharField(required=False, max_length=200, label="Note-taker")
    quorum = forms.ChoiceField(choices=Quorum.choices, required=False)
    public = forms.BooleanField(required=False, label="Publish the attendance with the minutes")

    def clean(self) -> dict:
        cleaned = super().clean()
        for field in ("present", "absent", "guests"):
            cleaned[field] = _name_lines(cleaned.get(field) or "")
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text=f"Plain text or Markdown, UTF-8, up to {MAX_IMPORT_BYTES // 1000:,} kB.",
    )
    text = forms.CharField(
        required=False,
        label="…or paste the minutes",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=MAX_IMPORT_BYTES,
    )

    day_first = forms.BooleanField(
        required=False, label="Dates such as 1/9/24 put the day first (1 September)"
    )
    # Set by the preview's form: the text shown in the preview, imported as it was shown.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The uploaded file's name, carried through the preview into the audit log.
    source = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean_file(self) -> str:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return ""
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; minutes are imported up to "
                f"{MAX_IMPORT_BYTES:,} bytes.",
                code="too_large",
            )
        try:
            return decode_upload(upload.read(MAX_IMPORT_BYTES + 1))
        except ImportRejected as error:
            raise forms.ValidationError(str(error), code="not_text") from None

    def clean(self) -> dict:
        cleaned = super().clean()
        text = cleaned.get("file") or cleaned.get("text") or ""
        if not self.errors and not text.strip():
            raise forms.ValidationError("Choose a file or paste the minutes.")
        if cleaned.get("file") and cleaned.get("text"):
            raise forms.ValidationError("Choose a file or paste the minutes, not both.")
        cleaned["minutes"] = text
        return cleaned


class SearchForm(forms.Form):
    """The search box. Its field refuses NUL, which PostgreSQL's full-text search cannot take."""

    q = forms.CharField(required=False)

    def clean_q(self) -> str:
        return normal_search_text(self.cleaned_data["q"])


def normal_search_text(text: str) -> str:
    """Runs of whitespace are one space; beyond the box's length, nothing is searched."""
    return " ".join(text.split())[:QUERY_MAX_LENGTH]
