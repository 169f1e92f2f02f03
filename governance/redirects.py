"""Where to send the user back to: the only reader of a `next` the request carries."""

import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from governance import permissions

NEXT_FIELD = "next"


def is_local_path(target: str) -> bool:
    """A path on this site and nothing else: one leading slash (`//host` is another site),
    no backslash (browsers read `/\\host` as `//host`), no scheme or host, and no control,
    format or space character (a NUL, a tab or a bidirectional override can make a browser,
    a proxy or `redirect()` read a different target than this check did)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(unicodedata.category(character)[0] in "CZ" for character in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` of the form (else of the query string) when it is a local path, else
    `fallback`. Pass the result to `redirect()` or a template as it is."""
    target = request.POST.get(NEXT_FIELD) or request.GET.get(NEXT_FIELD) or ""
    if is_local_path(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def landing_path(user) -> str:
    """The page a sign-in lands on when it was given no `next`, as the policy decides."""
    if permissions.lands_on_dashboard(user):
        # Named by its URL name: governance imports no higher app.
        return reverse("nominations:dashboard")
    return reverse(settings.LOGIN_REDIRECT_URL)


class LocalNextMixin:
    """For Django's sign-in and sign-out views: their `next` read by `safe_next`; an empty
    answer sends them to their own default page."""

    def get_redirect_url(self) -> str:
        return safe_next(self.request, "")
