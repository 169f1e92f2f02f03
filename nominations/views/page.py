"""The nomination page: what it shows each reader, and how its POST actions run and answer.
Private pages answer 404 to anyone the policy does not let see them."""

from collections.abc import Callable

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from governance import permissions
from governance.decorators import private_page
from governance.integration_selectors import forum_state
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
    RecuseForm,
    VotingOpenForm,
    WithdrawForm,
)
from nominations.models import Criterion, Nomination
from nominations.voting_rules import policy_of_vote


def _visible(request: HttpRequest, nomination: Nomination | None) -> Nomination:
    if nomination is None or not permissions.can_view_nomination(request.user, nomination):
        raise Http404("No nomination here.")
    return nomination


def visible_nomination(request: HttpRequest, pk: int) -> Nomination:
    return _visible(request, selectors.nomination_for_page(pk))


def nomination_to_act_on(
    request: HttpRequest,
    pk: int,
    *,
    shared: bool = False,
    read: Callable[[int], Nomination | None] = selectors.nomination_for_action,
) -> Nomination:
    """Only what the access check and the services read (`read`): an action that succeeds
    redirects, so the page's thread, electorate and ballots are loaded only to show an error.
    `shared`: the action is part of the voting that proposals share; the others are
    nominations' own."""
    nomination = _visible(request, read(pk))
    if nomination.is_proposal and not shared:
        raise Http404("No nomination here.")
    return nomination


def page_template(nomination: Nomination) -> str:
    if nomination.is_proposal:
        return "nominations/proposal_detail.html"
    return "nominations/nomination_detail.html"


def page_context(request: HttpRequest, nomination: Nomination, bound: dict) -> dict:
    user = request.user
    my_ballot = next((b for b in nomination.live_ballots if b.voter_id == user.pk), None)
    outcome = selectors.outcome_of(nomination)
    electors = nomination.electorate
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
    evidence = nomination.thread
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
        "forum": forum_state(outcome, can_retry=permissions.can_retry_forum_post(user))
        if permissions.can_see_forum_errors(user)
        else None,
        "running": _running_count(nomination.live_ballots) if actions.see_votes else None,
        "comments": _comments(nomination.live_ballots)
        if actions.see_votes and outcome.tally and not actions.see_who_voted_what
        else [],
    }
    builders = {
        "evidence": EvidenceForm,
        "ballot": lambda: BallotForm(
            initial={"choice": my_ballot.choice} if my_ballot else None, method=policy.method
        ),
        "decision": lambda: DecisionForm(
            initial={"outcome": wording.outcome_the_vote_reached(outcome.tally)}
        ),
        "feedback": lambda: FeedbackForm(
            initial={"to_nominee": feedback.to_nominee, "to_nominators": feedback.to_nominators}
            if feedback
            else None
        ),
        "withdraw": WithdrawForm,
        "recuse": RecuseForm,
        "feedback_release": FeedbackReleaseForm,
    }
    if permissions.can_see_contact_status(user, nomination):
        context["contacts"] = selectors.contacts_of(nomination)
        context["deliveries"] = selectors.feedback_deliveries(nomination, feedback)
    if actions.start_vote or actions.start_vote_refusal:
        builders["voting"] = VotingOpenForm
    if actions.invite:
        builders["invite"] = lambda: InviteForm(module=nomination.module)
    if actions.manage and outcome.announcement and outcome.announcement.released_at is None:
        builders["announcement"] = lambda: AnnouncementForm(
            initial={"text": outcome.announcement.text}
        )
    context["forms"] = PageForms(builders, bound)
    context["invalid_forms"] = [form for form in bound.values() if form.errors]
    return context


class PageForms(dict):
    """The page's forms by name: the bound ones given, the others each built from its builder
    the first time the page (or a confirmation page) asks for it. A viewer is shown a few of
    them; building all of them cost the page more than rendering those."""

    def __init__(self, builders: dict[str, Callable[[], forms.Form]], bound: dict) -> None:
        super().__init__(bound)
        self._builders = builders

    def __missing__(self, name: str) -> forms.Form:
        form = self[name] = self._builders[name]()
        return form

    def get(self, name: str, default=None):
        try:
            return self[name]
        except KeyError:
            return default


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
    nomination = visible_nomination(request, pk)
    if nomination.is_proposal:
        return redirect(nomination)
    return render(
        request, "nominations/nomination_detail.html", page_context(request, nomination, {})
    )


def confirmation_page(
    request: HttpRequest, pk: int, step: str, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    """The step's confirmation page: what it does and who learns of it, with its button, or
    the reason it cannot be taken now."""
    nomination = visible_nomination(request, pk)
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
    read: Callable[[int], Nomination | None] = selectors.nomination_for_action,
) -> HttpResponse:
    """Run one POST action of the nomination page (or, where `shared`, of a proposal's page
    too) through `post_action`: 404 for those who may not see it, the page again with what went
    wrong, a message and a redirect after. A step confirmed on its own page (`confirmed_on`)
    shows that page again instead. `read` loads the nomination the action needs."""
    nomination = nomination_to_act_on(request, pk, shared=shared, read=read)

    def page(bound_forms: dict, status: int) -> HttpResponse:
        if confirmed_on:
            return confirmation_page(request, pk, confirmed_on, bound_forms, status=status)
        context = page_context(request, visible_nomination(request, pk), bound_forms)
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
