"""GitHub sign-in and password sign-in are configured from the environment, strictly."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.governance.test_settings_env import load_settings

GITHUB_VARIABLES = ("GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "GITHUB_URL", "PASSWORD_SIGN_IN")


def github_settings(monkeypatch, **env: str) -> dict:
    for name in GITHUB_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return load_settings(monkeypatch, DEBUG="true", **env)


def test_it_leaves_github_off_without_credentials(monkeypatch):
    loaded = github_settings(monkeypatch)
    assert loaded["SOCIALACCOUNT_PROVIDERS"]["github"]["APPS"] == []
    assert "GITHUB_URL" not in loaded["SOCIALACCOUNT_PROVIDERS"]["github"]
    assert loaded["CONTENT_SECURITY_POLICY"].endswith("form-action 'self'")
    assert "django.contrib.auth.backends.ModelBackend" in loaded["AUTHENTICATION_BACKENDS"]


def test_it_configures_a_github_enterprise_app(monkeypatch):
    loaded = github_settings(
        monkeypatch,
        GITHUB_CLIENT_ID="id",
        GITHUB_CLIENT_SECRET="secret",
        GITHUB_URL="https://github.example.org/",
    )
    github = loaded["SOCIALACCOUNT_PROVIDERS"]["github"]
    assert github["APPS"] == [{"client_id": "id", "secret": "secret", "key": ""}]
    assert github["GITHUB_URL"] == "https://github.example.org"
    assert github["SCOPE"] == ["read:user", "user:email"]
    assert loaded["CONTENT_SECURITY_POLICY"].endswith(
        "form-action 'self' https://github.example.org"
    )


def test_it_refuses_half_a_github_app(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET"):
        github_settings(monkeypatch, GITHUB_CLIENT_ID="id")


def test_it_refuses_a_github_url_that_is_not_http(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="GITHUB_URL must start with"):
        github_settings(monkeypatch, GITHUB_URL="ftp://github.example.org")


def test_it_turns_password_sign_in_off(monkeypatch):
    loaded = github_settings(monkeypatch, PASSWORD_SIGN_IN="false")
    assert loaded["PASSWORD_SIGN_IN"] is False
    assert "django.contrib.auth.backends.ModelBackend" not in loaded["AUTHENTICATION_BACKENDS"]


def test_it_refuses_a_password_switch_it_cannot_read(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="PASSWORD_SIGN_IN must be one of"):
        github_settings(monkeypatch, PASSWORD_SIGN_IN="maybe")
