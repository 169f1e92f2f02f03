"""A walk through the site as its personas, in one browser context each: every page a persona
reaches is checked with axe-core (no serious or critical violation), for unique ids and for
sideways scrolling, and saved as a screenshot under var/screenshots/. The pages are noted, so
that the same walk is read again at a phone's width without taking its steps twice."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import sign_in_through_the_form

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
BLOCKING_IMPACTS = {"serious", "critical"}
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

_axe = Axe()


@dataclass
class Persona:
    name: str
    page: Page
    visited: list[tuple[str, str]] = field(default_factory=list)  # (path, label)


@dataclass
class Walk:
    browser: Browser
    base_url: str
    personas: dict[str, Persona] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    checked: int = 0

    def as_(self, name: str, user=None) -> Page:
        """The persona's page, in its own context; signed in through the form the first time."""
        if name not in self.personas:
            context = self.browser.new_context(base_url=self.base_url, viewport=DESKTOP)
            context.set_default_timeout(10_000)
            page = context.new_page()
            if user is not None:
                page.goto("/accounts/login/")
                sign_in_through_the_form(page, user)
                expect(page.locator(".account summary")).to_contain_text(user.username)
            self.personas[name] = Persona(name, page)
        return self.personas[name].page

    def visit(self, name: str, path: str, label: str, status: int = 200) -> Page:
        page = self.personas[name].page
        response = page.goto(path)
        assert response is not None
        assert response.status == status, f"{name} {path}: {response.status}"
        self.check(name, label, path=path)
        return page

    def check(self, name: str, label: str, *, path: str | None = None) -> None:
        """Check the page the persona is on; note its address (the page's own, when a form
        led there) to read again at the other width."""
        persona = self.personas[name]
        page = persona.page
        width = page.viewport_size["width"]
        results = _axe.run(page, options=AXE_OPTIONS)
        for violation in results.response["violations"]:
            if violation["impact"] in BLOCKING_IMPACTS:
                targets = [node["target"] for node in violation["nodes"][:3]]
                self.problems.append(
                    f"{width}px {name} {label}: {violation['id']} ({violation['impact']}) "
                    f"{violation['help']} at {targets}"
                )
        duplicates = page.evaluate(DUPLICATE_IDS)
        if duplicates:
            self.problems.append(f"{width}px {name} {label}: duplicate ids {duplicates}")
        overflow = page.evaluate(SIDEWAYS_OVERFLOW)
        if overflow > 0:
            self.problems.append(f"{width}px {name} {label}: scrolls sideways by {overflow}px")
        if page.locator(".account").count():
            rows = page.evaluate(NAV_ROWS_TAKEN)
            if rows > NAV_ROWS[width]:
                self.problems.append(f"{width}px {name} {label}: navigation in {rows} rows")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        # JPEG: several times faster to encode than PNG, and as good to look through.
        page.screenshot(path=SCREENSHOTS / f"{width}-{name}-{slug}.jpg", full_page=True, quality=70)
        self.checked += 1
        if path is None:
            path = page.url.removeprefix(self.base_url)
        if width == DESKTOP["width"]:
            persona.visited.append((path, label))

    def again_on_a_phone(self) -> None:
        """Every page each persona saw, read again at 390 pixels wide."""
        for persona in self.personas.values():
            persona.page.set_viewport_size(PHONE)
            for path, label in dict.fromkeys(persona.visited):
                persona.page.goto(path)
                self.check(persona.name, label)

    def close(self) -> None:
        for persona in self.personas.values():
            persona.page.context.close()


@contextmanager
def walk_at_both_widths(browser: Browser, base_url: str) -> Iterator[Walk]:
    """A walk whose pages are read again on a phone once its steps are taken, and which finds no
    problem on any of them."""
    walk = Walk(browser, base_url)
    try:
        yield walk
        walk.again_on_a_phone()
    finally:
        walk.close()
    assert walk.problems == [], "\n".join(walk.problems)
