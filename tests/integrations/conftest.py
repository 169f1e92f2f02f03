"""Fakes of the outside services on loopback, each a threaded pytest-httpserver (a held request
must not block the next: a test can hold one call while the client times out and retries, or a
worker is killed), and the settings that point the site at them. GitHub's fake is
tests/support/fake_github.py.

The meeting and nomination builders come from their apps' fixtures, so the events these tests
send start from the same services the site runs."""

from collections.abc import Iterator

import pytest
from django.test import override_settings

from governance.integration_models import WebhookEndpoint, WebhookFormat
from tests.integrations.fakes import FakeDiscourse, FakeReceiver, LoopbackServer
from tests.meetings.conftest import add_public_item, canary_meeting, new_meeting, publish
from tests.nominations.conftest import build, clock
from tests.support.fake_github import REPOSITORY, FakeGitHub

__all__ = ["add_public_item", "build", "canary_meeting", "clock", "new_meeting", "publish"]

# Short enough for a test that times out on purpose; long for loopback.
TEST_TIMEOUT = 1

TOKEN = "good-token"
PATHS = {
    "persons_of_interest": "docs/persons_of_interest.rst",
    "merge_rules": ".github/merge_rules.yaml",
    "codeowners": "CODEOWNERS",
    "owners": "owners/{slug}/OWNERS",
}


@pytest.fixture(scope="module")
def github_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.start()
    yield server
    server.clear()
    server.stop()


def fake_server() -> LoopbackServer:
    server = LoopbackServer()
    server.start()
    return server


@pytest.fixture
def discourse() -> Iterator[FakeDiscourse]:
    server = fake_server()
    fake = FakeDiscourse(server)
    with override_settings(**fake.settings(INTEGRATIONS_TIMEOUT_SECONDS=TEST_TIMEOUT)):
        yield fake
    fake.hold_creates.clear()
    server.clear()
    server.stop()


@pytest.fixture
def fake_github(github_server) -> Iterator[FakeGitHub]:
    github_server.clear()
    fake = FakeGitHub(github_server, token=TOKEN)
    yield fake
    for hold in fake.holds:
        hold.release.set()


@pytest.fixture
def github_settings(settings, fake_github):
    """GitHub configured for the fake, with retries fast enough for a test."""
    settings.GITHUB_API_URL = fake_github.base
    settings.GITHUB_TOKEN = TOKEN
    settings.GITHUB_SYNC_REPOSITORY = REPOSITORY
    settings.GITHUB_SYNC_BASE_BRANCH = "main"
    settings.GITHUB_SYNC_BRANCH = "governance/maintainer-files"
    settings.GITHUB_SYNC_PATHS = dict(PATHS)
    settings.GITHUB_RETRIES = 3
    settings.GITHUB_RETRY_BACKOFF_MS = 10
    settings.GITHUB_WRITE_SPACING_MS = 0
    settings.GITHUB_TIMEOUT_SECONDS = 2
    settings.GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS = 5
    return settings


@pytest.fixture
def receiver() -> Iterator[FakeReceiver]:
    server = fake_server()
    fake = FakeReceiver(server)
    with override_settings(INTEGRATIONS_TIMEOUT_SECONDS=TEST_TIMEOUT):
        yield fake
    fake.hold.clear()
    server.clear()
    server.stop()


@pytest.fixture
def endpoint(receiver, db) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(name="Project website", url=receiver.url)


@pytest.fixture
def chat_endpoint(receiver, db) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name="Chat", url=receiver.url, payload_format=WebhookFormat.CHAT
    )
