"""A fake GitHub on loopback (tests/support/fake_github.py) and the settings that point the
application at it. The server answers from several threads, so a test can hold one call while
the client times out and retries, or a worker is killed."""

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from tests.support.fake_github import REPOSITORY, FakeGitHub

TOKEN = "good-token"
PATHS = {
    "persons_of_interest": "docs/persons_of_interest.rst",
    "merge_rules": ".github/merge_rules.yaml",
    "codeowners": "CODEOWNERS",
    "owners": "owners/{slug}/OWNERS",
}


@pytest.fixture(scope="module")
def github_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
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
