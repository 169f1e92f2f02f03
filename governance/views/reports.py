"""The core maintainers' reports. Private pages: 404 to everyone else."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance import (
    permissions,
    report_selectors,
    selectors,
    services,
    taxonomy_projection,
    taxonomy_selectors,
    taxonomy_steps,
)
from governance.decorators import private_page, visible_or_404
from governance.forms import (
    STEP_FORMS,
    ProposalForm,
    RolesActionForm,
    service_error_text,
)
from governance.models import ProposalStatus, TaxonomyProposal
from governance.web import post_action


@private_page
@require_GET
@visible_or_404(permissions.can_view_reports)
def report_index(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/reports/index.html", {"minimum": selectors.MIN_MAINTAINERS})


# Activity and emeritus --------------------------------------------------------------------------


@private_page
@require_GET
@visible_or_404(permissions.can_view_reports)
def inactive_report(request: HttpRequest) -> HttpResponse:
    report = report_selectors.inactivity_report()
    form = RolesActionForm(
        role_ids=report.role_ids, initial={"roles": [item.role.pk for item in report.inactive]}
    )
    return render(
        request,
        "governance/reports/inactive.html",
        {
            "report": report,
            "form": form,
            "selected": form.ticked_role_ids(),
            "can_nominate": permissions.can_open_removal_nominations(request.user),
        },
    )


# Staffing and affiliation -----------------------------------------------------------------------


@private_page
@require_GET
@visible_or_404(permissions.can_view_reports)
def understaffed_report(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/reports/understaffed.html",
        {"modules": report_selectors.understaffed_modules(), "minimum": selectors.MIN_MAINTAINERS},
    )


@private_page
@require_GET
@visible_or_404(permissions.can_view_reports)
def affiliation_report(request: HttpRequest) -> HttpResponse:
    core, modules = report_selectors.affiliation_spread()
    return render(
        request,
        "governance/reports/affiliations.html",
        {"core": core, "modules": modules, "majority": report_selectors.MAJORITY_SHARE},
    )


# Taxonomy proposals -----------------------------------------------------------------------------


@private_page
@sensitive_post_parameters("title", "reason")
@require_http_methods(["GET", "POST"])
@visible_or_404(permissions.can_view_reports)
def taxonomy_proposals(request: HttpRequest) -> HttpResponse:
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.taxonomy_proposal_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, service_error_text(error))
        else:
            return redirect(proposal)
    return render(
        request,
        "governance/reports/proposals.html",
        {"proposals": taxonomy_selectors.taxonomy_proposals(), "form": form},
        status=400 if form.errors else 200,
    )


def _proposal(pk: int) -> TaxonomyProposal:
    proposal = taxonomy_selectors.taxonomy_proposal(pk)
    if proposal is None:
        raise Http404("No proposal here.")
    return proposal


def _proposal_page(
    request: HttpRequest, proposal: TaxonomyProposal, bound: dict, status: int = 200
) -> HttpResponse:
    steps = list(proposal.steps.all())
    current, taken = taxonomy_selectors.current_taxonomy()
    projection, problem = None, ""
    if proposal.status == ProposalStatus.DRAFT:
        try:
            projection = taxonomy_projection.project(
                current, [(step.operation, step.data) for step in steps], taken
            )
        except ValidationError as error:
            # The roster changed under the draft (a module retired, a slug taken).
            problem = service_error_text(error)
    modules = projection.modules if projection else current
    step_forms = {
        operation: bound.get(operation) or form_class(modules=modules)
        for operation, form_class in STEP_FORMS.items()
    }
    return render(
        request,
        "governance/reports/proposal.html",
        {
            "proposal": proposal,
            "steps": [(step, taxonomy_steps.describe(step.operation, step.data)) for step in steps],
            "current": taxonomy_projection.by_group(current),
            "projection": projection,
            "problem": problem,
            "step_forms": step_forms,
        },
        status=status,
    )


@private_page
@require_GET
@visible_or_404(permissions.can_view_reports)
def taxonomy_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    return _proposal_page(request, _proposal(pk), {})


@private_page
@require_POST
@visible_or_404(permissions.can_view_reports)
def taxonomy_step_add(request: HttpRequest, pk: int, operation: str) -> HttpResponse:
    proposal = _proposal(pk)
    form_class = STEP_FORMS.get(operation)
    if form_class is None:
        raise Http404("No such step.")
    steps = [(step.operation, step.data) for step in proposal.steps.all()]
    try:
        modules = taxonomy_selectors.proposal_projection(steps).modules
    except ValidationError:
        modules = taxonomy_selectors.current_taxonomy()[0]
    form = form_class(request.POST, modules=modules)

    def apply(data: dict) -> str:
        services.taxonomy_proposal_add_step(
            actor=request.user, proposal=proposal, operation=operation, data=form.step_data()
        )
        return "The step is added; the proposed taxonomy shows it."

    return post_action(
        request,
        form_name=operation,
        form=form,
        apply=apply,
        page=lambda bound, status: _proposal_page(request, proposal, bound, status=status),
        done_url=proposal.get_absolute_url,
        errors_on_form=True,
    )


@private_page
@require_POST
@visible_or_404(permissions.can_view_reports)
def taxonomy_step_remove(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    proposal = _proposal(pk)

    def apply(data: dict) -> str:
        services.taxonomy_proposal_remove_step(
            actor=request.user, proposal=proposal, position=position
        )
        return "The step is removed."

    return post_action(
        request,
        form_name=None,
        form=None,
        apply=apply,
        page=lambda bound, status: _proposal_page(request, proposal, bound, status=status),
        done_url=proposal.get_absolute_url,
    )


@private_page
@require_POST
@visible_or_404(permissions.can_view_reports)
def taxonomy_proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(pk)

    def apply(data: dict) -> str:
        services.taxonomy_proposal_withdraw(actor=request.user, proposal=proposal)
        return "The proposal is withdrawn."

    return post_action(
        request,
        form_name=None,
        form=None,
        apply=apply,
        page=lambda bound, status: _proposal_page(request, proposal, bound, status=status),
        done_url=proposal.get_absolute_url,
    )
