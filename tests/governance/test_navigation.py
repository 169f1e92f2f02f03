"""The navigation: the current page marked with aria-current, personal links in an account
menu, none of it while half signed in, and a focus ring that stands out (WCAG 2.2 AA)."""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import PASSWORD, verified_device

pytestmark = pytest.mark.django_db

SITE_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_it_draws_the_focus_ring_at_3_to_1_against_the_page_and_the_panels():
    css = SITE_CSS.read_text(encoding="utf-8")
    ring = re.search(r":focus-visible \{ outline: 3px solid (#[0-9a-f]{6})", css).group(1)

    for background in ("#ffffff", "#f6f7f9", "#eef2fb"):  # page, header panel, private notes
        assert contrast(ring, background) >= 3, background


@pytest.mark.parametrize(
    ("path", "current"),
    [("/modules/", "/modules/"), ("/meetings/", "/meetings/"), ("/exports/", "/exports/")],
)
def test_it_marks_the_current_section_in_the_navigation(client, module, path, current):
    content = client.get(path).content.decode()

    assert f'<a href="{current}" aria-current="page">' in content
    assert content.count('aria-current="page"') == 1


def test_it_puts_the_personal_links_in_an_account_menu(client_for):
    content = client_for("nominee").get("/modules/").content.decode()

    menu = content.split('<details class="account">', 1)[1].split("</details>", 1)[0]
    for link in ('href="/inbox/"', 'href="/nominations/"', "Sign out nominee"):
        assert link in menu


def test_it_shows_no_site_navigation_while_half_signed_in(core1):
    verified_device(core1)
    client = Client()
    client.post("/accounts/login/", {"username": core1.username, "password": PASSWORD})

    content = client.get("/accounts/two-factor/verify/").content.decode()

    assert "Two-factor sign-in" in content
    assert 'class="nav-links"' not in content
    assert 'href="/inbox/"' not in content
