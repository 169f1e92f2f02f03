"""Deny by default: a core maintainer or operator who gave only the password reaches no page of
the site but the two-factor pages, sign-out and the health check, with any method. The gate
runs before any view and looks at the route alone, so each route is asked at one object."""

from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.urls import resolve

from governance.middleware import TWO_FACTOR_EXEMPT_VIEWS
from tests.conftest import verified_device
from tests.security.conftest import client_with_cookies, leaked_canaries
from tests.security.matrix import cells
from tests.security.world.test_access_matrix import everything_sent, send

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-factor/verify/?"


@pytest.mark.parametrize("persona", ["core1", "lead", "staff"])
def test_it_shows_a_password_only_session_nothing_but_the_code_page(world, persona):
    user = world.user(persona)
    verified_device(user)
    template = client_with_cookies(SimpleCookie())
    template.force_login(user)
    failures: list[str] = []
    for _route, _rule, case, path in cells(world, one_case_per_route=True):
        if resolve(path).view_name in TWO_FACTOR_EXEMPT_VIEWS:
            continue
        for method in ("GET", "POST"):
            response = send(client_with_cookies(template.cookies), method, path, case.query)
            where = f"{persona} {method} {path}"
            if method == "GET" and not (
                response.status_code == 302 and response["Location"].startswith(VERIFY)
            ):
                failures.append(f"{where}: {response.status_code}, not sent to the code page")
            if method == "POST" and response.status_code != 403:
                failures.append(f"{where}: {response.status_code}, expected 403")
            typed = leaked_canaries("anonymous", path + urlencode(case.query))
            if leaks := leaked_canaries("anonymous", everything_sent(response)) - typed:
                failures.append(f"{where}: leaks {sorted(leaks)}")
    assert not failures, f"{len(failures)} cells let a password alone in:\n" + "\n".join(failures)
