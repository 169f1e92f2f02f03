"""Fakes of the outside services on loopback, each a threaded pytest-httpserver (a held request
must not block the next), and the settings that point the site at them.

The meeting and nomination builders come from their apps' fixtures, so the events these tests
send start from the same services the site runs."""

from collections.abc import Iterator

import pytest
from django.test import override_settings
from pytest_httpserver import HTTPServer

from governance.integration_models import WebhookEndpoint, WebhookFormat
from tests.integrations.fakes import FakeDiscourse, FakeReceiver
from tests.meetings.conftest import add_public_item, canary_meeting, new_meeting, publish
from tests.nominations.conftest import build, clock

__all__ = ["add_public_item", "build", "canary_meeting", "clock", "new_meeting", "publish"]

# Short enough for a test that times out on purpose; long for loopback.
TEST_TIMEOUT = 1


def fake_server() -> HTTPServer:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
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
