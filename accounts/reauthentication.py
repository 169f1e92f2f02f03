"""When a session last proved who is behind it, for the changes that need a fresh proof
(setting up an authenticator, new recovery codes, connecting GitHub): a session cookie alone
never makes them."""

import datetime

from django.http import HttpRequest
from django.utils import timezone

# When this session last proved it: a sign-in with the password or with GitHub, or the password
# step of `accounts.views.password_step`.
REAUTHENTICATED_AT_SESSION = "reauthenticated_at"
REAUTHENTICATION_WINDOW = datetime.timedelta(minutes=5)
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"
# allauth signs in through its backend only after a GitHub sign-in here: the site uses none of
# allauth's password pages.
GITHUB_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def reauthenticated_now(request: HttpRequest) -> None:
    request.session[REAUTHENTICATED_AT_SESSION] = timezone.now().timestamp()


def signed_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """`user_logged_in`: a sign-in that checked the password, or a fresh sign-in with GitHub,
    counts as re-authentication."""
    if request is not None and getattr(user, "backend", "") in {PASSWORD_BACKEND, GITHUB_BACKEND}:
        reauthenticated_now(request)


def reauthenticated_recently(request: HttpRequest) -> bool:
    stamp = request.session.get(REAUTHENTICATED_AT_SESSION)
    if not isinstance(stamp, float):
        return False
    age = timezone.now().timestamp() - stamp
    return 0 <= age <= REAUTHENTICATION_WINDOW.total_seconds()
