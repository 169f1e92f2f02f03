"""Minutes from import to publication in headless Chromium: a core maintainer previews and
imports (every item private), marks an item public and redacts it, and submits; two others
approve; the anonymous public reads the redacted version, the private item withheld."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import expect_signed_in, sign_in_through_the_form

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")

SECRET = "Zebulon Quartermain"
MINUTES = f"""Core Maintainers Meeting March 24th, 2023

Considered Module Maintainer Nominations

  • {SECRET} was considered for CPU Performance.
  • Summary: Considered one new module maintainer.

Should we add Safe Tensor support to PyTorch?

[Agenda item added day-of-meeting]

  • Views are pretty core.
  • Decision: rejected based on coverage, complexity, and composability.
"""


def signed_in(browser: Browser, base: str, user) -> Page:
    page = browser.new_context().new_page()
    page.goto(f"{base}/accounts/login/")
    sign_in_through_the_form(page, user)
    expect_signed_in(page, user)
    return page


@pytest.mark.browser
@pytest.mark.slow(seconds=5)
def test_it_takes_minutes_from_import_to_the_redacted_public_page(
    live_server, browser: Browser, tmp_path, lead, core1, core2
):
    base = live_server.url
    minutes = tmp_path / "minutes.txt"
    minutes.write_text(MINUTES, encoding="utf-8")

    writer = signed_in(browser, base, core1)
    writer.goto(f"{base}/meetings/import/")
    writer.get_by_label("File").set_input_files(str(minutes))
    writer.get_by_role("button", name="Preview").click()
    expect(writer.get_by_role("heading", level=1)).to_have_text("Preview of the import")
    expect(writer.locator(".preview-meeting")).to_contain_text(SECRET)
    writer.get_by_role("button", name="Import as private drafts").click()
    expect(writer.get_by_role("heading", level=1)).to_contain_text(
        "Core Maintainers Meeting March 24th, 2023"
    )
    expect(writer.locator(".public-side").first).not_to_contain_text(SECRET)  # private

    writer.get_by_role("link", name="Edit").first.click()
    writer.get_by_label("Public: title, notes, decisions and action items, redacted").check()
    notes = writer.get_by_role("textbox", name="Notes")
    notes.fill(notes.input_value().replace(SECRET, f"[redact: specific examples]{SECRET}[/redact]"))
    writer.get_by_role("button", name="Save and preview").click()
    expect(writer.locator("mark.redacts")).to_contain_text(SECRET)
    expect(writer.locator(".public-side mark.redacted")).to_have_text(
        "[specific examples redacted]"
    )
    expect(writer.locator(".public-side")).not_to_contain_text(SECRET)

    writer.get_by_role("link", name="Core Maintainers Meeting March 24th, 2023").click()
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.get_by_text("Submitted for review")).to_be_visible()
    workspace_url = writer.url

    for reviewer in (lead, core2):
        page = signed_in(browser, base, reviewer)
        page.goto(workspace_url)
        page.get_by_label("Approve").check()
        page.get_by_role("button", name="Send my review").click()
        expect(page.locator(".messages")).to_be_visible()
    expect(page.get_by_text("the minutes are published")).to_be_visible()

    public = browser.new_context().new_page()
    public.goto(f"{base}/meetings/")
    public.get_by_role("link", name="Core Maintainers Meeting March 24th, 2023").click()
    expect(public.locator(".minutes")).to_contain_text("[specific examples redacted]")
    expect(public.locator(".minutes")).to_contain_text("An agenda item was withheld")
    assert "Safe Tensor" not in public.content()  # the second item stayed private
    assert SECRET not in public.content()
    expect(public.get_by_text("Specific examples: 1")).to_be_visible()
