"""The agenda item page: notes, decisions and action items in one form.

Every button of the page submits the whole form, and every submit saves everything typed in
it, together or not at all (`services.agenda_item_page_save`): a writer who types notes and
then records a decision keeps both. A refused submit shows the page again with every field as
it was typed. The buttons differ only in what they insist on: "Record the decision" refuses an
empty decision, "Add the action item" an empty action."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from governance import permissions
from governance.decorators import found_or_404, private_page, visible_or_404
from governance.forms import add_service_error
from meetings import selectors, services
from meetings.forms import ActionItemForm, ActionItemStatusForm, AgendaItemForm, DecisionForm
from meetings.minutes import ItemRedactionError, highlight_source, preview_html
from meetings.models import AgendaItem, Meeting, MeetingDecision, MeetingStatus
from meetings.redaction import SYNTAX_HELP

PRIVATE_FIELDS = ("notes", "title", "public_summary", "decision-text", "action-text")


def _visible_meeting(request: HttpRequest, slug: str) -> Meeting:
    return found_or_404(
        selectors.meeting_for_workspace(slug),
        lambda meeting: permissions.can_view_meeting_draft(request.user, meeting),
        "No meeting has this address.",
    )


def _visible_item(request: HttpRequest, slug: str, pk: int) -> AgendaItem:
    meeting = _visible_meeting(request, slug)
    item = selectors.agenda_item(meeting, pk)
    if item is None:
        raise Http404("No agenda item here.")
    item.meeting = meeting
    return item


def _item_initial(item: AgendaItem) -> dict:
    return {
        "title": item.title,
        "added_day_of_meeting": item.added_day_of_meeting,
        "visibility": item.visibility,
        "notes": item.notes,
        "public_summary": item.public_summary,
        "presenters": list(item.presenters.all()),
        "nominations": list(item.nominations.all()),
    }


class ItemPage:
    """The page's forms, bound to a submit or fresh from the item."""

    def __init__(self, item: AgendaItem, data=None) -> None:
        self.item = item
        self.actions = list(item.action_items.all())
        self.main = AgendaItemForm(data, initial=_item_initial(item))
        self.decision = DecisionForm(data, prefix="decision")
        self.action = ActionItemForm(data, prefix="action")
        self.statuses = [
            (
                action,
                ActionItemStatusForm(
                    data, prefix=f"status-{action.pk}", initial={"status": action.status}
                ),
            )
            for action in self.actions
        ]

    @property
    def forms(self) -> list[forms.Form]:
        return [self.main, self.decision, self.action, *(form for _, form in self.statuses)]

    def is_valid(self) -> bool:
        # Each form validates, so that every error shows at once, not the first form's only.
        results = [form.is_valid() for form in self.forms]
        return all(results)

    def changes(
        self, *, remove_decision: MeetingDecision | None = None
    ) -> services.ItemPageChanges:
        return services.ItemPageChanges(
            item_fields=self.main.cleaned_data if self.main.has_changed() else {},
            decision=self.decision.cleaned_data if self.decision.asks() else None,
            action=self.action.cleaned_data if self.action.asks() else None,
            statuses={
                action: form.cleaned_data["status"]
                for action, form in self.statuses
                if form.cleaned_data["status"] != action.status
            },
            remove_decision=remove_decision,
        )

    def show_error(self, error: services.ItemPartError) -> None:
        part = {"item": self.main, "decision": self.decision, "action": self.action}.get(error.part)
        if part is None:
            part = self.statuses[0][1] if self.statuses else self.main
        add_service_error(part, error)


def _preview(item: AgendaItem) -> tuple[str, str]:
    try:
        return preview_html([item]), ""
    except ItemRedactionError as error:
        return "", str(error)


def _render(request: HttpRequest, page: ItemPage, status: int = 200) -> HttpResponse:
    item = page.item
    preview, error = _preview(item)
    invalid = [form for form in page.forms if form.errors]
    context = {
        "meeting": item.meeting,
        "item": item,
        "source": highlight_source(item.notes),
        "preview": preview,
        "preview_error": error,
        "syntax_help": SYNTAX_HELP,
        "page": page,
        "invalid_forms": invalid,
        "saving_withdraws_review": item.meeting.status == MeetingStatus.IN_REVIEW,
    }
    return render(request, "meetings/item_edit.html", context, status=status)


def _save(
    request: HttpRequest,
    item: AgendaItem,
    *,
    insist_on: str = "",
    remove_decision: MeetingDecision | None = None,
) -> HttpResponse:
    page = ItemPage(item, request.POST)
    if not page.is_valid():
        return _render(request, page, status=400)
    if insist_on == "decision" and not page.decision.asks():
        page.decision.add_error("outcome", "Choose the outcome to record a decision.")
        return _render(request, page, status=400)
    if insist_on == "action" and not page.action.asks():
        page.action.add_error("text", "Write what is to be done to add an action item.")
        return _render(request, page, status=400)
    try:
        saved = services.agenda_item_page_save(
            actor=request.user, item=item, changes=page.changes(remove_decision=remove_decision)
        )
    except services.ItemPartError as error:
        page.show_error(error)
        return _render(request, page, status=400)
    except ValidationError as error:
        add_service_error(page.main, error)
        return _render(request, page, status=400)
    messages.success(
        request,
        ("Saved " + ", ".join(saved) + "." if saved else "Nothing had changed.")
        + " Check the public preview beside your notes.",
    )
    return redirect("meetings:item", slug=item.meeting.slug, pk=item.pk)


@private_page
@sensitive_post_parameters(*PRIVATE_FIELDS)
@require_http_methods(["GET", "POST"])
@visible_or_404(permissions.can_manage_meetings)
def item_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = _visible_item(request, slug, pk)
    if request.method == "GET":
        return _render(request, ItemPage(item))
    return _save(request, item)


@private_page
@sensitive_post_parameters(*PRIVATE_FIELDS)
@require_POST
@visible_or_404(permissions.can_manage_meetings)
def decision_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _save(request, _visible_item(request, slug, pk), insist_on="decision")


@private_page
@sensitive_post_parameters(*PRIVATE_FIELDS)
@require_POST
@visible_or_404(permissions.can_manage_meetings)
def action_item_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _save(request, _visible_item(request, slug, pk), insist_on="action")


@private_page
@sensitive_post_parameters(*PRIVATE_FIELDS)
@require_POST
@visible_or_404(permissions.can_manage_meetings)
def decision_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = _visible_meeting(request, slug)
    decision = selectors.decision_of(meeting, pk)
    if decision is None:
        raise Http404("No decision here.")
    item = _visible_item(request, slug, decision.agenda_item_id)
    return _save(request, item, remove_decision=decision)
