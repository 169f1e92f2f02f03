"""The core maintainers' working copy: agenda, notes, decisions, action items, review and
publication; import; and each owner's action items. Private pages answer 404 to anyone the
policy does not let see them."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance import permissions, report_selectors
from governance import selectors as governance_selectors
from governance.decorators import found_or_404, private_page, visible_or_404
from governance.forms import RolesActionForm, add_service_error, service_error_text
from governance.integration_selectors import forum_state
from governance.redirects import safe_next
from governance.web import post_action
from meetings import selectors, services
from meetings.forms import (
    ActionItemStatusForm,
    AttendanceForm,
    MeetingForm,
    NewAgendaItemForm,
    RetractForm,
    ReviewForm,
    SubmitForm,
)
from meetings.minutes import (
    ItemRedactionError,
    action_item_public_text,
    compose_public,
    highlight_source,
    preview_html,
)
from meetings.models import (
    AgendaItem,
    Meeting,
    MeetingStatus,
    MinutesVersion,
)
from meetings.redaction import SYNTAX_HELP

Apply = Callable[[Meeting, dict], str]
# The new item's fields share names with the meeting's form on the same page; their ids differ.
NEW_ITEM_IDS = "id_new_item_%s"


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


def _preview(items: list[AgendaItem], announcement_url: str = "") -> tuple[str, str]:
    """The public preview as HTML, or the error that keeps it from being composed."""
    try:
        return preview_html(items, announcement_url=announcement_url), ""
    except ItemRedactionError as error:
        return "", str(error)


def _meeting_initial(meeting: Meeting) -> dict:
    return {
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "duration_minutes": meeting.duration_minutes,
        "kind": meeting.kind,
        "announcement_url": meeting.announcement_url,
        "attendees": list(meeting.attendees.all()),
    }


def _attendance_initial(meeting: Meeting) -> dict:
    attendance = getattr(meeting, "attendance", None)
    if attendance is None:
        return {}
    return {
        "present": "\n".join(attendance.present),
        "absent": "\n".join(attendance.absent),
        "guests": "\n".join(attendance.guests),
        "chair": attendance.chair,
        "note_taker": attendance.note_taker,
        "quorum": attendance.quorum,
        "public": attendance.public,
    }


def _workspace_context(request: HttpRequest, meeting: Meeting, bound: dict) -> dict:
    items = selectors.agenda_items(meeting)
    rows = []
    for item in items:
        preview, error = _preview([item])
        rows.append({"item": item, "source": highlight_source(item.notes), "preview": preview,
                     "error": error})  # fmt: skip
    try:
        log = compose_public(items).redaction_log
    except ItemRedactionError:
        log = {}
    rounds = list(meeting.review_rounds.all())
    current = next((review_round for review_round in rounds if review_round.is_open), None)
    state = my_review = None
    if current is not None:
        state = selectors.review_state_of(current)
        my_review = next(
            (r for r in current.reviews.all() if r.reviewer_id == request.user.pk), None
        )
    versions = list(meeting.versions.all())
    for version in versions:
        version.may_retract = not version.is_retracted and permissions.can_retract_minutes(
            request.user, version
        )
    return {
        "meeting": meeting,
        "attendance": getattr(meeting, "attendance", None),
        "rows": rows,
        "redaction_log": log,
        "rounds": rounds,
        "current_round": current,
        "state": state,
        "my_review": my_review,
        "versions": versions,
        "carried": list(meeting.carried_action_items.all()),
        "syntax_help": SYNTAX_HELP,
        "can_review": permissions.can_review_minutes(request.user, meeting),
        "forum": forum_state(meeting, can_retry=permissions.can_retry_forum_post(request.user)),
        "forms": {
            "meeting": MeetingForm(initial=_meeting_initial(meeting)),
            "item": NewAgendaItemForm(auto_id=NEW_ITEM_IDS),
            "submit": SubmitForm(),
            "review": ReviewForm(
                initial={"verdict": my_review.verdict, "comment": my_review.comment}
                if my_review
                else None
            ),
            "status": ActionItemStatusForm(),
            "attendance": AttendanceForm(initial=_attendance_initial(meeting)),
            **bound,
        },
        "invalid_forms": [form for form in bound.values() if form.errors],
    }


def _workspace(request: HttpRequest, meeting: Meeting, bound: dict, status: int = 200):
    context = _workspace_context(request, meeting, bound)
    return render(request, "meetings/workspace.html", context, status=status)


def _act(
    request: HttpRequest,
    slug: str,
    *,
    form_name: str | None,
    form_class: Callable[..., forms.Form] | None,
    apply: Apply,
) -> HttpResponse:
    """Run one POST action of the workspace; 404 for those who may not see it."""
    meeting = _visible_meeting(request, slug)
    return post_action(
        request,
        form_name=form_name,
        form=form_class(request.POST) if form_class is not None else None,
        apply=lambda data: apply(meeting, data),
        page=lambda bound, status: _workspace(request, meeting, bound, status=status),
        done_url=meeting.get_edit_url,
        conflict=services.MeetingError,
    )


# Meetings -------------------------------------------------------------------------------------


@private_page
@require_GET
@visible_or_404(permissions.can_manage_meetings)
def manage(request: HttpRequest) -> HttpResponse:
    return render(request, "meetings/manage.html", {"meetings": selectors.meetings_for_manage()})


@private_page
@require_http_methods(["GET", "POST"])
@visible_or_404(permissions.can_manage_meetings)
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            carried = meeting.carried_action_items.count()
            messages.success(
                request,
                "Draft meeting created"
                + (f", with {carried} open action item(s) carried over." if carried else "."),
            )
            return redirect("meetings:workspace", slug=meeting.slug)
    return render(
        request, "meetings/meeting_form.html", {"form": form}, status=400 if form.errors else 200
    )


@private_page
@require_http_methods(["GET", "POST"])
@visible_or_404(permissions.can_manage_meetings)
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "GET":
        return _workspace(request, _visible_meeting(request, slug), {})

    def apply(meeting: Meeting, data: dict) -> str:
        services.meeting_update(actor=request.user, meeting=meeting, data=data)
        return "The meeting is saved."

    return _act(request, slug, form_name="meeting", form_class=MeetingForm, apply=apply)


@private_page
@require_POST
@visible_or_404(permissions.can_manage_meetings)
def carry_over(request: HttpRequest, slug: str) -> HttpResponse:
    def apply(meeting: Meeting, data: dict) -> str:
        carried = services.action_items_carry_over(actor=request.user, meeting=meeting)
        return f"Carried over {carried} open action item(s)."

    return _act(request, slug, form_name=None, form_class=None, apply=apply)


@private_page
@sensitive_post_parameters("present", "absent", "guests", "chair", "note_taker")
@require_POST
@visible_or_404(permissions.can_manage_meetings)
def attendance(request: HttpRequest, slug: str) -> HttpResponse:
    def apply(meeting: Meeting, data: dict) -> str:
        services.attendance_update(actor=request.user, meeting=meeting, **data)
        return "The attendance is saved."

    return _act(request, slug, form_name="attendance", form_class=AttendanceForm, apply=apply)


# Review and publication -----------------------------------------------------------------------


@private_page
@sensitive_post_parameters("change_note")
@require_POST
@visible_or_404(permissions.can_manage_meetings)
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    def apply(meeting: Meeting, data: dict) -> str:
        services.minutes_submit(actor=request.user, meeting=meeting, **data)
        return "Submitted for review; the core maintainers have been asked."

    return _act(request, slug, form_name="submit", form_class=SubmitForm, apply=apply)


@private_page
@sensitive_post_parameters("verdict", "comment")
@require_POST
@visible_or_404(permissions.can_manage_meetings)
def review(request: HttpRequest, slug: str) -> HttpResponse:
    def apply(meeting: Meeting, data: dict) -> str:
        services.minutes_review(actor=request.user, meeting=meeting, **data)
        meeting.refresh_from_db(fields=["status"])
        if meeting.status == MeetingStatus.PUBLISHED:
            return "Your approval made a majority: the minutes are published."
        return "Your review is recorded."

    return _act(request, slug, form_name="review", form_class=ReviewForm, apply=apply)


@private_page
@require_http_methods(["GET", "POST"])
@visible_or_404(permissions.can_manage_meetings)
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: what publishing does and who reads it, with the button, or why it cannot be done
    now; POST: publish."""
    if request.method == "GET":
        meeting = _visible_meeting(request, slug)
        current = next((r for r in meeting.review_rounds.all() if r.is_open), None)
        state = selectors.review_state_of(current) if current is not None else None
        versions = list(meeting.versions.all())
        context = {
            "meeting": meeting,
            "state": state,
            "may_publish": state is not None and state.may_publish,
            "next_number": (versions[0].number + 1) if versions else 1,
        }
        return render(request, "meetings/publish_confirm.html", context)

    def apply(meeting: Meeting, data: dict) -> str:
        version = services.minutes_publish(actor=request.user, meeting=meeting)
        return f"Published as version {version.number}."

    return _act(request, slug, form_name=None, form_class=None, apply=apply)


