"""A visitor's walk through the site in headless Chromium: roster first, then signed in."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import expect_signed_in, sign_in_through_the_form

# pytest-base-url (a pytest-playwright dependency) defines its session fixture as a method.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")


@pytest.mark.browser
def test_it_walks_from_the_roster_to_the_inbox(live_server, page: Page, maintainer, module, core1):
    page.goto(f"{live_server.url}/modules/")
    page.get_by_role("link", name=module.name).click()

    expect(page).to_have_url(f"{live_server.url}{module.get_absolute_url()}")
    expect(page.get_by_role("heading", name=module.name, level=1)).to_be_visible()
    expect(page.get_by_role("link", name=maintainer.person.full_name)).to_be_visible()

    page.get_by_role("link", name="Sign in").click()
    sign_in_through_the_form(page, core1)

    expect_signed_in(page, core1)
    page.locator(".account summary").click()
    page.get_by_role("link", name="Inbox").click()
    expect(page).to_have_url(f"{live_server.url}/inbox/")
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    expect(page.get_by_text("You are now Core maintainer")).to_be_visible()
    expect(page.get_by_text(maintainer.person.full_name)).to_have_count(0)


@pytest.mark.browser
def test_it_sends_the_anonymous_to_sign_in_for_the_inbox(live_server, page: Page, core1):
    page.goto(f"{live_server.url}/inbox/")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/inbox/")
    page.get_by_label("Username").fill(core1.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/inbox/")
