"""Over every route of the matrix: a state-changing request without a CSRF token is refused.
The check runs before any view, so one object stands for all that fill a route, and three
personas for all: the signed-out, a core maintainer (who could act) and staff (who reach the
admin). That GET and HEAD change nothing is checked in every cell of the access matrix itself."""

import pytest

from tests.security.conftest import client_with_cookies
from tests.security.matrix import accepted_methods, cells, send, tables_written

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["anonymous", "core1", "staff"])
def test_it_refuses_every_post_without_a_csrf_token(world, signed_in, persona):
    template = signed_in(persona)
    probe = signed_in("outsider")
    accepted = []
    for route, _rule, case, path in cells(world, one_case_per_route=True):
        if "POST" not in accepted_methods(probe, route, path, case.query):
            continue
        client = client_with_cookies(template.cookies, enforce_csrf_checks=True)
        response = send(client, "POST", path, case.query)
        if response.status_code != 403 or b"This form has expired" not in response.content:
            accepted.append(f"POST {path}: {response.status_code}")
    assert not accepted, "accepted without a CSRF token:\n" + "\n".join(accepted)


def test_it_sees_writes_so_the_get_check_can_fail(world, signed_in):
    client = signed_in("nominee")
    with tables_written() as written:
        client.post("/inbox/")  # marks the nominee's inbox read

    assert written == {"governance_notification"}
