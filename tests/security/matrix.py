"""The access matrix: every route of the URLconf, filled with real objects of the world, crossed
with every persona and every method the route accepts, each cell checked against the policy.

Routes come from walking `get_resolver()`, so a route added later is in the matrix at once, and
fails it until `RULES` (in `matrix_rules.py`) says who may use it. A rule names the objects that
fill the route and the policy's answer for each persona, asked of `governance.permissions` itself:

- a public route answers 200 where its object is public and 404 where it is not, to everyone;
- a private route sends the signed-out to sign in (whatever the id, so the redirect tells
  nothing), answers 404 to whoever may not know the object exists, 403 to whoever may see it
  but not act on it, and serves whoever may.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from governance import permissions
from nominations.models import Nomination
from tests.security.conftest import World, client_with_cookies
from tests.security.matrix_rules import ADMIN_RULE, RULES, Case, Rule

METHODS = ("GET", "HEAD", "POST")
LOGIN = "login"
ADMIN_LOGIN = "admin login"
OK_AFTER_POST = frozenset({200, 302, 303, 400, 403, 409})


@dataclass(frozen=True)
class Route:
    """One pattern of the URLconf. `pattern` is its full text, the key of `RULES`."""

    pattern: str
    levels: tuple  # the pattern objects from the root down to this one
    in_admin: bool
    admin_model: type | None


# Walking the URLconf --------------------------------------------------------------------------


def routes() -> list[Route]:
    """Every reachable pattern once (a pattern shadowed by an earlier identical one is not)."""
    found: dict[str, Route] = {}

    def walk(resolver: URLResolver, levels: tuple, in_admin: bool, model) -> None:
        for entry in resolver.url_patterns:
            chain = (*levels, entry)
            if isinstance(entry, URLResolver):
                entry_in_admin = in_admin or entry.app_name == "admin"
                walk(entry, chain, entry_in_admin, model or _admin_model(entry, entry_in_admin))
            elif isinstance(entry, URLPattern):
                text = "".join(str(level.pattern) for level in chain)
                found.setdefault(text, Route(text, chain, in_admin, model))

    walk(get_resolver(), (), False, None)
    return list(found.values())


def _admin_model(resolver: URLResolver, in_admin: bool):
    if not in_admin:
        return None
    for model in admin.site._registry:
        if str(resolver.pattern) == f"{model._meta.app_label}/{model._meta.model_name}/":
            return model
    return None


REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def path_of(route: Route, kwargs: dict) -> str:
    """The URL of `route` with `kwargs` in its parameters; resolving it must give the route back."""
    parts = []
    for level in route.levels:
        text = str(level.pattern)
        if level.pattern.__class__.__name__ == "RegexPattern":
            text = REGEX_GROUP.sub(lambda match: str(kwargs[match.group(1)]), text)
            text = text.lstrip("^").rstrip("$").replace("\\Z", "")
        else:
            text = ROUTE_PARAMETER.sub(lambda match: str(kwargs[match.group(1)]), text)
        parts.append(text)
    path = "/" + "".join(parts)
    match = resolve(path)
    assert match.route == route.pattern.replace("^", "").replace("$", "").replace("\\Z", "") or (
        match.func == route.levels[-1].callback
    ), f"{path} resolves to {match.route}, not {route.pattern}"
    return path


def admin_cases(route: Route, world: World) -> list[Case]:
    model = route.admin_model
    row = model.objects.order_by("pk").first() if model else None
    kwargs = {
        "app_label": "nominations",
        "object_id": row.pk if row else 1,
        "id": row.pk if row else 1,
        "object_pk": row.pk if row else 1,
        # django-otp's device admin: the setup QR code of a device.
        "pk": row.pk if row else 1,
        "user_id": world.user("core1").pk,
        "group_id": 1,
        "content_type_id": ContentType.objects.get_for_model(Nomination).pk,
        "url": "no-such-page/",
    }
    return [Case(model._meta.label if model else "", kwargs)]


def rule_for(route: Route) -> Rule | None:
    if route.pattern in RULES:
        return RULES[route.pattern]
    if route.in_admin:
        # The admin site is staff's: every page of it, for every model registered now or later.
        return ADMIN_RULE
    return None


ANSWERS_EVERYONE = frozenset(range(200, 500)) - {404}


# Expectations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    statuses: frozenset[int]
    redirect_to: str = ""  # LOGIN or ADMIN_LOGIN when the cell must send the user to sign in
    private: bool = False  # the response must not be stored by any cache


def expect(route: Route, rule: Rule, case: Case, user, method: str) -> Expectation:
    if rule.any_answer:
        return Expectation(ANSWERS_EVERYONE)
    if rule is ADMIN_RULE:
        if permissions.is_operator(user):
            return Expectation(frozenset(range(200, 500)), private=True)
        return Expectation(frozenset({302}), redirect_to=ADMIN_LOGIN)
    if not rule.is_private:
        if method == "POST":
            return Expectation(ANSWERS_EVERYONE)
        return Expectation(frozenset({200 if rule.public(case.subject) else 404}))
    if not user.is_authenticated:
        return Expectation(frozenset({302}), redirect_to=LOGIN)
    if not rule.may_see(user, case.subject):
        return Expectation(frozenset({404}))
    may_do = (rule.may_do or rule.may_see)(user, case.subject)
    if method == "POST":
        return Expectation(OK_AFTER_POST if may_do else frozenset({400, 403}), private=True)
    return Expectation(frozenset({200 if may_do else 403}), private=True)


def users(world: World, persona: str):
    """The persona's user, read afresh so no cached role or grant of the fixtures carries over."""
    user = world.user(persona)
    if user is None:
        return AnonymousUser()
    return type(user).objects.get(pk=user.pk)


