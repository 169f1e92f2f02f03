"""After the vote: the decision, the feedback's draft and release, the announcement's release,
and withdrawing a nomination."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from governance.decorators import private_page
from nominations import services
from nominations.forms import DecisionForm, FeedbackForm, FeedbackReleaseForm, WithdrawForm
from nominations.models import Nomination
from nominations.views.page import act


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
