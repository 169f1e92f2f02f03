"""The Content-Security-Policy and isolation headers on pages the access matrix does not reach
(the admin, error pages), and the project's own error pages in production (DEBUG off): generic,
no traceback, no exception text, no private text."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client, override_settings
from django.urls import reverse

from governance import selectors
from nominations.models import EvidenceEntry
from nominations.services import intake
from tests.conftest import login
from tests.security.conftest import canary
from tests.security.csp import policy_directives, runs_only_our_own_scripts

pytestmark = pytest.mark.django_db

SECRET = canary("errorpage")
FORCED = f"forced by the test {SECRET}"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
# An inline script (a <script> without src), a <style> element, a style or on* attribute.
INLINE_SCRIPT_OR_STYLE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=", re.IGNORECASE
)


def fail(*args, **kwargs):
    raise RuntimeError(FORCED)


def assert_strict_policy(response) -> None:
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert runs_only_our_own_scripts(response)
    assert "'unsafe-inline'" not in policy_directives(response)["style-src"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "same-origin"


def assert_never_stored(response) -> None:
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_it_keeps_templates_free_of_inline_script_and_style():
    offending = {
        str(path.relative_to(TEMPLATES_DIR)): INLINE_SCRIPT_OR_STYLE.findall(path.read_text())
        for path in TEMPLATES_DIR.rglob("*.html")
    }
    assert len(offending) > 10
    assert {name: found for name, found in offending.items() if found} == {}


@pytest.mark.parametrize("path", ["/admin/", "/admin/governance/module/", "/admin/auth/user/add/"])
def test_it_sends_the_strict_policy_on_admin_pages(client_for, path):
    response = client_for("staff").get(path)

    assert response.status_code == 200
    assert_strict_policy(response)


def test_it_sends_the_strict_policy_on_the_admin_sign_in_page(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 200
    assert_strict_policy(response)


@override_settings(DEBUG=False)
@pytest.mark.parametrize("persona", ["anonymous", "core1"])
def test_it_answers_an_unknown_address_with_the_project_404_page(client_for, persona):
    response = client_for(persona).get("/no-such-page/")

    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "There is nothing at this address." in response.content.decode()
    assert_strict_policy(response)


@override_settings(DEBUG=False)
def test_it_answers_an_unknown_host_with_the_project_400_page(client):
    response = client.get("/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert "400.html" in [template.name for template in response.templates]
    assert "The request could not be understood." in response.content.decode()
    assert_strict_policy(response)


@override_settings(DEBUG=False)
def test_it_answers_a_forbidden_edit_with_the_project_403_page(build, client_for):
    nomination = build.opened(nominee=build.person("Lin Chen", "lchen"))
    entry = EvidenceEntry.objects.get(nomination=nomination, author=build.core1)

    response = client_for("core2").get(reverse("nominations:evidence_edit", args=[entry.pk]))

    assert response.status_code == 403
    assert "403.html" in [template.name for template in response.templates]
    body = response.content.decode()
    assert "You are not allowed to do this." in body
    assert "Only its author may edit" not in body
    assert_strict_policy(response)


def assert_generic_500_page(response) -> None:
    body = response.content.decode()
    assert response.status_code == 500
    assert [template.name for template in response.templates] == ["500.html"]
    assert "Something went wrong" in body
    for detail in ("Traceback", "RuntimeError", FORCED, SECRET):
        assert detail not in body
    assert_strict_policy(response)
    assert_never_stored(response)


@override_settings(DEBUG=False)
def test_it_answers_a_failing_public_page_with_the_generic_500_page(monkeypatch):
    monkeypatch.setattr(selectors, "module_listing", fail)

    response = Client(raise_request_exception=False).get(reverse("module_list"))

    assert_generic_500_page(response)


@override_settings(DEBUG=False)
def test_it_answers_a_failing_evidence_post_with_the_generic_500_page(build, monkeypatch):
    nomination = build.opened(nominee=build.person("Lin Chen", "lchen"))
    monkeypatch.setattr(intake, "audit_record", fail)
    client = Client(raise_request_exception=False)
    login(client, build.core1)

    response = client.post(
        reverse("nominations:evidence_add", args=[nomination.pk]),
        {"criterion": "quality", "body": SECRET},
    )

    assert_generic_500_page(response)


def test_it_renders_the_500_page_without_a_request_or_context_processors():
    # django.views.defaults.server_error renders it exactly so, to survive whatever failed.
    html = loader.get_template("500.html").render()

    assert "Something went wrong" in html
    assert "{%" not in html
