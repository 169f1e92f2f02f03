"""Where nominations start: the dashboard and its sections, nomination requests and their
triage, a new nomination, and the inactive maintainers' report's one-step actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance import permissions, report_selectors
from governance import selectors as governance_selectors
from governance.decorators import private_page, visible_or_404
from governance.forms import RolesActionForm, add_service_error, service_error_text
from nominations import dashboard_selectors, selectors, services
from nominations.forms import NominationForm, NominationRequestForm, TriageForm
from nominations.models import ProposalKind, RequestStatus


@private_page
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "nominations/dashboard.html",
        {
            "board": dashboard_selectors.dashboard_for(request.user),
            "is_core": permissions.can_manage_nominations(request.user),
            "can_propose": permissions.can_propose(request.user),
        },
    )


@private_page
@require_GET
@visible_or_404(permissions.can_manage_nominations)
def dashboard_section(request: HttpRequest, section: str) -> HttpResponse:
    """All of one of the core maintainers' dashboard lists, fifty rows a page."""
    if section not in dashboard_selectors.SECTIONS:
        raise Http404("No list here.")
    listed = dashboard_selectors.SECTIONS[section]
    paginator = Paginator(
        listed.rows(request.user, timezone.now()), dashboard_selectors.SECTION_PAGE_ROWS
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "nominations/section.html",
        {"section": listed, "page": page, "rows": listed.shown(list(page))},
    )


@private_page
@sensitive_post_parameters("nominee_name", "nominee_github", "rationale")
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    form = NominationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_request_submit(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Your request is with the core maintainers.")
            return redirect("nominations:dashboard")
    return render(
        request,
        "nominations/request_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@private_page
@sensitive_post_parameters("reason")
@require_http_methods(["GET", "POST"])
def request_triage(request: HttpRequest, pk: int) -> HttpResponse:
    nomination_request = selectors.request_for_triage(pk)
    if nomination_request is None or not permissions.can_view_request(
        request.user, nomination_request
    ):
        raise Http404("No request here.")
    form = TriageForm(request.POST or None)
    status = 400
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            if decision == "take_up":
                nomination = services.nomination_request_take_up(
                    actor=request.user, request=nomination_request
                )
                messages.success(request, "Taken up as a draft nomination.")
                return redirect(nomination)
            services.nomination_request_reject(
                actor=request.user,
                request=nomination_request,
                reason=form.cleaned_data["reason"],
                spam=decision == "spam",
            )
        except ValidationError as error:
            add_service_error(form, error)
            if isinstance(error, services.NominationError):
                status = 409
        else:
            messages.success(request, "The request was rejected.")
            return redirect("nominations:dashboard")
    return render(
        request,
        "nominations/request_triage.html",
        {
            "nomination_request": nomination_request,
            "form": form,
            "pending": RequestStatus.PENDING,
            # The spam button asks first, on this page read again with ?confirm=spam.
            "confirm_spam": request.GET.get("confirm") == "spam",
        },
        status=status if form.errors else 200,
    )


@private_page
@sensitive_post_parameters("rationale")
@require_http_methods(["GET", "POST"])
@visible_or_404(permissions.can_manage_nominations)
def nomination_new(request: HttpRequest) -> HttpResponse:
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nomination_create(
                actor=request.user, nominators=[request.user], **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Draft nomination created.")
            return redirect(nomination)
    return render(
        request,
        "nominations/nomination_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# From the inactive maintainers' report ----------------------------------------------------------


@private_page
@sensitive_post_parameters("reason")
@require_POST
@visible_or_404(permissions.can_propose)
def emeritus_proposal_for_inactive(request: HttpRequest) -> HttpResponse:
    """The report's first one-step action: one emeritus batch put to the core maintainers' vote.
    Nobody moves roles to emeritus alone; the batch applies only once the vote accepts it."""
    form = RolesActionForm(request.POST, role_ids=report_selectors.inactivity_report().role_ids)
    if not form.is_valid():
        messages.error(request, "Select the maintainers and give the reason.")
        return redirect("report_inactive")
    roles = governance_selectors.roles_by_ids(form.cleaned_data["roles"])
    try:
        proposal = services.proposal_create(
            actor=request.user,
            kind=ProposalKind.EMERITUS_BATCH,
            title=f"Move {len(roles)} inactive role(s) to emeritus",
            text=form.cleaned_data["reason"],
            roles=roles,
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
        return redirect("report_inactive")
    messages.success(request, "The emeritus batch is proposed; open its vote from its page.")
    return redirect(proposal.vote)


@private_page
@sensitive_post_parameters("reason")
@require_POST
@visible_or_404(permissions.can_open_removal_nominations)
def nominations_for_inactive(request: HttpRequest) -> HttpResponse:
    """The report's second one-step action: a removal nomination for each selected role."""
    form = RolesActionForm(request.POST, role_ids=report_selectors.inactivity_report().role_ids)
    if not form.is_valid():
        messages.error(request, "Select the roles to nominate and give the rationale.")
        return redirect("report_inactive")
    roles = governance_selectors.roles_by_ids(form.cleaned_data["roles"])
    try:
        batch = services.nominations_for_inactive(
            actor=request.user, roles=roles, rationale=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
        return redirect("report_inactive")
    skipped = len(batch.already_nominated)
    messages.success(
        request,
        f"Drafted {len(batch.created)} removal nomination(s)."
        + (f" {skipped} already had a live nomination." if skipped else ""),
    )
    return redirect("nominations:dashboard")
