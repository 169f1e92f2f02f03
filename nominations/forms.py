"""Forms parse and bound input; the services decide what the input may change."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator

from governance.compiled_queries import CompiledQuery
from governance.forms import RowsField
from governance.models import (
    GITHUB_HANDLE_MAX_LENGTH,
    Module,
    ModuleStatus,
    Person,
    Role,
    RoleStatus,
    validate_github_handle,
)
from governance.validators import validate_person_name
from nominations.models import (
    COMMENT_MAX_LENGTH,
    EVIDENCE_MAX_LENGTH,
    MODULE_KINDS,
    RECUSAL_REASON_MAX_LENGTH,
    BallotChoice,
    Criterion,
    Method,
    NominationKind,
    Outcome,
)

REQUESTABLE_KINDS = [
    (kind.value, kind.label)
    for kind in NominationKind
    if kind not in (NominationKind.EMERITUS, NominationKind.REMOVAL)
]


class ActiveModuleChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            queryset=Module.objects.filter(status=ModuleStatus.ACTIVE).order_by("name"),
            required=False,
            empty_label="(not a module role)",
            **kwargs,
        )


class MarkdownField(forms.CharField):
    def __init__(self, *, max_length: int = EVIDENCE_MAX_LENGTH, **kwargs) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6}))
        kwargs.setdefault("help_text", "Markdown: links, lists, emphasis. HTML is shown as text.")
        super().__init__(max_length=max_length, strip=True, **kwargs)


def _module_for(cleaned: dict, form: forms.Form) -> None:
    kind, module = cleaned.get("kind"), cleaned.get("module")
    if kind in MODULE_KINDS and module is None:
        form.add_error("module", "Choose the module this nomination is for.")
    if kind and kind not in MODULE_KINDS and module is not None:
        form.add_error("module", "Only module maintainer and reviewer nominations name a module.")


class NominationRequestForm(forms.Form):
    nominee_name = forms.CharField(
        label="Nominee's full name", max_length=200, validators=[validate_person_name]
    )
    nominee_github = forms.CharField(
        label="Nominee's GitHub handle",
        max_length=GITHUB_HANDLE_MAX_LENGTH,
        validators=[validate_github_handle],
        help_text="Yourself, if this is a self-nomination.",
    )
    kind = forms.ChoiceField(label="Role", choices=REQUESTABLE_KINDS)
    module = ActiveModuleChoiceField()
    rationale = MarkdownField(
        help_text="Why this person, with links: reviews, issues triaged, designs, commitment."
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        _module_for(cleaned, self)
        return cleaned


class TriageForm(forms.Form):
    DECISIONS = [("take_up", "Take up as a draft"), ("reject", "Reject"), ("spam", "Spam")]
    decision = forms.ChoiceField(choices=DECISIONS)
    reason = forms.CharField(
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the requester when you reject.",
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason"):
            self.add_error("reason", "Give the requester a reason.")
        return cleaned


class NominationForm(forms.Form):
    nominee = forms.ModelChoiceField(queryset=Person.objects.order_by("full_name"))
    kind = forms.ChoiceField(label="Role", choices=NominationKind.choices)
    module = ActiveModuleChoiceField()
    ending_role = forms.ModelChoiceField(
        queryset=Role.objects.filter(status=RoleStatus.ACTIVE).select_related("person", "module"),
        required=False,
        help_text="For a move to emeritus or a removal: the role it would end.",
    )
    rationale = MarkdownField()

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("kind") in (NominationKind.EMERITUS, NominationKind.REMOVAL):
            if cleaned.get("ending_role") is None:
                self.add_error("ending_role", "Choose the role this would end.")
        else:
            _module_for(cleaned, self)
        return cleaned


class EvidenceForm(forms.Form):
    criterion = forms.ChoiceField(choices=Criterion.choices)
    body = MarkdownField(label="Evidence")


class MaintainerChoiceField(RowsField):
    def label_from_instance(self, obj) -> str:
        person = getattr(obj, "person", None)
        return str(person) if person is not None else obj.get_username()


def _module_maintainers(module_id: int) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            person__roles__module_id=module_id,
            person__roles__kind="module_maintainer",
            person__roles__status=RoleStatus.ACTIVE,
        )
        .distinct()
        .order_by("person__full_name", "username")
    )


# Listed on every view of a module nomination's page, so compiled once per process.
_MAINTAINERS_LISTED = CompiledQuery(
    lambda module_id: _module_maintainers(module_id).values_list(
        "pk", "username", "person__full_name", "person__github"
    )
)


class _MaintainersListed(BaseChoiceIterator):
    """The module's maintainers as `MaintainerChoiceField` labels them, from plain rows."""

    def __init__(self, module_id: int) -> None:
        self.module_id = module_id

    def __iter__(self):
        [rows] = _MAINTAINERS_LISTED.rows(self.module_id)
        for pk, username, full_name, github in rows:
            yield pk, Person.label(full_name, github) if full_name is not None else username


class InviteForm(forms.Form):
    users = MaintainerChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Maintainers of the module to invite",
    )

    def __init__(self, *args, module: Module, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["users"]
        if self.is_bound:
            field.queryset = _module_maintainers(module.pk).select_related("person")
        else:
            # A blank form is never checked, only shown (and read only if it is).
            field.widget.choices = _MaintainersListed(module.pk)


class VotingOpenForm(forms.Form):
    deadline = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="UTC. Leave empty for the policy's default length; never less than its minimum.",
    )

    def clean_deadline(self) -> datetime.datetime | None:
        deadline = self.cleaned_data.get("deadline")
        if deadline is not None and deadline <= timezone.now():
            raise forms.ValidationError("The deadline must be in the future.")
        return deadline


class RecuseForm(forms.Form):
    reason = forms.CharField(
        label="Your conflict of interest",
        max_length=RECUSAL_REASON_MAX_LENGTH,
        help_text="Recusing yourself ends your vote on this nomination; you still count in the "
        "electorate that quorum is measured against.",
    )


# What each choice means under each method; the ledger stores the same three choices.
CHOICE_LABELS = {
    Method.APPROVAL: BallotChoice.choices,
    Method.LAZY_CONSENSUS: [
        (BallotChoice.APPROVE, "Agree"),
        (BallotChoice.DECLINE, "Object"),
        (BallotChoice.ABSTAIN, "Abstain"),
    ],
    Method.CONSENT: [
        (BallotChoice.APPROVE, "Consent"),
        (BallotChoice.DECLINE, "Block (give your reason below)"),
        (BallotChoice.ABSTAIN, "Stand aside"),
    ],
}


class BallotForm(forms.Form):
    choice = forms.ChoiceField(choices=BallotChoice.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional. Read by the core maintainers after the close.",
    )

    def __init__(self, *args, method: str = Method.APPROVAL, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = CHOICE_LABELS[Method(method)]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    reasons = MarkdownField(label="Reasons")


class FeedbackForm(forms.Form):
    to_nominee = MarkdownField(label="Feedback to the nominee")
    to_nominators = MarkdownField(label="Feedback to the nominators")


class FeedbackReleaseForm(forms.Form):
    other_channel = forms.CharField(
        label="How the nominee will get this feedback instead",
        help_text="Only when the nominee has neither an account here nor an email address.",
        max_length=1_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnnouncementForm(forms.Form):
    text = forms.CharField(
        label="Announcement text",
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Plain text, read by everyone once released. Preview it before you save.",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why it is withdrawn",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConsentForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("accept", "I accept the nomination"), ("decline", "I decline, for now")],
        widget=forms.RadioSelect,
    )
