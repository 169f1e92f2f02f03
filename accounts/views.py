"""Signing in and staying safe: the sign-in page (password and GitHub), the account page, the
two-factor pages and the lockout page.

Every page here acts on `request.user` alone; none takes a user or device id from the URL.
"""

import datetime
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlencode, urlsplit

import segno
from allauth.socialaccount.providers.github import views as github_views
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout, user_login_failed
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts import selectors as selectors_accounts
from accounts.reauthentication import (
    REAUTHENTICATION_WINDOW,
    reauthenticated_now,
    reauthenticated_recently,
)
from governance import permissions, selectors, services
from governance.decorators import private_page, visible_or_404
from governance.forms import ReauthenticationForm, TwoFactorCodeForm
from governance.redirects import LocalNextMixin, landing_path, safe_next

PENDING_KEY_SESSION = "two_factor_pending_key"
FRESH_CODES_SESSION = "two_factor_fresh_recovery_codes"


def next_url(request: HttpRequest) -> str:
    """Where a finished sign-in goes: the `next` it was sent with, or the user's landing page."""
    return safe_next(request, landing_path(request.user))


class LoginView(LocalNextMixin, auth_views.LoginView):
    """Django's sign-in form, returning only to a local `next`, with the GitHub button beside it
    when an OAuth app is configured. Without password sign-in, only the button."""

    template_name = "accounts/login.html"

    def get_default_redirect_url(self) -> str:
        # Read after the sign-in, so `request.user` is the one who just signed in; a second
        # factor, when required, is asked for on the way to this page.
        return landing_path(self.request.user)

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_SIGN_IN:
            raise Http404("Password sign-in is off on this site.")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | sign_in_choices()


def sign_in_choices() -> dict:
    """Which ways in the sign-in and account pages offer: settings, not access."""
    return {
        "github_sign_in": bool(settings.GITHUB_CLIENT_ID),
        "password_sign_in": settings.PASSWORD_SIGN_IN,
    }


class LogoutView(LocalNextMixin, auth_views.LogoutView):
    """Django's sign-out, returning only to a local `next`."""


def grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_variables("form")
def password_step(request: HttpRequest, *, purpose: str) -> HttpResponse | None:
    """None once the session has proved the password within the window. Otherwise the answer
    to send: the password form, the same page again once the password is right, or the
    lockout, since a wrong password counts towards it as at sign-in. An account without a
    password (or a site without password sign-in) proves itself by signing in with GitHub
    again instead."""
    if reauthenticated_recently(request):
        return None
    by_password = settings.PASSWORD_SIGN_IN and request.user.has_usable_password()
    posted = by_password and request.method == "POST" and "password" in request.POST
    form = ReauthenticationForm(request.POST if posted else None)
    if form.is_valid():
        user = authenticate(
            request, username=request.user.get_username(), password=form.cleaned_data["password"]
        )
        if user is not None and user.pk == request.user.pk:
            attempts_reset(request)
            reauthenticated_now(request)
            return redirect(request.get_full_path())
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return locked_out(request)
        form.add_error("password", "That password is not right.")
    return render(
        request,
        "accounts/reauthenticate.html",
        {
            "form": form if by_password else None,
            "purpose": purpose,
            "minutes": int(REAUTHENTICATION_WINDOW.total_seconds() // 60),
            "next": request.get_full_path(),
        }
        | sign_in_choices(),
    )


@sensitive_post_parameters("code", "password")
@sensitive_variables("key", "uri", "qr_svg", "codes")
@private_page
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.may_enroll_authenticator(user):
        raise Http404("This account has nothing to set up.")
    if confirm := password_step(request, purpose="set up an authenticator app"):
        return confirm
    key = request.session.get(PENDING_KEY_SESSION) or default_key()
    request.session[PENDING_KEY_SESSION] = key
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            device, codes = services.two_factor_enroll(
                actor=user, user=user, key=key, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            del request.session[PENDING_KEY_SESSION]
            otp_login(request, device)
            request.session[FRESH_CODES_SESSION] = codes
            messages.success(request, "Two-factor sign-in is on for your account.")
            return redirect("two_factor_recovery_codes")
    uri = TOTPDevice(user=user, key=key).config_url
    qr_svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=4, light="#fff", title="QR code for your authenticator app"
    )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "secret": grouped(b32encode(unhexlify(key)).decode()),
            "uri": uri,
            # segno draws the code from the URI as path data: no text of ours reaches the markup.
            "qr_svg": mark_safe(qr_svg),
            "next": next_url(request),
        },
    )


