"""The form renderer (settings.FORM_RENDERER): Django's own, except that the templates every
form field goes through (inputs, text areas, selects, radio buttons and checkboxes, labels,
error lists) are written here in Python, markup for markup. Rendering a field through the
template engine cost more than everything else on a page with three forms. A template
without a writer here (a form's own, a widget this site does not use) is still rendered by
Django; tests/governance/test_form_renderer.py holds the two renderings of every form equal.
"""

from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData

# What `{{ value }}` needs: autoescaping, the active time zone and format localisation.
_CONTEXT = Context(autoescape=True)


def _shown(value) -> str:
    """`{{ value }}`."""
    if type(value) is str:
        return escape(value)
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: a safe value stays as it is, as the filter keeps it."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict | None) -> str:
    """django/forms/widgets/attrs.html (and django/forms/attrs.html)."""
    if not attrs:
        return ""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html, without its last line break."""
    value = widget["value"]
    shown_value = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{shown_value}{_attrs(widget['attrs'])}>"
    )


def _input_option(option: dict) -> str:
    """django/forms/widgets/input_option.html, included (its line breaks kept), for an option
    that its label wraps, as every option of Django's own widgets."""
    id_ = option["attrs"].get("id")
    label_for = f' for="{_shown(id_)}"' if id_ else ""
    return f"<label{label_for}>{_input(option)}\n {_shown(option['label'])}</label>\n"


INPUT_OPTIONS = {
    "django/forms/widgets/radio_option.html",
    "django/forms/widgets/checkbox_option.html",
}
SELECT_OPTIONS = {"django/forms/widgets/select_option.html"}


def _standard_options(widget: dict, templates: set[str]) -> bool:
    """Whether each option goes through one of Django's own option templates, which the
    writers below repeat; a widget of another kind is left to Django."""
    return all(
        option["template_name"] in templates and option["wrap_label"]
        for _group, options, _index in widget["optgroups"]
        for option in options
    )


def _multiple_input(widget: dict) -> str | None:
    """django/forms/widgets/multiple_input.html (radio buttons, checkboxes), each option
    through its option template, included as Django includes it."""
    if not _standard_options(widget, INPUT_OPTIONS):
        return None
    id_ = widget["attrs"].get("id")
    css_class = widget["attrs"].get("class")
    parts = [
        "<div",
        f' id="{_shown(id_)}"' if id_ else "",
        f' class="{_shown(css_class)}"' if css_class else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_shown(group)}</label>")
        for option in options:
            # radio_option.html and checkbox_option.html include input_option.html, each
            # adding the line break that ends the file.
            parts.append(f"<div>\n    {_input_option(option)}\n</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _select(widget: dict) -> str | None:
    """django/forms/widgets/select.html, each option through select_option.html."""
    if not _standard_options(widget, SELECT_OPTIONS):
        return None
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_shown(value) if value else ''}</textarea>"
    )


def _label(context: dict) -> str:
    """django/forms/label.html: a field's label or legend."""
    if not context["use_tag"]:
        return _shown(context["label"]).strip()
    tag = _shown(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_shown(context['label'])}</{tag}>"


def _error_list(context: dict) -> str:
    """django/forms/errors/list/ul.html, through default.html."""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    shown_id = f' id="{_shown(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_shown(error)}</li>" for error in errors)
    return f'<ul class="{_shown(context["error_class"])}"{shown_id}>{items}</ul>'


def _widget(write: Callable[[dict], str | None]) -> Callable[[dict], str | None]:
    return lambda context: write(context["widget"])


_INPUTS = (
    "input",
    "text",
    "number",
    "email",
    "url",
    "password",
    "hidden",
    "date",
    "datetime",
    "time",
    "checkbox",
    "color",
    "search",
    "tel",
)
WRITERS: dict[str, Callable[[dict], str | None]] = {
    **{f"django/forms/widgets/{name}.html": _widget(_input) for name in _INPUTS},
    "django/forms/widgets/textarea.html": _widget(_textarea),
    "django/forms/widgets/select.html": _widget(_select),
    "django/forms/widgets/radio.html": _widget(_multiple_input),
    "django/forms/widgets/checkbox_select.html": _widget(_multiple_input),
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _error_list,
    "django/forms/errors/list/ul.html": _error_list,
}


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        write = WRITERS.get(template_name)
        html = write(context) if write is not None else None
        if html is None:
            return super().render(template_name, context, request)
        return html
