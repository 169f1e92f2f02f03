"""The core maintainers' door to the outside services: retry a forum post the forum refused."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from governance import integration_selectors, permissions
from governance.decorators import private_page, visible_or_404
from governance.redirects import safe_next
from governance.services import forum


@private_page
@require_POST
@visible_or_404(permissions.can_see_forum_errors)
def forum_topic_retry(request: HttpRequest, pk: int) -> HttpResponse:
    topic = integration_selectors.forum_topic(pk)
    if topic is None:
        messages.error(request, "There is no such forum topic.")
    else:
        forum.forum_topic_retry(actor=request.user, topic=topic)
        messages.success(request, "Sent to the forum again; this page shows the result shortly.")
    return redirect(safe_next(request, "/"))
