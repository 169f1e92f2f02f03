"""The vote, shared by nominations and proposals: opening it, recusing, casting a ballot and
closing it."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from governance.decorators import private_page
from nominations import selectors, services, wording
from nominations.forms import BallotForm, RecuseForm, VotingOpenForm
from nominations.models import Nomination
from nominations.views.page import act


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
        # on the vote's verification page after the close. The ballot's nomination is the one
        # the cast read under its lock, closed by this cast if it was the last.
        return (
            f"{wording.after_ballot(ballot.nomination)} Your receipt "
            f"is {ballot.receipt}; keep it to check, after the close, that your ballot was counted."
        )

    return act(
        request,
        pk,
        form_name="ballot",
        form_class=BallotForm,
        apply=apply,
        shared=True,
        read=selectors.nomination_for_cast,
    )


@private_page
@require_POST
def voting_close(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(nomination: Nomination, data: dict) -> str:
        services.voting_close(actor=request.user, nomination=nomination)
        return "Voting is closed and the tally is final."

    return act(request, pk, form_name=None, form_class=None, apply=apply, shared=True)
