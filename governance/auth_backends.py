"""Authentication backends."""

from axes.backends import AxesBackend
from django.http import HttpRequest


class SignInRateLimitBackend(AxesBackend):
    """django-axes for every sign-in a client makes (the sign-in form, the admin's).

    Axes limits a client, so it needs the request. Only code running on the server itself (a
    shell, a management command, the test client's `login`) authenticates without one; there is
    no client to limit there, and Django's own backend still checks the password.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


# Axes keeps the username a client typed in a column of this length; the sign-in forms accept
# any length (Django's AuthenticationForm sets no length validator), so a longer one is cut.
ATTEMPTED_USERNAME_LENGTH = 255


def attempted_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username django-axes records and locks out (`AXES_USERNAME_CALLABLE`)."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username[:ATTEMPTED_USERNAME_LENGTH] if isinstance(username, str) else username
