"""Forms of the core maintainers' reports. They parse and bound input; services decide."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.forms.models import ModelChoiceIterator
from django.utils.text import slugify

from governance.models import ModuleGroup, TaxonomyOperation
from governance.taxonomy_projection import ProposedModule
from governance.validators import validate_path_patterns

REASON_MAX_LENGTH = 5_000


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices read in one plain query. Django's own reads them through `iterator()`,
    which on PostgreSQL opens a server-side cursor: three round trips for a list that the
    page shows whole anyway."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.queryset.all():
            yield self.choice(row)


class RowsField(forms.ModelMultipleChoiceField):
    """Rows picked from a list. An id beyond the database's integer range is refused like any
    other unknown id: SQLite cannot even compare it (OverflowError), and Django's range check
    covers `pk=`, not the `pk__in=` this field asks."""

    iterator = ListedChoiceIterator

    def _check_values(self, value):
        low, high = connection.ops.integer_field_range("BigIntegerField")
        for pk in value or ():
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and not low <= int(text) <= high:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:20] + "…"},
                )
        return super()._check_values(value)


def refusal_message(form: forms.Form) -> str:
    """What an invalid form refused, as one message for the top of the page: the form itself
    may not be on the page shown again (a ballot posted after the close, say)."""
    problems = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label or name.replace('_', ' ').capitalize()}: " if field else ""
        problems.append(label + " ".join(errors))
    return "Nothing was saved. " + " ".join(problems)


def service_error_text(error: ValidationError | PermissionDenied) -> str:
    """A service's refusal as one message for the top of the page."""
    return " ".join(getattr(error, "messages", [str(error)]))


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: under the field it names where the form has that
    field, above the form otherwise (a service may name a field this form does not show)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class RolesActionForm(forms.Form):
    """Act on roles picked from the inactive maintainers' report."""

    roles = forms.TypedMultipleChoiceField(coerce=int, widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with each role, or as each nomination's rationale.",
    )

    def __init__(self, *args, role_ids: set[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(pk, pk) for pk in sorted(role_ids)]

    def ticked_role_ids(self) -> set[int]:
        """The offered roles the user ticked, to tick them again; anything else is dropped."""
        offered = {str(pk) for pk, _ in self.fields["roles"].choices}
        return {int(value) for value in self["roles"].value() or [] if str(value) in offered}


class ProposalForm(forms.Form):
    title = forms.CharField(max_length=200)
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the taxonomy should change. Needed before it is applied.",
    )


def _module_choices(modules: list[ProposedModule]) -> list[tuple[str, str]]:
    return [(module.slug, module.name) for module in modules]


class StepForm(forms.Form):
    """One step of a taxonomy proposal. `modules` is the proposed taxonomy so far, so a step
    can name a module an earlier step added or renamed."""

    operation: TaxonomyOperation

    def __init__(self, *args, modules: list[ProposedModule], **kwargs) -> None:
        kwargs.setdefault("prefix", self.operation.value)
        super().__init__(*args, **kwargs)
        self.modules = modules
        for name, field in self.fields.items():
            if isinstance(field, forms.ChoiceField) and name != "group":
                field.choices = _module_choices(modules)

    def step_data(self) -> dict:
        raise NotImplementedError


class AddStepForm(StepForm):
    operation = TaxonomyOperation.ADD
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=100, required=False, help_text="Default: from the name.")
    group = forms.ChoiceField(choices=ModuleGroup.choices, initial=ModuleGroup.CORE)
    includes = forms.CharField(max_length=300, required=False)
    path_patterns = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_path_patterns],
        help_text="One glob a line, relative to the repository root; a leading '-' excludes.",
    )

    def step_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "slug": data["slug"] or slugify(data["name"])[:100],
            "group": data["group"],
            "includes": data["includes"].strip(),
            "path_patterns": data["path_patterns"].strip(),
        }


class RenameStepForm(StepForm):
    operation = TaxonomyOperation.RENAME
    module = forms.ChoiceField()
    name = forms.CharField(max_length=200, label="New name")
    slug = forms.SlugField(
        max_length=100, required=False, label="New slug", help_text="Empty keeps the slug."
    )
    includes = forms.CharField(max_length=300, required=False)

    def step_data(self) -> dict:
        data = self.cleaned_data
        return {
            "module": data["module"],
            "name": data["name"].strip(),
            "slug": data["slug"],
            "includes": data["includes"].strip(),
        }


class MergeStepForm(StepForm):
    operation = TaxonomyOperation.MERGE
    sources = forms.MultipleChoiceField(
        widget=forms.SelectMultiple(attrs={"size": 6}), help_text="The modules to fold in."
    )
    into = forms.ChoiceField(help_text="The module they become part of.")

    def step_data(self) -> dict:
        return {"sources": self.cleaned_data["sources"], "into": self.cleaned_data["into"]}


class SplitStepForm(StepForm):
    operation = TaxonomyOperation.SPLIT
    source = forms.ChoiceField()
    into = forms.MultipleChoiceField(
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label="Parts",
        help_text="Two or more modules; add the new ones first.",
    )
    assignments = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One person a line, “handle: part-slug, part-slug”. "
        "People not named land in every part.",
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        source = next((m for m in self.modules if m.slug == cleaned.get("source")), None)
        if source is None:
            return cleaned
        people = {member.github.lower(): member.person_id for member in source.members}
        assignments: dict[str, list[str]] = {}
        for number, line in enumerate(cleaned.get("assignments", "").splitlines(), start=1):
            if not line.strip():
                continue
            handle, _, parts = line.partition(":")
            person_id = people.get(handle.strip().lstrip("@").lower())
            if person_id is None or not handle.strip():
                self.add_error(
                    "assignments", f"Line {number}: {handle.strip()!r} is not in {source.name}."
                )
                continue
            assignments[str(person_id)] = [p.strip() for p in parts.split(",") if p.strip()]
        cleaned["assignment_ids"] = assignments
        return cleaned

    def step_data(self) -> dict:
        data = self.cleaned_data
        return {
            "source": data["source"],
            "into": data["into"],
            "assignments": data["assignment_ids"],
        }


class SunsetStepForm(StepForm):
    operation = TaxonomyOperation.SUNSET
    module = forms.ChoiceField()

    def step_data(self) -> dict:
        return {"module": self.cleaned_data["module"]}


STEP_FORMS = {
    form.operation.value: form
    for form in (AddStepForm, RenameStepForm, MergeStepForm, SplitStepForm, SunsetStepForm)
}


class ReauthenticationForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class PeopleFilterForm(forms.Form):
    """The people directory's filters. A module is named by its slug; whether it exists is the
    view's question (it lists the modules anyway)."""

    ACTIVE = "active"
    EMERITUS = "emeritus"

    module = forms.SlugField(required=False, max_length=100, label="Module")
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Active and emeritus"), (ACTIVE, "Active"), (EMERITUS, "Emeritus")],
    )
