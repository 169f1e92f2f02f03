"""Sessions live in the database with a copy in the cache (`cached_db`): closing an account on a
privacy request ends its sessions in both, so no cached copy outlives the account."""

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import cache
from django.test import Client

from governance import services as governance_services
from governance.models import RoleKind, RoleStatus
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_it_removes_the_cached_copy_of_each_session_it_ends(build, staff):
    user = build.core2
    client = login(Client(), user)
    session_key = client.session.session_key
    assert client.get("/nominations/").status_code == 200  # the session is read, so cached
    assert cache.get(KEY_PREFIX + session_key) is not None
    role = user.person.roles.get(kind=RoleKind.CORE_MAINTAINER, status=RoleStatus.ACTIVE)
    governance_services.role_make_emeritus(actor=staff, role=role, reason="Left the project.")

    done = governance_services.person_anonymise(actor=staff, person=user.person)

    assert done.sessions_ended == 1
    assert cache.get(KEY_PREFIX + session_key) is None
