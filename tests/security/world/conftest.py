"""The tests of this folder all start from the world of tests/security/conftest.py, built once
for the whole folder in each test process: pytest-xdist hands a worker its tests in collection
order, so a worker runs this folder's tests one after another, and builds the world once rather
than once for each of the six modules. (A test from elsewhere in between would only cost a second
build: pytest tears the world down before it.) Time stays where building left it (past the
closed votes' deadlines) until the folder is done."""

from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest
from django.core import mail
from django.test import Client

from meetings import services as meeting_services
from meetings.models import MeetingStatus
from tests.conftest import login
from tests.meetings.conftest import make_canary_meeting
from tests.security.conftest import World, build_world, client_with_cookies
from tests.support.built_once import built_once


@pytest.fixture(scope="package")
def package_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The world, built once for all the tests of this folder (building it costs more than
    most of them; tests/support/built_once.py)."""
    with built_once(django_db_blocker) as built:
        builder = built.build
        canary = make_canary_meeting(
            builder.lead, builder.core1, builder.core2, builder.maintainer, builder.nominee
        )
        # Two approvals publish it among the meetings tests' three core maintainers; the
        # world has five core maintainers, so a majority needs a third.
        meeting_services.minutes_review(actor=builder.core3, meeting=canary, verdict="approve")
        canary.refresh_from_db()
        if canary.status != MeetingStatus.PUBLISHED:
            raise AssertionError(f"the world's published meeting is {canary.status}")
        world = build_world(builder, canary, built.persona("staff"), built.persona("outsider"))
        built.keep_sent_mail()
        world.sent_mail = built.sent_mail
        world.builder = builder
        yield world


@pytest.fixture
def world(package_world, db) -> World:
    """The world, every object read afresh from the database, so that what an earlier test
    changed in memory (a status, a cached role) does not carry over; the emails sent while
    building it are in `mail.outbox` again (pytest-django empties it before each test)."""
    mail.outbox.extend(package_world.sent_mail)
    return package_world.reloaded()


@pytest.fixture
def signed_in(world):
    """`signed_in("core1")`: a client signed in as that persona of the world ("anonymous":
    signed out)."""

    def make(persona: str, *, enforce_csrf_checks: bool = False) -> Client:
        client = client_with_cookies(SimpleCookie(), enforce_csrf_checks=enforce_csrf_checks)
        if persona == "unenrolled":
            client.force_login(world.user(persona))
        elif persona != "anonymous":
            login(client, world.user(persona))
        return client

    return make
