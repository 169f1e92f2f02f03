"""The walk's checks catch what they are there to catch: a page with an image without a text
alternative (axe-core: critical), a duplicated id, and a block wider than a phone, is reported at
the widths where each shows, and a clean page is not."""

import pytest
from playwright.sync_api import Browser

from tests.browser.walk import DESKTOP, Walk

pytestmark = pytest.mark.browser

FLAWED = """<!doctype html><html lang="en"><head><title>Flawed</title></head><body><main>
<h1>Flawed</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p id="twice">One</p><p id="twice">Two</p>
<div style="width: 600px">As wide as no phone is.</div>
</main></body></html>"""
CLEAN = """<!doctype html><html lang="en"><head><title>Clean</title></head><body><main>
<h1>Clean</h1><p>Nothing wrong here.</p></main></body></html>"""


def walk_over(browser: Browser, content: str) -> Walk:
    walk = Walk(browser, "http://127.0.0.1")
    page = browser.new_context(viewport=DESKTOP).new_page()
    walk.pages["probe"] = page
    page.set_content(content)
    try:
        walk.check("probe", "probe")
    finally:
        walk.close()
    return walk


def test_it_reports_each_flaw_at_the_widths_where_it_shows(browser: Browser):
    walk = walk_over(browser, FLAWED)

    problems = "\n".join(walk.problems)
    assert walk.checked == 2
    assert "1280px probe probe: image-alt (critical)" in problems
    assert "390px probe probe: image-alt (critical)" in problems
    assert "1280px probe probe: duplicate ids ['twice']" in problems
    assert "390px probe probe: scrolls sideways by" in problems
    assert "1280px probe probe: scrolls sideways" not in problems


def test_it_reports_nothing_on_a_clean_page(browser: Browser):
    walk = walk_over(browser, CLEAN)

    assert (walk.checked, walk.problems) == (2, [])
