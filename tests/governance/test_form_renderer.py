"""The site's form renderer writes the field templates in Python: every form the site loads
(its own, allauth's, the admin's, Django's) renders with it exactly as with Django's templates,
unbound, bound with nothing (every required field's error) and bound with a choice made."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.forms.utils import ErrorDict
from django.urls import get_resolver
from django.utils.safestring import mark_safe

from governance.form_renderer import WRITERS, FormRenderer

pytestmark = pytest.mark.django_db

DJANGO = DjangoTemplates()
OURS = FormRenderer()


def every_form_class() -> list[type[forms.BaseForm]]:
    get_resolver().url_patterns  # noqa: B018  (imports every view, and the forms they use)
    found, waiting = set(), [forms.BaseForm]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            if subclass not in found:
                found.add(subclass)
                waiting.append(subclass)
    return sorted(
        (form for form in found if getattr(form, "base_fields", None)),
        key=lambda form: f"{form.__module__}.{form.__qualname__}",
    )


def build(form_class: type[forms.BaseForm], data: dict | None) -> forms.BaseForm:
    """The form with its declared fields, built by BaseForm alone, and its fields' errors when
    bound: many forms' own __init__ asks for a request, a user or a module, which their
    clean() reads, and none of that changes how a field renders."""
    form = form_class.__new__(form_class)
    forms.BaseForm.__init__(form, data)
    if form.is_bound:
        form._errors = ErrorDict(renderer=form.renderer)
        form.cleaned_data = {}
        for bound in form:
            try:
                form.cleaned_data[bound.name] = bound.field.clean(bound.data)
            except ValidationError as error:
                form.add_error(bound.name, error)
    return form


def chosen(form: forms.BaseForm) -> dict:
    """Data with the second choice of each choice field made, and text in every other field,
    with characters that must be escaped."""
    data = {}
    for name, field in form.fields.items():
        choices = [value for value, _ in getattr(field, "choices", ())][:2]
        if choices:
            data[name] = str(choices[-1])
        else:
            data[name] = 'a "quoted" <b>&amp;</b> value'
    return data


def renderings(form: forms.BaseForm, renderer) -> list[str]:
    form.renderer = renderer
    parts = [form.non_field_errors().render(renderer=renderer)]
    for bound in form:
        parts += [str(bound), bound.label_tag(), bound.legend_tag()]
        parts.append(bound.errors.render(renderer=renderer))
        parts.append(bound.label_tag(attrs={"class": "x", "hidden": True, "data-off": False}))
    return parts


@pytest.mark.parametrize("form_class", every_form_class(), ids=lambda form: form.__qualname__)
def test_every_form_renders_as_with_djangos_templates(form_class):
    for data in (None, {}, "chosen"):
        form = build(form_class, chosen(build(form_class, None)) if data == "chosen" else data)

        assert renderings(form, OURS) == renderings(form, DJANGO)


class Tricky(forms.Form):
    grouped = forms.ChoiceField(
        choices=[("Fruit", [("apple", "Apple <red>"), ("pear", "Pear")]), ("none", "None")]
    )
    radios = forms.ChoiceField(
        choices=[("Kind", [("a", "A & B")]), (1, mark_safe("<em>One</em>"))],
        widget=forms.RadioSelect(attrs={"class": "inline"}),
    )
    boxes = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
    )
    agree = forms.BooleanField(required=False)
    count = forms.IntegerField(label=mark_safe("<b>Count</b>"), required=False)
    when = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "readonly": True}))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    plain = forms.CharField(label="Is it?", label_suffix="", required=False)

    def clean(self):
        raise forms.ValidationError(["Wrong <here>", "and there"])


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "grouped": "apple",
            "radios": "1",
            "boxes": ["x", "y"],
            "agree": "on",
            "count": "12",
            "when": "2026-01-02T03:04",
            "text": "<script>&</script>\n",
            "hidden": '"',
            "plain": "x",
        },
    ],
)
@pytest.mark.parametrize("auto_id", ["id_%s", "", "field-%s"])
def test_groups_escaping_and_missing_ids_render_as_with_djangos_templates(data, auto_id):
    form = Tricky(data, auto_id=auto_id, initial={"count": 1234567})
    form.is_bound and form.is_valid()

    assert renderings(form, OURS) == renderings(form, DJANGO)


def test_it_is_the_sites_renderer_and_writes_the_templates_it_names():
    assert isinstance(get_default_renderer(), FormRenderer)
    for template_name in WRITERS:
        assert DJANGO.get_template(template_name)
