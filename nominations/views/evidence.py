"""Before a vote: opening a nomination for evidence, inviting module maintainers into its
thread, and adding and editing evidence."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from governance import permissions
from governance.decorators import private_page
from governance.forms import add_service_error
from nominations import selectors, services
from nominations.forms import EvidenceForm, InviteForm
from nominations.models import Nomination
from nominations.views.page import act, nomination_to_act_on


@private_page
@require_POST
def nomination_open(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        services.nomination_open(actor=request.user, nomination=nomination)
        return "The nomination is open for evidence."

    return act(request, pk, form_name=None, form_class=None, apply=apply)


@private_page
@require_POST
def evidence_invite(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = nomination_to_act_on(request, pk)
    if nomination.module_id is None:
        raise Http404("This nomination invites no module maintainers.")

    def apply(nomination: Nomination, data: dict) -> str:
        invited = services.evidence_invite(
            actor=request.user, nomination=nomination, users=data["users"]
        )
        return f"Invited {len(invited)} maintainer(s) into the evidence thread."

    return act(
        request,
        pk,
        form_name="invite",
        form_class=lambda data: InviteForm(data, module=nomination.module),
        apply=apply,
    )


@private_page
@sensitive_post_parameters("body")
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        services.evidence_add(actor=request.user, nomination=nomination, **data)
        return "Your evidence was added to the thread."

    return act(request, pk, form_name="evidence", form_class=EvidenceForm, apply=apply)


@private_page
@sensitive_post_parameters("body")
@require_http_methods(["GET", "POST"])
def evidence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.evidence_entry(pk)
    if entry is None or not permissions.can_view_nomination(request.user, entry.nomination):
        raise Http404("No evidence here.")
    if not permissions.can_edit_evidence(request.user, entry):
        raise PermissionDenied("Only its author may edit this entry while the nomination is live.")
    form = EvidenceForm(
        request.POST or None, initial={"criterion": entry.criterion, "body": entry.body}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_edit(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Your entry was updated; the earlier text is kept.")
            return redirect(entry.nomination)
    return render(
        request,
        "nominations/evidence_edit.html",
        {"entry": entry, "form": form},
        status=400 if form.errors else 200,
    )
