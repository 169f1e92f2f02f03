"""django-allauth's hooks: where a GitHub sign-in meets the roster.

allauth runs the OAuth dance (state, code, token, the user and emails API). These hooks decide
nothing themselves: the roster entry a GitHub account may become is the policy's answer
(`permissions.github_sign_in_refusal`), and every change goes through a governance service.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse

from accounts.reauthentication import reauthenticated_recently
from governance import permissions, services
from governance.redirects import is_local_path, landing_path

CONNECT_NEEDS_PASSWORD = (
    "Confirm your password on your account page first, then connect GitHub within five minutes."
)


def refused(request: HttpRequest, message: str, *, status: int = 403) -> ImmediateHttpResponse:
    """The answer to a GitHub sign-in that may not go on: a page that says why."""
    response = render(request, "accounts/github_refused.html", {"message": message}, status=status)
    return ImmediateHttpResponse(response)


class GitHubIdentity:
    """What a GitHub sign-in tells about its account: the numeric id, the handle, the display
    name, and the primary email address if GitHub has verified it."""

    def __init__(self, sociallogin: SocialLogin) -> None:
        data = sociallogin.account.extra_data
        self.github_id = int(sociallogin.account.uid)
        self.github = str(data.get("login") or "")
        self.full_name = str(data.get("name") or "")
        verified = [address for address in sociallogin.email_addresses if address.verified]
        primary = [address for address in verified if address.primary] or verified
        self.verified_email = primary[0].email if primary else ""


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # The site has no sign-up form: only a GitHub sign-in creates an account, and anyone
        # with a GitHub account may take part.
        return True

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # A GitHub sign-in without a `next` lands where a password sign-in does.
        return landing_path(request.user)

    def is_safe_url(self, url: str | None) -> bool:
        # The `next` of a GitHub sign-in: a local path only, as `governance.redirects` decides.
        return bool(url) and is_local_path(url)


class GitHubSignInAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse, before any account is made or signed in, a GitHub account that may not
        become the roster entry it claims; audit the refusal."""
        identity = GitHubIdentity(sociallogin)
        connecting = sociallogin.state.get("process") == AuthProcess.CONNECT
        if connecting and not reauthenticated_recently(request):
            raise refused(request, CONNECT_NEEDS_PASSWORD)
        if connecting:
            user = request.user
        elif sociallogin.is_existing:
            user = sociallogin.user
        else:
            user = None
        person = services.person_claimed_by_github(
            github_id=identity.github_id, github=identity.github
        )
        reason = permissions.github_sign_in_refusal(person, github_id=identity.github_id, user=user)
        if reason:
            services.github_sign_in_refusal_record(
                person=person, github_id=identity.github_id, github=identity.github, reason=reason
            )
            raise refused(request, reason)
        if user is not None:
            self.link(request, user, identity)

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None):
        """A first sign-in: create the account and tie it to its roster entry together."""
        identity = GitHubIdentity(sociallogin)
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            # allauth takes the primary address as it is; GitHub may not have verified it,
            # and an account keeps a verified address or none.
            if user.email != identity.verified_email:
                user.email = identity.verified_email
                user.save(update_fields=["email"])
            self.link(request, user, identity)
        return user

    def link(self, request: HttpRequest, user, identity: GitHubIdentity) -> None:
        try:
            services.person_github_sign_in(
                actor=user,
                github_id=identity.github_id,
                github=identity.github,
                full_name=identity.full_name,
                verified_email=identity.verified_email,
            )
        except PermissionDenied as refusal:
            person = services.person_claimed_by_github(
                github_id=identity.github_id, github=identity.github
            )
            if person is not None:
                services.github_sign_in_refusal_record(
                    person=person,
                    github_id=identity.github_id,
                    github=identity.github,
                    reason=str(refusal),
                )
            raise refused(request, str(refusal)) from None

    def get_connect_redirect_url(self, request: HttpRequest, socialaccount) -> str:
        return reverse("account")

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        """A denied consent, a forged or stale state, a failed token exchange: one page that
        says the sign-in did not happen, and never GitHub's own error text."""
        cancelled = error == "cancelled"
        message = (
            "You cancelled the sign-in with GitHub. Nothing was changed."
            if cancelled
            else "The sign-in with GitHub did not complete. Please try again."
        )
        raise refused(request, message, status=200 if cancelled else 401)