def code_refused(request: HttpRequest) -> bool:
    """Count a wrong code as a failed sign-in for the lockout; True once it locks."""
    credentials = {"username": request.user.get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return bool(getattr(request, "axes_locked_out", False))


def attempts_reset(request: HttpRequest) -> None:
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(
        ip_address=request.axes_ip_address, username=request.user.get_username()
    )


@sensitive_post_parameters("code")
@private_page
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.has_second_factor(user):
        if permissions.may_enroll_authenticator(user):
            return redirect(f"{reverse('two_factor_setup')}?{request.GET.urlencode()}")
        raise Http404("This account has no two-factor sign-in.")
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = services.two_factor_verify(actor=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            if code_refused(request):
                logout(request)
                return locked_out(request)
            form.add_error("code", error.message_dict["code"])
        else:
            attempts_reset(request)
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = selectors.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code, which is now used up. "
                    f"{left} recovery codes are left.",
                )
            return redirect(next_url(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url(request)},
    )


@sensitive_post_parameters("password")
@sensitive_variables("codes")
@private_page
@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.has_second_factor(user):
        raise Http404("This account has no two-factor sign-in.")
    if not user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.path})}")
    if request.method == "POST" and (
        confirm := password_step(request, purpose="replace your recovery codes")
    ):
        return confirm
    if request.method == "POST":
        try:
            codes = services.recovery_codes_regenerate(actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            request.session[FRESH_CODES_SESSION] = codes
            messages.success(request, "New recovery codes are ready. The old ones no longer work.")
        return redirect("two_factor_recovery_codes")
    return render(
        request,
        "accounts/two_factor_recovery_codes.html",
        {
            "fresh_codes": request.session.pop(FRESH_CODES_SESSION, None),
            "codes_left": selectors.recovery_codes_left(user),
        },
    )


class SiteUrlPasswordResetView(auth_views.PasswordResetView):
    """The emailed link points at SITE_URL. Django builds it from the request's Host header
    otherwise, which whoever asks for the reset writes: a forged Host would mail the victim a
    link to the asker's server, token included."""

    html_email_template_name = None
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        # The email's context takes these over the ones Django reads from the request.
        site = urlsplit(settings.SITE_URL)
        self.extra_email_context = {
            "protocol": site.scheme,
            "domain": site.netloc,
            "site_name": site.netloc,
        }
        return super().form_valid(form)


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """django-axes's lockout answer (AXES_LOCKOUT_CALLABLE): when to try again, as 429."""
    cool_off = get_cool_off(request) or datetime.timedelta(0)
    response = render(
        request,
        "accounts/locked_out.html",
        {
            "retry_at": timezone.now() + cool_off,
            "cool_off_minutes": max(1, round(cool_off.total_seconds() / 60)),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    response["Cache-Control"] = "private, no-store, no-cache, max-age=0"
    return response


@require_POST
def github_login(request: HttpRequest) -> HttpResponse:
    """Start a GitHub sign-in (or, with `process=connect`, connect GitHub to this account):
    allauth's view, behind a POST so no other site can start one. Without an OAuth app, back
    to the sign-in page, which then offers no GitHub button."""
    if not settings.GITHUB_CLIENT_ID:
        messages.error(request, "Sign-in with GitHub is not set up on this site.")
        return redirect("login")
    return github_views.oauth2_login(request)


@require_GET
def github_callback(request: HttpRequest) -> HttpResponse:
    """Where GitHub sends the browser back: allauth checks the state and trades the code."""
    if not settings.GITHUB_CLIENT_ID:
        raise Http404("Sign-in with GitHub is not set up on this site.")
    return github_views.oauth2_callback(request)


@sensitive_post_parameters("password")
@private_page
@visible_or_404(permissions.can_use_account_page)
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The account's sign-in methods: its GitHub connection, and for an account that has none
    yet, the way to connect one after proving the password again."""
    user = request.user
    github = selectors_accounts.github_account_of(user)
    context = {
        "github": github,
        "person": permissions.person_of(user),
        "has_password": user.has_usable_password(),
        "two_factor": permissions.has_second_factor(user),
        "may_connect": github is None and bool(settings.GITHUB_CLIENT_ID),
        "connect_ready": False,
    } | sign_in_choices()
    if (
        context["may_connect"]
        and request.method == "POST"
        and (confirm := password_step(request, purpose="connect your GitHub account"))
    ):
        return confirm
    context["connect_ready"] = context["may_connect"] and reauthenticated_recently(request)
    return render(request, "accounts/account.html", context)


@require_GET
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """An emailed invitation's link. Signed out: sign in with GitHub, as the handle it names,
    and come back here. Signed in as that person: spent, and on to what it invites to. A link
    that is forged, expired or spent answers 404, as if it never existed."""
    invitation = services.invitation_from_token(token)
    if invitation is None:
        raise Http404("This invitation link is not valid any more.")
    if not request.user.is_authenticated:
        response = render(
            request,
            "accounts/invitation.html",
            {"invitation": invitation, "next": request.path} | sign_in_choices(),
        )
        patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
        return response
    try:
        services.invitation_accept(actor=request.user, invitation=invitation)
    except PermissionDenied as refusal:
        return render(
            request, "accounts/github_refused.html", {"message": str(refusal)}, status=403
        )
    return redirect(invitation.url)
