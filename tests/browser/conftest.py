"""Playwright against Debian's Chromium (never `playwright install`), with pytest-django's
live_server. Without /usr/bin/chromium the browser tests skip with a reason; under
REQUIRE_SERVICES=1 they fail instead, like the PostgreSQL and Redis tests."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import services_missing

CHROMIUM = Path(os.environ.get("GOVERNANCE_TEST_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop marked as running in this thread, and Django
    then refuses ORM calls here. Allowed for the browser tests only (they run last)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session", autouse=True)
def _chromium_present() -> None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        services_missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium).")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, _chromium_present):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
