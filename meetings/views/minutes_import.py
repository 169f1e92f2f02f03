"""The upload of minutes written elsewhere: parsed and previewed, imported once confirmed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from governance import permissions
from governance.decorators import private_page, visible_or_404
from governance.forms import add_service_error
from meetings import services
from meetings.forms import ImportForm


@private_page
@sensitive_post_parameters("text")
@require_http_methods(["GET", "POST"])
@visible_or_404(permissions.can_manage_meetings)
def import_minutes(request: HttpRequest) -> HttpResponse:
    """Two steps: the text is parsed and previewed, and imported only once confirmed."""
    # Bound on every POST, an empty one included, so that it answers with what is missing.
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    status = 200
    preview = None
    if request.method == "POST":
        if form.is_valid():
            text, day_first = form.cleaned_data["minutes"], form.cleaned_data["day_first"]
            upload = request.FILES.get("file")
            source = (upload.name if upload else form.cleaned_data["source"]) or "pasted text"
            try:
                if not form.cleaned_data["confirm"]:
                    preview = services.minutes_import_preview(text=text, day_first=day_first)
                    confirm_form = ImportForm(
                        initial={
                            "text": text,
                            "day_first": day_first,
                            "confirm": True,
                            "source": source[:200],
                        }
                    )
                    return render(
                        request,
                        "meetings/import_preview.html",
                        {"preview": preview, "form": confirm_form},
                    )
                meetings = services.minutes_import(
                    actor=request.user,
                    text=text,
                    source=source,
                    day_first=day_first,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"Imported {len(meetings)} draft meeting(s). Every item is private until you "
                    "mark it otherwise: mark what may be public and redact before you submit.",
                )
                return redirect("meetings:workspace", slug=meetings[-1].slug)
        status = 413 if form.has_error("file", code="too_large") else 400
    return render(request, "meetings/import.html", {"form": form}, status=status)
