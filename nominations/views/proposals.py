"""Proposal pages. A proposal's vote is a nomination row of a proposal kind: its voting actions
(start, vote, recuse, close, withdraw) are the nomination page's own routes, and its page is
built from the same context; only making a proposal and deciding it are its own."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance import permissions
from governance.decorators import private_page, visible_or_404
from governance.forms import add_service_error, refusal_message, service_error_text
from nominations import selectors, services
from nominations.models import Nomination, ProposalKind
from nominations.proposal_forms import ProposalDecisionForm, ProposalForm
from nominations.views.page import page_context


def _visible_proposal(request: HttpRequest, pk: int) -> Nomination:
    vote = selectors.proposal_for_page(pk)
    if vote is None or not permissions.can_view_proposal(request.user, vote):
        raise Http404("No proposal here.")
    return vote


def _context(request: HttpRequest, vote: Nomination, bound: dict) -> dict:
    context = page_context(request, vote, bound)
    context["proposal"] = vote.proposal
    context["forms"].setdefault("proposal_decision", ProposalDecisionForm())
    return context


@private_page
@sensitive_post_parameters("title", "text")
@require_http_methods(["GET", "POST"])
@visible_or_404(permissions.can_propose)
def proposal_new(request: HttpRequest) -> HttpResponse:
    initial = {
        key: request.GET[key]
        for key in ("kind", "taxonomy_proposal")
        if key in request.GET and key in ProposalForm.base_fields
    }
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                proposal = services.proposal_create(actor=request.user, **form.service_arguments())
            except (ValidationError, PermissionDenied) as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Your proposal is made; start its vote when ready.")
                return redirect(proposal.vote)
        else:
            messages.error(request, refusal_message(form))
    return render(
        request,
        "nominations/proposal_form.html",
        {"form": form, "kinds": ProposalKind},
        status=400 if form.errors else 200,
    )


@private_page
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _visible_proposal(request, pk)
    return render(request, "nominations/proposal_detail.html", _context(request, vote, {}))


@private_page
@sensitive_post_parameters("reasons", "public_outcome")
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _visible_proposal(request, pk)
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, refusal_message(form))
        context = _context(request, vote, {"proposal_decision": form})
        return render(request, "nominations/proposal_detail.html", context, status=400)
    try:
        services.proposal_decide(actor=request.user, vote=vote, **form.cleaned_data)
    except PermissionDenied as error:
        status, text = 403, str(error) or "You may not do this."
    except services.NominationError as error:
        status, text = 409, service_error_text(error)
    except ValidationError as error:
        status, text = 400, service_error_text(error)
    else:
        messages.success(request, "The decision is recorded, and an accepted proposal applied.")
        return redirect(vote)
    messages.error(request, text)
    context = _context(request, _visible_proposal(request, pk), {})
    return render(request, "nominations/proposal_detail.html", context, status=status)
