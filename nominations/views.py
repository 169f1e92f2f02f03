"""Nomination pages. Private pages answer 404 to anyone the policy does not let see them."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance import permissions, report_selectors
from governance import selectors as governance_selectors
from governance.decorators import private_page, visible_or_404
from governance.forms import RolesActionForm, add_service_error, service_error_text
from governance.integration_selectors import forum_state
from governance.public_cache import cached_public_page
from governance.web import post_action
from nominations import selectors, services, wording
from nominations.forms import (
    AnnouncementForm,
    BallotForm,
    DecisionForm,
    EvidenceForm,
    FeedbackForm,
    FeedbackReleaseForm,
    InviteForm,
    NominationForm,
    NominationRequestForm,
    RecuseForm,
    TriageForm,
    VotingOpenForm,
    WithdrawForm,
)
from nominations.models import Criterion, DecisionKind, Nomination, ProposalKind, RequestStatus
from nominations.voting_rules import (
    NOT_CRITERIA,
    OTHER_DEFAULT_RULES,
    POLICIES,
    current_rules,
    lead_removal_text,
    policy_of_vote,
)


def _visible(request: HttpRequest, nomination: Nomination | None) -> Nomination:
    if nomination is None or not permissions.can_view_nomination(request.user, nomination):
        raise Http404("No nomination here.")
    return nomination


def _visible_nomination(request: HttpRequest, pk: int) -> Nomination:
    return _visible(request, selectors.nomination_for_page(pk))


def _nomination_to_act_on(request: HttpRequest, pk: int, *, shared: bool = False) -> Nomination:
    """Only what the access check and the services read: an action that succeeds redirects,
    so the page's thread, electorate and ballots are loaded only to show an error. `shared`:
    the action is part of the voting that proposals share; the others are nominations' own."""
    nomination = _visible(request, selectors.nomination_for_action(pk))
    if nomination.is_proposal and not shared:
        raise Http404("No nomination here.")
    return nomination


def page_template(nomination: Nomination) -> str:
    if nomination.is_proposal:
        return "nominations/proposal_detail.html"
    return "nominations/nomination_detail.html"


# Dashboard and intake -------------------------------------------------------------------------


@private_page
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "nominations/dashboard.html",
        {
            "board": selectors.dashboard_for(request.user),
            "is_core": permissions.can_manage_nominations(request.user),
            "can_propose": permissions.can_propose(request.user),
        },
    )


@private_page
@require_GET
@visible_or_404(permissions.can_manage_nominations)
def dashboard_section(request: HttpRequest, section: str) -> HttpResponse:
    """All of one of the core maintainers' dashboard lists, fifty rows a page."""
    if section not in selectors.SECTIONS:
        raise Http404("No list here.")
    listed = selectors.SECTIONS[section]
    paginator = Paginator(listed.rows(request.user), selectors.SECTION_PAGE_ROWS)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "nominations/section.html",
        {"section": listed, "page": page, "rows": selectors.with_time_left(list(page))},
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


# The nomination page --------------------------------------------------------------------------


