from django.conf import settings
from django.http import HttpRequest

from governance import permissions


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "viewer_is_core": permissions.is_core_maintainer(request.user),
    }