def _visible_version(request: HttpRequest, slug: str, number: int) -> MinutesVersion:
    return found_or_404(
        selectors.version_to_retract(slug, number),
        lambda version: permissions.can_view_meeting_draft(request.user, version.meeting),
        "No published version has this address.",
    )


def _retract_page(
    request: HttpRequest, version: MinutesVersion, form: RetractForm, status: int = 200
) -> HttpResponse:
    versions = selectors.versions_of(version.meeting.slug)
    remaining = [other for other in versions if other.number != version.number]
    # What the meeting's page will show once this version is retracted.
    after = selectors.current_version(remaining) if remaining else None
    context = {
        "meeting": version.meeting,
        "version": version,
        "form": form,
        "after": after if after is not None and not after.is_retracted else None,
        "becomes_draft": version.number == versions[0].number
        and version.meeting.status == MeetingStatus.PUBLISHED,
    }
    return render(request, "meetings/version_retract.html", context, status=status)


@private_page
@sensitive_post_parameters("reason")
@require_http_methods(["GET", "POST"])
@visible_or_404(permissions.can_manage_meetings)
def version_retract(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A confirmation page that says what a retraction does and who reads what, then does it."""
    version = _visible_version(request, slug, number)
    if not permissions.can_retract_minutes(request.user, version):
        raise PermissionDenied("Only core maintainers retract published minutes.")
    if request.method == "GET":
        return _retract_page(request, version, RetractForm())
    form = RetractForm(request.POST)
    if not form.is_valid():
        return _retract_page(request, version, form, status=400)
    try:
        services.minutes_version_retract(
            actor=request.user, version=version, reason=form.cleaned_data["reason"]
        )
    except services.MeetingError as error:
        messages.error(request, service_error_text(error))
        return _retract_page(request, version, form, status=409)
    except ValidationError as error:
        add_service_error(form, error)
        return _retract_page(request, version, form, status=400)
    messages.success(
        request,
        f"Version {version.number} is retracted: the public reads a notice in its place.",
    )
    return redirect("meetings:workspace", slug=slug)


# Agenda items ---------------------------------------------------------------------------------


@private_page
@sensitive_post_parameters("title")
@require_POST
@visible_or_404(permissions.can_manage_meetings)
def item_new(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _visible_meeting(request, slug)
    form = NewAgendaItemForm(request.POST, auto_id=NEW_ITEM_IDS)
    if not form.is_valid():
        return _workspace(request, meeting, {"item": form}, status=400)
    try:
        item = services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error)
        return _workspace(request, meeting, {"item": form}, status=400)
    messages.success(request, "Item added. Write its notes here.")
    return redirect("meetings:item", slug=meeting.slug, pk=item.pk)


@private_page
@require_POST
@visible_or_404(permissions.can_manage_meetings)
def item_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = _visible_item(request, slug, pk)
    services.agenda_item_move(actor=request.user, item=item, up=request.POST.get("to") == "up")
    return redirect("meetings:workspace", slug=slug)


@private_page
@require_POST
@visible_or_404(permissions.can_manage_meetings)
def item_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = _visible_item(request, slug, pk)
    services.agenda_item_remove(actor=request.user, item=item)
    messages.success(request, f"Removed “{item.title}” from the agenda.")
    return redirect("meetings:workspace", slug=slug)


# Action items ---------------------------------------------------------------------------------


@private_page
@require_GET
@visible_or_404(permissions.can_see_own_action_items)
def my_action_items(request: HttpRequest) -> HttpResponse:
    items = list(selectors.action_items_owned_by(request.user))
    for action in items:
        action.public_text = action_item_public_text(action)
    return render(
        request,
        "meetings/action_items.html",
        {"action_items": items, "form": ActionItemStatusForm()},
    )


@private_page
@require_POST
def action_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    action_item = found_or_404(
        selectors.action_item_with_meeting(pk),
        lambda action_item: permissions.can_update_action_item_status(request.user, action_item),
        "No action item here.",
    )
    form = ActionItemStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose open, done or dropped.")
        return redirect("meetings:action_items")
    services.action_item_update(
        actor=request.user, action_item=action_item, status=form.cleaned_data["status"]
    )
    messages.success(request, "Action item updated.")
    return redirect(safe_next(request, reverse("meetings:action_items")))


@private_page
@sensitive_post_parameters("reason")
@require_POST
@visible_or_404(permissions.can_view_reports)
@visible_or_404(permissions.can_manage_meetings)
def agenda_item_for_inactive(request: HttpRequest) -> HttpResponse:
    """The inactive maintainers' report's third one-step action: an agenda item."""
    form = RolesActionForm(request.POST, role_ids=report_selectors.inactivity_report().role_ids)
    if not form.is_valid():
        messages.error(request, "Select the maintainers and give the reason.")
        return redirect("report_inactive")
    roles = governance_selectors.roles_by_ids(form.cleaned_data["roles"])
    try:
        item = services.agenda_item_for_inactive(
            actor=request.user, roles=roles, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
        return redirect("report_inactive")
    messages.success(request, f"Added to the agenda of {item.meeting.title}.")
    return redirect("meetings:item", item.meeting.slug, item.pk)
