"""Chromium enforces the Content-Security-Policy and reports nothing on our pages, the admin's
sign-in page included: every script and style they need comes from our static files."""

import pytest
from playwright.sync_api import ConsoleMessage, Page

# pytest-base-url (a pytest-playwright dependency) defines its session fixture as a method.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")

INJECT_INLINE_SCRIPT = """() => {
    const script = document.createElement("script");
    script.textContent = "window.inlineScriptRan = true";
    document.body.append(script);
    return window.inlineScriptRan === true;
}"""


@pytest.mark.browser
def test_it_loads_pages_with_no_policy_violation_and_blocks_inline_script(
    live_server, page: Page, module
):
    violations: list[str] = []

    def note_violation(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", note_violation)
    for path in ("/", "/modules/", module.get_absolute_url(), "/meetings/", "/admin/login/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    assert violations == []

    # The browser does report a refused inline script on the console: the check above can fail.
    with page.expect_console_message(
        lambda message: "Content Security Policy" in message.text
    ) as refusal:
        ran = page.evaluate(INJECT_INLINE_SCRIPT)
    assert ran is False
    assert "script-src 'self'" in refusal.value.text
