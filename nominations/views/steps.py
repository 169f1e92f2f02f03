"""The nomination pages around its outcome: each irreversible step's confirmation, the
announcement's wording with its preview, and the feedback for its readers, who say here when they
have read it. Private pages answer 404 to anyone the policy does not let see them."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from governance import permissions
from governance.decorators import private_page
from nominations import selectors, services, wording
from nominations.forms import AnnouncementForm
from nominations.models import Nomination
from nominations.views.page import (
    act,
    confirmation_page,
    page_context,
    page_template,
    visible_nomination,
)


@private_page
@require_GET
def step_confirm(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in wording.CONFIRMATIONS:
        raise Http404("No such step.")
    return confirmation_page(request, pk, step)


@private_page
@require_POST
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the announcement's words, or (the "Preview" button) show them as the public will
    read them, beside the form, saving nothing."""
    if "preview" in request.POST:
        nomination = visible_nomination(request, pk)
        form = AnnouncementForm(request.POST)
        context = page_context(request, nomination, {"announcement": form})
        context["announcement_preview"] = form.cleaned_data["text"] if form.is_valid() else ""
        return render(
            request,
            page_template(nomination),
            context,
            status=200 if form.is_valid() else 400,
        )

    def apply(nomination: Nomination, data: dict) -> str:
        services.announcement_edit(actor=request.user, nomination=nomination, **data)
        return "The announcement's text is saved. Nobody reads it until it is released."

    return act(request, pk, form_name="announcement", form_class=AnnouncementForm, apply=apply)


@private_page
@require_GET
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The nominee reads the text for the nominee, nominators the text for nominators; nobody
    else learns that the page, or the nomination, exists."""
    nomination = selectors.nomination_for_feedback(pk)
    feedback = getattr(nomination, "feedback", None) if nomination else None
    if nomination is None or not permissions.can_read_feedback(request.user, nomination, feedback):
        raise Http404("No feedback here.")
    is_nominee = permissions.is_nominee(request.user, nomination)
    return render(
        request,
        "nominations/feedback_detail.html",
        {
            "nomination": nomination,
            "feedback": feedback,
            "text": feedback.to_nominee if is_nominee else feedback.to_nominators,
            "is_nominee": is_nominee,
            "outcome": wording.outcome_in_words(nomination),
            "next_steps": wording.next_steps(nomination, is_nominee=is_nominee),
            "read": selectors.feedback_read_at(feedback, request.user),
        },
    )


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
