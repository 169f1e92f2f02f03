"""Fixtures of the governance tests."""

import pytest
from django.contrib.auth.models import AnonymousUser


@pytest.fixture
def actor_named(request):
    """The persona's user, or AnonymousUser for "anonymous"."""

    def get(name: str):
        return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)

    return get
