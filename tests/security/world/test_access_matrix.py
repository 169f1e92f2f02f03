"""Every route x every persona x every method the route accepts, checked against the policy;
canaries checked in every body and header; private answers never cacheable; every answer under a
Content-Security-Policy that runs no inline script. See `matrix.py`."""

from urllib.parse import urlencode

import pytest

from governance import permissions
from tests.security.conftest import PERSONAS, client_with_cookies, leaked_canaries
from tests.security.csp import runs_only_our_own_scripts
from tests.security.matrix import (
    ADMIN_LOGIN,
    LOGIN,
    accepted_methods,
    cells,
    expect,
    send,
    tables_written,
    users,
)

pytestmark = pytest.mark.django_db

REDIRECT_PREFIX = {LOGIN: "/accounts/login/?next=", ADMIN_LOGIN: "/admin/login/?next="}


def private_headers_missing(response) -> list[str]:
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",")}
    missing = [d for d in ("private", "no-store") if d not in cache_control]
    if "cookie" not in vary:
        missing.append("Vary: Cookie")
    return missing


def everything_sent(response) -> str:
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return headers + "\n" + body.decode(errors="replace")


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_answers_every_cell_of_the_matrix_as_the_policy_says(world, signed_in, persona):
    template = signed_in(persona)
    probe = signed_in("outsider")
    user = users(world, persona)
    failures: list[str] = []
    for route, rule, case, path in cells(world):
        for method in accepted_methods(probe, route, path, case.query):
            where = f"{persona} {method} {path} ({case.label or route.pattern})"
            with tables_written() as written:
                response = send(client_with_cookies(template.cookies), method, path, case.query)
            if method != "POST" and written:
                failures.append(f"{where}: a {method} wrote to {sorted(written)}")
            permissions.forget_cached_access(user)
            expected = expect(route, rule, case, user, method)
            if response.status_code not in expected.statuses:
                failures.append(f"{where}: {response.status_code}, expected {expected.statuses}")
                continue
            if not runs_only_our_own_scripts(response):
                failures.append(f"{where}: no Content-Security-Policy keeping out inline script")
            if expected.redirect_to and not response["Location"].startswith(
                REDIRECT_PREFIX[expected.redirect_to]
            ):
                failures.append(f"{where}: redirects to {response['Location']}")
            # A page may repeat what the user typed (the search box does); that is no leak.
            typed = leaked_canaries("anonymous", path + urlencode(case.query))
            text = everything_sent(response)
            if leaks := leaked_canaries(persona, text) - typed:
                failures.append(f"{where}: leaks {sorted(leaks)}")
            carries_private_data = bool(leaked_canaries("anonymous", text) - typed)
            must_be_private = user.is_authenticated or expected.private or carries_private_data
            if must_be_private and (missing := private_headers_missing(response)):
                failures.append(f"{where}: private response without {missing}")
    assert not failures, f"{len(failures)} cells break the policy:\n" + "\n".join(failures)