def page_context(request: HttpRequest, nomination: Nomination, bound: dict) -> dict:
    user = request.user
    my_ballot = next((b for b in nomination.live_ballots if b.voter_id == user.pk), None)
    outcome = selectors.outcome_of(nomination)
    electors = list(nomination.electors.all())
    policy = policy_of_vote(nomination)
    actions = permissions.nomination_actions(
        user,
        nomination,
        has_voted=my_ballot is not None,
        feedback=outcome.feedback,
        announcement=outcome.announcement,
        start_vote_refusal=lambda: services.voting_open_refusal(actor=user, nomination=nomination),
    )
    feedback = outcome.feedback if actions.manage else None
    evidence = list(nomination.evidence.all())
    # Asked only where the rule wants seconders, so other nominations' pages cost nothing more.
    wants_seconders = bool(policy.seconders) and actions.manage
    seconders = list(nomination.seconders.select_related("person")) if wants_seconders else []
    context = {
        "nomination": nomination,
        "actions": actions,
        "policy": policy,
        "frozen_policy": nomination.policy,
        "criteria": [(c, Criterion(c).label) for c in policy.criteria],
        "evidence": evidence,
        "editable_evidence_ids": {
            entry.pk for entry in evidence if permissions.can_edit_evidence(user, entry)
        },
        "seconders": seconders,
        "may_second": wants_seconders
        and nomination.is_live
        and nomination.voting_opened_at is None
        and user.pk not in {seconder.pk for seconder in seconders}
        and permissions.can_second(user, nomination),
        "electors": electors,
        "invitations": selectors.invitations_of(nomination)
        if actions.manage and nomination.module_id
        else [],
        "electorate_size": len(electors),
        "recused_count": sum(1 for elector in electors if elector.recused),
        "voted_ids": {ballot.voter_id for ballot in nomination.live_ballots},
        "my_ballot": my_ballot,
        "vote_is_open": nomination.is_voting,
        "secret_ballot": permissions.is_secret_ballot(nomination),
        "can_verify": permissions.can_verify_vote(
            user, nomination, electorate=frozenset(elector.user_id for elector in electors)
        ),
        "feedback": feedback,
        "tally": outcome.tally,
        "decision_help": wording.decision_help(
            outcome.tally, lead_confirms=bool(nomination.policy.get("lead_confirms"))
        ),
        "decision": outcome.decision,
        "announcement": outcome.announcement,
        "forum": forum_state(nomination, can_retry=permissions.can_retry_forum_post(user))
        if permissions.can_see_forum_errors(user)
        else None,
        "running": _running_count(nomination.live_ballots) if actions.see_votes else None,
        "comments": _comments(nomination.live_ballots)
        if actions.see_votes and outcome.tally and not actions.see_who_voted_what
        else [],
        "forms": {
            "evidence": EvidenceForm(),
            "ballot": BallotForm(
                initial={"choice": my_ballot.choice} if my_ballot else None, method=policy.method
            ),
            "decision": DecisionForm(
                initial={"outcome": wording.outcome_the_vote_reached(outcome.tally)}
            ),
            "feedback": FeedbackForm(
                initial={"to_nominee": feedback.to_nominee, "to_nominators": feedback.to_nominators}
                if feedback
                else None
            ),
            "withdraw": WithdrawForm(),
            "recuse": RecuseForm(),
            "feedback_release": FeedbackReleaseForm(),
            **bound,
        },
    }
    if permissions.can_see_contact_status(user, nomination):
        context["contacts"] = selectors.contacts_of(nomination)
        context["deliveries"] = selectors.feedback_deliveries(nomination, feedback)
    if actions.start_vote or actions.start_vote_refusal:
        context["forms"].setdefault("voting", VotingOpenForm())
    if actions.invite:
        context["forms"].setdefault("invite", InviteForm(module=nomination.module))
    if actions.manage and outcome.announcement and outcome.announcement.released_at is None:
        context["forms"].setdefault(
            "announcement", AnnouncementForm(initial={"text": outcome.announcement.text})
        )
    context["invalid_forms"] = [form for form in bound.values() if form.errors]
    return context


def _running_count(ballots) -> dict[str, int]:
    counts = {"approve": 0, "decline": 0, "abstain": 0}
    for ballot in ballots:
        counts[ballot.choice] += 1
    return counts


def _comments(ballots) -> list[str]:
    """The ballots' comments without their voters, sorted by text: cast order (or times) would
    let whoever watched the "voted" markers appear tell whose comment is whose."""
    return sorted(ballot.comment for ballot in ballots if ballot.comment)


@private_page
@require_GET
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _visible_nomination(request, pk)
    if nomination.is_proposal:
        return redirect(nomination)
    return render(
        request, "nominations/nomination_detail.html", page_context(request, nomination, {})
    )


