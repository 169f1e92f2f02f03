"""Before a vote, where the rule asks: the nominee's consent page, and seconding."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from governance import permissions
from governance.decorators import private_page
from governance.forms import refusal_message, service_error_text
from nominations import selectors, services
from nominations.forms import ConsentForm
from nominations.models import Nomination
from nominations.views.page import act


@private_page
@require_POST
def nomination_second(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        services.nomination_second(actor=request.user, nomination=nomination)
        return "You second this nomination."

    return act(request, pk, form_name=None, form_class=None, apply=apply)


@private_page
@require_http_methods(["GET", "POST"])
def nominee_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """The nominee's page to accept or decline, where the rule asks: the role only."""
    nomination = selectors.nomination_for_action(pk)
    if nomination is None or not permissions.can_see_consent_page(request.user, nomination):
        raise Http404("No nomination here.")
    form = ConsentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.nominee_consent_answer(
                    actor=request.user,
                    nomination=nomination,
                    accept=form.cleaned_data["answer"] == "accept",
                )
            except (PermissionDenied, ValidationError) as error:
                messages.error(request, service_error_text(error))
            else:
                messages.success(request, "Thank you; your answer is recorded.")
            return redirect("nominations:consent", pk=pk)
        messages.error(request, refusal_message(form))
    return render(
        request,
        "nominations/consent.html",
        {
            "nomination": nomination,
            "form": form,
            "may_answer": permissions.can_answer_consent(request.user, nomination),
        },
        status=400 if form.errors else 200,
    )
