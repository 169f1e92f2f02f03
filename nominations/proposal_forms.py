"""Forms of the proposal pages: they parse and bound input; the services decide."""

from django import forms

from governance.models import ProposalStatus, Role, RoleStatus, TaxonomyProposal
from nominations.forms import DecisionForm, MarkdownField
from nominations.models import DecisionKind, Method, ProposalKind, Threshold, ThresholdBase
from nominations.services.proposals import PUBLIC_OUTCOME_MAX_LENGTH, TITLE_MAX_LENGTH

KEEP = [("", "(keep)")]
YES_NO = [*KEEP, ("yes", "Yes"), ("no", "No")]


class RoleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Role) -> str:
        where = f" of {obj.module.name}" if obj.module_id else ""
        return f"{obj.person.full_name}: {obj.get_kind_display().lower()}{where}"


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label="What you propose", choices=ProposalKind.choices)
    title = forms.CharField(max_length=TITLE_MAX_LENGTH)
    text = MarkdownField(label="The proposal", help_text="Private to the core maintainers.")
    taxonomy_proposal = forms.ModelChoiceField(
        queryset=TaxonomyProposal.objects.filter(status=ProposalStatus.DRAFT).order_by("-pk"),
        required=False,
        help_text="A taxonomy revision: the draft whose steps the vote would apply.",
    )
    roles = RoleField(
        queryset=Role.objects.filter(status=RoleStatus.ACTIVE)
        .select_related("person", "module")
        .order_by("person__full_name", "pk"),
        required=False,
        help_text="An emeritus batch: the roles to move to emeritus.",
    )
    rule_kind = forms.ChoiceField(
        label="Rule to change",
        choices=[("", "(not a rule change)"), *DecisionKind.choices],
        required=False,
    )
    method = forms.ChoiceField(choices=KEEP + Method.choices, required=False)
    threshold = forms.ChoiceField(choices=KEEP + Threshold.choices, required=False)
    threshold_base = forms.ChoiceField(choices=KEEP + ThresholdBase.choices, required=False)
    quorum_percent = forms.IntegerField(min_value=0, max_value=100, required=False)
    min_voting_days = forms.IntegerField(min_value=1, max_value=90, required=False)
    voting_days = forms.IntegerField(min_value=1, max_value=90, required=False)
    objections_to_block = forms.IntegerField(min_value=1, max_value=50, required=False)
    early_close = forms.ChoiceField(choices=YES_NO, required=False)
    secret = forms.ChoiceField(choices=YES_NO, required=False)

    RULE_VALUES = (
        "method",
        "threshold",
        "threshold_base",
        "quorum_percent",
        "min_voting_days",
        "voting_days",
        "objections_to_block",
        "early_close",
        "secret",
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        changes = {}
        for name in self.RULE_VALUES:
            value = data.get(name)
            if value in (None, ""):
                continue
            changes[name] = value == "yes" if name in ("early_close", "secret") else value
        return {
            "kind": data["kind"],
            "title": data["title"],
            "text": data["text"],
            "taxonomy_proposal": data.get("taxonomy_proposal"),
            "roles": list(data.get("roles") or ()),
            "rule_kind": data.get("rule_kind") or "",
            "rule_changes": changes,
        }


class ProposalDecisionForm(DecisionForm):
    public_outcome = forms.CharField(
        label="Public outcome",
        max_length=PUBLIC_OUTCOME_MAX_LENGTH,
        help_text="One line the public minutes show, such as “Referred to an RFC.” It is public: "
        "name no one and quote nothing private.",
    )
