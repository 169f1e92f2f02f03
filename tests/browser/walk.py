"""A walk through the site as its personas, in one browser context each: every page a persona
reaches is checked at a desktop's width and at a phone's with axe-core (no serious or critical
violation), for unique ids, for sideways scrolling and for the navigation's rows, and saved as
a screenshot under var/screenshots/."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Browser, Page

from tests.browser.conftest import sign_in_with_a_session

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# WCAG 2.x A and AA, 2.2 included: what the issue asks for, and fewer rules to run than all.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
BLOCKING_VIOLATIONS = """async (options) => {
    const results = await axe.run(document, options);
    return results.violations
        .filter((violation) => ["serious", "critical"].includes(violation.impact))
        .map((violation) => ({
            id: violation.id,
            impact: violation.impact,
            help: violation.help,
            targets: violation.nodes.slice(0, 3).map((node) => node.target),
        }));
}"""
DUPLICATE_IDS = """() => {
    const seen = new Map();
    for (const element of document.querySelectorAll("[id]")) {
        seen.set(element.id, (seen.get(element.id) || 0) + 1);
    }
    return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}"""
SIDEWAYS_OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
# How many rows the signed-in navigation may take: the "one or two rows".
NAV_ROWS = {1280: 1, 390: 2}
NAV_ROWS_TAKEN = """() => {
    // Entries whose tops lie within a line of each other share a row.
    const entries = [...document.querySelectorAll(".site-header .brand, .nav-links > li, .site-header .account")];
    const tops = entries.map((entry) => entry.getBoundingClientRect().top).sort((a, b) => a - b);
    return tops.filter((top, index) => index === 0 || top - tops[index - 1] > 16).length;
}"""


@dataclass
class Walk:
    browser: Browser
    base_url: str
    pages: dict[str, Page] = field(default_factory=dict)  # each persona's, by name
    problems: list[str] = field(default_factory=list)
    checked: int = 0

    def as_(self, name: str, user=None) -> Page:
        """The persona's page, in its own context, signed in the first time (`user` None: the
        signed-out visitor)."""
        if name not in self.pages:
            context = self.browser.new_context(base_url=self.base_url, viewport=DESKTOP)
            context.set_default_timeout(10_000)
            if user is not None:
                sign_in_with_a_session(context, self.base_url, user)
            self.pages[name] = context.new_page()
        return self.pages[name]

    def visit(self, name: str, path: str, label: str, status: int = 200) -> Page:
        page = self.pages[name]
        response = page.goto(path)
        assert response is not None
        assert response.status == status, f"{name} {path}: {response.status}"
        self.check(name, label)
        return page

    def check(self, name: str, label: str) -> None:
        """Check the page the persona is on at a desktop's width, then at a phone's: the same
        page in the same state, narrowed as a phone shows it (the site's layout is CSS alone)."""
        page = self.pages[name]
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.evaluate(AXE_SCRIPT)
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            self._check_at_this_width(page, name, label)
        page.set_viewport_size(DESKTOP)

    def _check_at_this_width(self, page: Page, name: str, label: str) -> None:
        width = page.viewport_size["width"]
        where = f"{width}px {name} {label}"
        for violation in page.evaluate(BLOCKING_VIOLATIONS, AXE_OPTIONS):
            self.problems.append(
                f"{where}: {violation['id']} ({violation['impact']}) {violation['help']} "
                f"at {violation['targets']}"
            )
        if duplicates := page.evaluate(DUPLICATE_IDS):
            self.problems.append(f"{where}: duplicate ids {duplicates}")
        if (overflow := page.evaluate(SIDEWAYS_OVERFLOW)) > 0:
            self.problems.append(f"{where}: scrolls sideways by {overflow}px")
        has_navigation = page.locator(".account").count() > 0
        if has_navigation and (rows := page.evaluate(NAV_ROWS_TAKEN)) > NAV_ROWS[width]:
            self.problems.append(f"{where}: navigation in {rows} rows")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        # JPEG: several times faster to encode than PNG, and as good to look through.
        page.screenshot(path=SCREENSHOTS / f"{width}-{name}-{slug}.jpg", full_page=True, quality=70)
        self.checked += 1

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@contextmanager
def walk_at_both_widths(browser: Browser, base_url: str) -> Iterator[Walk]:
    """A walk that finds no problem on any page it checks, at either width."""
    walk = Walk(browser, base_url)
    try:
        yield walk
    finally:
        walk.close()
    assert walk.problems == [], "\n".join(walk.problems)
