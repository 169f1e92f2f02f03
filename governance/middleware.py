"""Who is signed in, and the response headers that hold for the whole site."""

import functools
import logging
from collections.abc import Callable
from contextlib import suppress
from urllib.parse import urlencode

from asgiref.sync import sync_to_async
from django.apps import apps
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import loader
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp.middleware import is_verified
from django_otp.models import Device

from governance import permissions
from governance.public_cache import GenerationNotRecorded

logger = logging.getLogger(__name__)

# What a signed-in user who still owes a second factor may reach: the pages to give it, the
# way out, and what carries no private data.
TWO_FACTOR_EXEMPT_VIEWS = frozenset(
    {"two_factor_verify", "two_factor_setup", "logout", "admin:logout", "healthz"}
)


class SignedInUserMiddleware:
    """`request.user` with its second factor, as django.contrib.auth's AuthenticationMiddleware
    and django-otp's OTPMiddleware set it together (this replaces the latter, just after the
    former): the session's user, or AnonymousUser; its `otp_device`, the confirmed device of
    this user the session was verified with, or None; and `is_verified()`.

    One query where they took two: a verified session reads its device with the user joined.
    Every check stays as theirs, on every request: the session's backend must still be
    configured and must still let the user sign in (active), the session's password hash must
    match (a changed password signs every other session out), and the device must still exist,
    belong to the session's user and be confirmed (else the session is unverified, and forgets
    it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = SimpleLazyObject(functools.partial(_signed_in_user, request))
        request.auser = functools.partial(sync_to_async(_signed_in_user), request)
        return self.get_response(request)


def _signed_in_user(request: HttpRequest):
    """Read once per request, however often asked."""
    if not hasattr(request, "_signed_in_user"):
        request._signed_in_user = signed_in_user(request)
    return request._signed_in_user


def signed_in_user(request: HttpRequest):
    user_model = get_user_model()
    try:
        user_id = user_model._meta.pk.to_python(request.session[SESSION_KEY])
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        user = device = None
    else:
        user, device = _session_user_and_device(request, user_id, backend_path)
    if user is None:
        user = AnonymousUser()
    user.otp_device = device
    user.is_verified = functools.partial(is_verified, user)
    if user.is_authenticated and device is None and DEVICE_ID_SESSION_KEY in request.session:
        del request.session[DEVICE_ID_SESSION_KEY]
    return user


def _session_user_and_device(request: HttpRequest, user_id, backend_path: str):
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None, None
    backend = load_backend(backend_path)
    device = _session_device(request)
    if device is not None and (device.user_id != user_id or not device.confirmed):
        device = None
    if device is not None and type(backend).get_user is ModelBackend.get_user:
        # ModelBackend.get_user, without its query: the device brought the same row.
        user = device.user if backend.user_can_authenticate(device.user) else None
    else:
        user = backend.get_user(user_id)
    user = _with_session_verified(request, user)
    return user, device if user is not None else None


def _session_device(request: HttpRequest) -> Device | None:
    """The device named by the session, with its user, as django-otp reads it (legacy ids
    that were full import paths included)."""
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return None
    if persistent_id.count(".") > 1:
        parts = persistent_id.split(".")
        persistent_id = ".".join((parts[-3], parts[-1]))
    with suppress(ValueError, LookupError):
        model_label, device_id = persistent_id.rsplit("/", 1)
        device_model = apps.get_model(*model_label.split("."))
        if issubclass(device_model, Device):
            return _device_with_user(device_model, int(device_id))
    return None


def _device_with_user(device_model: type[Device], device_id: int) -> Device | None:
    """`device_model.objects.select_related("user").filter(id=device_id).first()`, in SQL
    written once: every signed-in request asks it, and the ORM took three times longer to
    compile it than the database to answer it. Each value passes through the converters the
    ORM would apply, so the objects are as the ORM makes them."""
    sql, columns, device_fields = _device_with_user_sql(device_model)
    with connection.cursor() as cursor:
        cursor.execute(sql, [device_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (column, converters) in zip(row, columns, strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        values.append(value)
    device = device_model.from_db(DEFAULT_DB_ALIAS, device_fields, values[: len(device_fields)])
    device.user = get_user_model().from_db(
        DEFAULT_DB_ALIAS,
        [field.attname for field in get_user_model()._meta.concrete_fields],
        values[len(device_fields) :],
    )
    return device


@functools.cache
def _device_with_user_sql(device_model: type[Device]) -> tuple[str, list, list[str]]:
    """The query, its columns with their converters, and the device's field names."""
    user_model = get_user_model()
    quote = connection.ops.quote_name
    columns = []
    selected = []
    for model, alias in ((device_model, "device"), (user_model, "account")):
        for field in model._meta.concrete_fields:
            column = field.get_col(alias)
            converters = connection.ops.get_db_converters(column) + column.get_db_converters(
                connection
            )
            columns.append((column, converters))
            selected.append(f"{alias}.{quote(field.column)}")
    sql = (
        f"SELECT {', '.join(selected)} FROM {quote(device_model._meta.db_table)} device "
        f"INNER JOIN {quote(user_model._meta.db_table)} account "
        f"ON account.{quote(user_model._meta.pk.column)} = "
        f"device.{quote(device_model._meta.get_field('user').column)} "
        f"WHERE device.{quote(device_model._meta.pk.column)} = %s"
    )
    return sql, columns, [field.attname for field in device_model._meta.concrete_fields]


def _with_session_verified(request: HttpRequest, user):
    """django.contrib.auth.get_user's check of the session's password hash, as it is there."""
    if hasattr(user, "get_session_auth_hash"):
        session_hash = request.session.get(HASH_SESSION_KEY)
        if not session_hash:
            session_hash_verified = False
        else:
            session_auth_hash = user.get_session_auth_hash()
            session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
        if not session_hash_verified:
            # If the current secret does not verify the session, try with the fallback
            # secrets and stop when a matching one is found.
            if session_hash and any(
                constant_time_compare(session_hash, fallback_auth_hash)
                for fallback_auth_hash in user.get_session_auth_fallback_hash()
            ):
                request.session.cycle_key()
                request.session[HASH_SESSION_KEY] = session_auth_hash
            else:
                request.session.flush()
                user = None
    return user


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
    Runs after SignedInUserMiddleware, which says whether the session is verified."""

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


# How long a reader is asked to wait before trying a refused change again: the shared cache is
# down, and its service is expected back within a restart.
CHANGE_RETRY_AFTER_SECONDS = 30


class ChangeNotRecordedMiddleware:
    """A change whose new public-page generation the shared cache could not take was rolled
    back (`governance.public_cache.GenerationNotRecorded`): the site cannot take changes until
    the cache is back. The reader is told that nothing was changed and to try again, with 503
    and Retry-After, rather than a 500 that says nothing; the operators get the error logged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, GenerationNotRecorded):
            return None
        logger.error("A change was refused: %s", exception, exc_info=exception)
        # A plain template, as the 500 page is: no context processor that could fail in turn.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(CHANGE_RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response
