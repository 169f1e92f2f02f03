from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from governance import permissions

# The navigation's entries by the start of their address; the longest match is the current one,
# so that a module's page marks "Modules" and the action items do not mark "Minutes".
NAV_SECTIONS = (
    ("modules", "/modules/"),
    ("people", "/people/"),
    ("minutes", "/meetings/"),
    ("action_items", "/meetings/action-items/"),
    ("search", "/meetings/search/"),
    ("announcements", "/announcements/"),
    ("become_maintainer", "/become-a-maintainer/"),
    ("exports", "/exports/"),
    ("dashboard", "/nominations/"),
    ("inbox", "/inbox/"),
    ("recovery_codes", "/accounts/two-factor/recovery-codes/"),
    ("admin", "/admin/"),
)


def current_section(path: str) -> str:
    matches = [(len(prefix), name) for name, prefix in NAV_SECTIONS if path.startswith(prefix)]
    return max(matches)[1] if matches else ("home" if path == "/" else "")


def site(request: HttpRequest) -> dict:
    # An error page for a request refused before the authentication middleware ran (an unknown
    # Host, say) has no `request.user`; it renders as for the anonymous public.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "SITE_NAME": settings.SITE_NAME,
        "nav_current": current_section(getattr(request, "path", "")),
        "viewer_is_core": permissions.is_core_maintainer(user),
        "viewer_is_operator": permissions.is_operator(user),
    }
