from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from governance import permissions


def site(request: HttpRequest) -> dict:
    # An error page for a request refused before the authentication middleware ran (an unknown
    # Host, say) has no `request.user`; it renders as for the anonymous public.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "SITE_NAME": settings.SITE_NAME,
        "viewer_is_core": permissions.is_core_maintainer(user),
        "viewer_is_operator": permissions.is_operator(user),
    }
