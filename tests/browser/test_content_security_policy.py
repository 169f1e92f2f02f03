"""Chromium enforces the Content-Security-Policy and reports nothing on our pages or the admin's:
every script and style they need comes from static files."""

import pytest
from django.test import Client
from playwright.sync_api import ConsoleMessage, Page

from tests.conftest import login

# pytest-base-url (a pytest-playwright dependency) defines its session fixture as a method.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")

INJECT_INLINE_SCRIPT = """() => {
    const script = document.createElement("script");
    script.textContent = "window.inlineScriptRan = true";
    document.body.append(script);
    return window.inlineScriptRan === true;
}"""


def policy_violations(page: Page, base_url: str, paths: list[str]) -> list[str]:
    """Visit `paths`; what the browser refused under the policy, as it says on the console."""
    violations: list[str] = []

    def note_violation(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", note_violation)
    for path in paths:
        response = page.goto(f"{base_url}{path}")
        assert response.ok, path
        assert page.url == f"{base_url}{path}", f"{path} redirected to {page.url}"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    page.remove_listener("console", note_violation)
    return violations


@pytest.mark.browser
def test_it_loads_pages_with_no_policy_violation_and_blocks_inline_script(
    live_server, page: Page, module
):
    paths = ["/", "/modules/", module.get_absolute_url(), "/meetings/", "/api/v1/", "/admin/login/"]

    assert policy_violations(page, live_server.url, paths) == []

    # The browser does report a refused inline script on the console: the check above can fail.
    with page.expect_console_message(
        lambda message: "Content Security Policy" in message.text
    ) as refusal:
        ran = page.evaluate(INJECT_INLINE_SCRIPT)
    assert ran is False
    assert "script-src 'self'" in refusal.value.text


@pytest.mark.browser
def test_it_runs_the_admin_with_no_policy_violation(live_server, page: Page, staff, core1):
    client = Client()
    login(client, staff)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    paths = [
        "/admin/",
        "/admin/governance/module/",
        f"/admin/auth/user/{core1.pk}/change/",
        "/admin/governance/role/add/",
    ]

    assert policy_violations(page, live_server.url, paths) == []
