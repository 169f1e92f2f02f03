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