def _confirmation(
    request: HttpRequest, pk: int, step: str, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    """The step's confirmation page: what it does and who learns of it, with its button, or
    the reason it cannot be taken now."""
    nomination = _visible_nomination(request, pk)
    context = page_context(request, nomination, bound or {})
    confirmation = wording.CONFIRMATIONS[step]
    actions = context["actions"]
    step_form = context["forms"].get(confirmation.form_name) if confirmation.form_name else None
    context.update(
        confirmation=confirmation,
        step_url=reverse(confirmation.url_name, args=[nomination.pk]),
        allowed=getattr(actions, confirmation.allowed),
        refusal=getattr(actions, confirmation.refusal) if confirmation.refusal else "",
        step_form=step_form,
        invalid_forms=[step_form] if step_form is not None and step_form.errors else [],
    )
    return render(request, "nominations/confirm.html", context, status=status)


def act(
    request: HttpRequest,
    pk: int,
    *,
    form_name: str | None,
    form_class: Callable[..., forms.Form] | None,
    apply: Callable[[Nomination, dict], str],
    shared: bool = False,
    confirmed_on: str = "",
) -> HttpResponse:
    """Run one POST action of the nomination page (or, where `shared`, of a proposal's page
    too) through `post_action`: 404 for those who may not see it, the page again with what went
    wrong, a message and a redirect after. A step confirmed on its own page (`confirmed_on`)
    shows that page again instead."""
    nomination = _nomination_to_act_on(request, pk, shared=shared)

    def page(bound_forms: dict, status: int) -> HttpResponse:
        if confirmed_on:
            return _confirmation(request, pk, confirmed_on, bound_forms, status=status)
        context = page_context(request, _visible_nomination(request, pk), bound_forms)
        return render(request, page_template(nomination), context, status=status)

    return post_action(
        request,
        form_name=form_name,
        form=form_class(request.POST) if form_class is not None else None,
        apply=lambda data: apply(nomination, data),
        page=page,
        done_url=nomination.get_absolute_url,
        conflict=services.NominationError,
    )


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
    nomination = _nomination_to_act_on(request, pk)
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


@private_page
@require_POST
def voting_open(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        services.voting_open(actor=request.user, nomination=nomination, deadline=data["deadline"])
        return "Voting is open; every core maintainer has been told."

    return act(
        request,
        pk,
        form_name="voting",
        form_class=VotingOpenForm,
        apply=apply,
        shared=True,
        confirmed_on="voting_open",
    )


@private_page
@sensitive_post_parameters("reason")
@require_POST
def elector_recuse(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        services.elector_recuse(actor=request.user, nomination=nomination, **data)
        return "You are recused from this vote."

    return act(request, pk, form_name="recuse", form_class=RecuseForm, apply=apply, shared=True)


@private_page
@sensitive_post_parameters("choice", "comment")
@require_POST
def ballot_cast(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        ballot = services.ballot_cast(actor=request.user, nomination=nomination, **data)
        # The receipt is shown this once, and emailed without the choice: the voter checks it
        # on the vote's verification page after the close.
        return (
            f"{wording.after_ballot(selectors.nomination_for_action(nomination.pk))} Your receipt "
            f"is {ballot.receipt}; keep it to check, after the close, that your ballot was counted."
        )

    return act(request, pk, form_name="ballot", form_class=BallotForm, apply=apply, shared=True)


@private_page
@require_POST
def voting_close(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        services.voting_close(actor=request.user, nomination=nomination)
        return "Voting is closed and the tally is final."

    return act(request, pk, form_name=None, form_class=None, apply=apply, shared=True)


@private_page
@sensitive_post_parameters("reasons")
@require_POST
def nomination_decide(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        services.nomination_decide(actor=request.user, nomination=nomination, **data)
        return "The decision is recorded. Draft and release the feedback next."

    return act(request, pk, form_name="decision", form_class=DecisionForm, apply=apply)


@private_page
@sensitive_post_parameters("to_nominee", "to_nominators")
@require_POST
def feedback_save(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        services.feedback_save(actor=request.user, nomination=nomination, **data)
        return "The feedback draft is saved. Nobody else sees it until you release it."

    return act(request, pk, form_name="feedback", form_class=FeedbackForm, apply=apply)


@private_page
@require_POST
def feedback_release(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        services.feedback_release(actor=request.user, nomination=nomination, **data)
        return "The feedback is released to the nominee and the nominators."

    return act(
        request,
        pk,
        form_name="feedback_release",
        form_class=FeedbackReleaseForm,
        apply=apply,
        confirmed_on="feedback_release",
    )


@private_page
@require_POST
def announcement_release(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        services.announcement_release(actor=request.user, nomination=nomination)
        return "Announced. The roster now shows the change."

    return act(request, pk, form_name=None, form_class=None, apply=apply)


@private_page
@sensitive_post_parameters("reason")
@require_POST
def nomination_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        services.nomination_withdraw(actor=request.user, nomination=nomination, **data)
        return "Withdrawn."

    return act(
        request,
        pk,
        form_name="withdraw",
        form_class=WithdrawForm,
        apply=apply,
        shared=True,
        confirmed_on="withdraw",
    )


# Feedback for its readers, and the public pages ---------------------------------------------


@private_page
@require_POST
def feedback_read(request: HttpRequest, pk: int) -> HttpResponse:
    """The reader says they have read their feedback (a page view writes nothing, so the core
    maintainers learn when it was first read from this)."""
    nomination = selectors.nomination_for_feedback(pk)
    feedback = getattr(nomination, "feedback", None) if nomination else None
    if nomination is None or not permissions.can_read_feedback(request.user, nomination, feedback):
        raise Http404("No feedback here.")
    services.feedback_mark_read(actor=request.user, nomination=nomination)
    messages.success(request, "Thank you. The core maintainers can see that you have read it.")
    return redirect("nominations:feedback", pk=nomination.pk)


@cached_public_page
@require_GET
def announcements(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "nominations/announcements.html",
        {"announcements": selectors.announcements_public()[:100]},
    )


@cached_public_page
@require_GET
def become_maintainer(request: HttpRequest) -> HttpResponse:
    rules = current_rules()
    return render(
        request,
        "nominations/become_maintainer.html",
        {
            "policies": [
                (
                    rules[kind],
                    [Criterion(c).label for c in rules[kind].criteria if c not in NOT_CRITERIA],
                )
                for kind in POLICIES
            ],
            "other_rules": [rules[kind] for kind in OTHER_DEFAULT_RULES],
            "lead_removal_text": lead_removal_text(rules[DecisionKind.LEAD_REMOVAL]),
        },
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
