"""The one way a private page runs a POST action and reports a service's refusal."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from governance.forms import add_service_error, refusal_message, service_error_text

# Shows the page again with these forms bound (by name) and this status.
Page = Callable[[dict, int], HttpResponse]


def post_action(
    request: HttpRequest,
    *,
    form_name: str | None,
    form: forms.Form | None,
    apply: Callable[[dict], str],
    page: Page,
    done_url: Callable[[], str],
    conflict: type[ValidationError] | None = None,
    errors_on_form: bool = False,
) -> HttpResponse:
    """Validate the form, run the service and redirect with its success message; else the page
    again: the form's errors (400), the refusal (403), or the state that forbids it (409).
    With `errors_on_form` every refusal of the input is shown on the form itself; without it,
    above the page, but under the field a service names where the form has it. The address
    to go to is read after the action, which may have renamed what it acted on."""
    data = {}
    if form is not None:
        if not form.is_valid():
            if not errors_on_form:
                messages.error(request, refusal_message(form))
            return page({form_name: form}, 400)
        data = form.cleaned_data
    try:
        done = apply(data)
    except PermissionDenied as error:
        messages.error(request, str(error) or "You may not do this.")
        return page({}, 403)
    except ValidationError as error:
        if conflict is not None and isinstance(error, conflict):
            messages.error(request, service_error_text(error))
            return page({}, 409)
        if form is not None and (errors_on_form or hasattr(error, "error_dict")):
            add_service_error(form, error)
            return page({form_name: form}, 400)
        messages.error(request, service_error_text(error))
        return page({}, 400)
    messages.success(request, done)
    return redirect(done_url())