def cells(
    world: World, *, one_case_per_route: bool = False
) -> Iterator[tuple[Route, Rule, Case, str]]:
    """Every route with each object that fills it; `one_case_per_route` for a check that runs
    before any view, whose answer depends on the route alone (CSRF, the two-factor gate)."""
    for route in routes():
        rule = rule_for(route)
        assert rule is not None, (
            f"{route.pattern!r} has no entry in RULES: say who may use it before it ships"
        )
        cases = admin_cases(route, world) if route.in_admin else rule.cases(world)
        for case in cases[:1] if one_case_per_route else cases:
            yield route, rule, case, path_of(route, case.kwargs)


# Sending ----------------------------------------------------------------------------------------


def send(client: Client, method: str, path: str, query: dict):
    """One request with an empty body, rolled back afterwards, so every cell meets the same
    world (and a sign-out in one cell signs no later cell out)."""
    with transaction.atomic():
        response = client.generic(method, path, QUERY_STRING=urlencode(query))
        transaction.set_rollback(True)
    return response


# A statement that writes rows, and the table it writes: `INSERT INTO t`, `UPDATE t`,
# `DELETE FROM t`, as Django sends them (t quoted).
WRITE_STATEMENT = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)


@contextmanager
def tables_written() -> Iterator[set[str]]:
    """The tables written to by the statements sent meanwhile, on either database, read off the
    SQL on its way out. Asking PostgreSQL's statistics instead cost more than most requests. The
    session table is left out: reading a page may refresh the reader's session."""
    written: set[str] = set()

    def watch(execute, sql, params, many, context):
        if match := WRITE_STATEMENT.match(sql):
            written.add(match[1])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield written
    written.discard("django_session")


# Route pattern -> the methods its view accepts.
_ACCEPTED_METHODS: dict[str, list[str]] = {}


def accepted_methods(probe: Client, route: Route, path: str, query: dict) -> list[str]:
    """The methods the route's view accepts: a signed-in user meets the method check before any
    permission check, so a 405 for them means the view refuses the method. Asked once per route,
    at the first path that fills it: the answer is the view's, the same whatever object fills
    the route, whoever asks and in every world."""
    if route.pattern not in _ACCEPTED_METHODS:
        _ACCEPTED_METHODS[route.pattern] = [
            method
            for method in METHODS
            if send(client_with_cookies(probe.cookies), method, path, query).status_code != 405
        ]
    return _ACCEPTED_METHODS[route.pattern]
