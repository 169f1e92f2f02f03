"""Response headers that hold for the whole site."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_otp import user_has_device

from governance import permissions

# What a signed-in user who still owes a second factor may reach: the pages to give it, the
# way out, and what carries no private data.
TWO_FACTOR_EXEMPT_VIEWS = frozenset(
    {"two_factor_verify", "two_factor_setup", "logout", "admin:logout", "healthz"}
)


class PrivateWhenSignedInMiddleware:
    """Whatever a signed-in user is sent may name them or show what only they may read, error
    pages and Django's own views included, so no browser or shared cache ever stores it.
    `private_page` says the same for the private views; this catches every other answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
            patch_vary_headers(response, ["Cookie"])
        return response


class ContentSecurityPolicyMiddleware:
    """Sends `settings.CONTENT_SECURITY_POLICY` with every answer (pages, error pages, the admin,
    static files): no inline script or style may run, so markup that ever slipped past escaping
    and sanitising still could not act. A view that sets its own policy keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class TwoFactorRequiredMiddleware:
    """Deny by default: a user who needs two-factor sign-in (`requires_two_factor`) reaches
    nothing but the two-factor pages until this session is verified. Pages are redirected to
    the code (or, with no authenticator yet, to its setup); any other method is refused.
    Runs after django-otp's OTPMiddleware, which says whether the session is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and permissions.requires_two_factor(user)
            and not self.is_exempt(request)
        ):
            if request.method not in ("GET", "HEAD"):
                raise PermissionDenied("Sign in with your second factor first.")
            page = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
            return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def is_exempt(request: HttpRequest) -> bool:
        if request.path_info.startswith(settings.STATIC_URL):
            return True
        try:
            return resolve(request.path_info).view_name in TWO_FACTOR_EXEMPT_VIEWS
        except Resolver404:
            return False
