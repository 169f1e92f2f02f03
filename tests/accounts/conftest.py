"""A fake GitHub on loopback (pytest-httpserver) for the sign-in tests: the OAuth authorize and
token endpoints and the REST API's /user and /user/emails, as GitHub Enterprise lays them out
under GITHUB_URL (`/login/oauth/...` and `/api/v3/...`).

The fake holds one GitHub account at a time (`fake_github.account`), which a test changes to
play a rename, a freed handle registered by someone else, or an unverified email.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from allauth.socialaccount.providers.github.views import GitHubOAuth2Adapter
from django.test import Client, override_settings
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret"
ACCESS_TOKEN = "fake-access-token"


@dataclass
class GitHubAccount:
    id: int
    login: str
    name: str = ""
    emails: list[dict] = field(default_factory=list)

    def as_user(self) -> dict:
        return {"id": self.id, "login": self.login, "name": self.name or None, "email": None}


def verified(email: str) -> list[dict]:
    return [{"email": email, "primary": True, "verified": True, "visibility": "private"}]


@dataclass
class FakeGitHub:
    """The fake's state, and what it saw: the codes it issued, the token requests it served."""

    url: str
    account: GitHubAccount
    deny_consent: bool = False
    token_error: bool = False
    codes: dict[str, GitHubAccount] = field(default_factory=dict)
    token_requests: list[dict] = field(default_factory=list)

    def authorize(self, request: Request) -> Response:
        """GitHub's consent page, answered at once: back to the app with a code and the state
        it was sent, or with `error=access_denied` when the user says no."""
        redirect_uri = request.args["redirect_uri"]
        if self.deny_consent:
            query = {"error": "access_denied", "state": request.args.get("state", "")}
        else:
            code = f"code-{len(self.codes) + 1}"
            self.codes[code] = self.account
            query = {"code": code, "state": request.args.get("state", "")}
        return Response(status=302, headers={"Location": f"{redirect_uri}?{urlencode(query)}"})

    def token(self, request: Request) -> Response:
        form = request.form.to_dict()
        self.token_requests.append(form)
        if self.token_error or form.get("code") not in self.codes:
            body = {"error": "bad_verification_code", "error_description": "The code is wrong."}
        elif form.get("client_secret") != CLIENT_SECRET:
            body = {"error": "incorrect_client_credentials"}
        else:
            body = {"access_token": ACCESS_TOKEN, "token_type": "bearer", "scope": "read:user"}
        return Response(json.dumps(body), content_type="application/json")

    def user(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"token {ACCESS_TOKEN}":
            return Response(json.dumps({"message": "Bad credentials"}), status=401)
        return Response(json.dumps(self.account.as_user()), content_type="application/json")

    def emails(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"token {ACCESS_TOKEN}":
            return Response(json.dumps({"message": "Bad credentials"}), status=401)
        return Response(json.dumps(self.account.emails), content_type="application/json")


def github_settings(url: str) -> dict:
    return {
        "github": {
            "SCOPE": ["read:user", "user:email"],
            "GITHUB_URL": url,
            "APPS": [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET, "key": ""}],
        }
    }


@pytest.fixture
def fake_github(httpserver: HTTPServer, monkeypatch) -> Iterator[FakeGitHub]:
    """The fake GitHub, with the site's sign-in pointed at it as GITHUB_URL would.

    allauth's GitHub adapter derives its endpoints from GITHUB_URL once, when it is imported
    (before any test can set the URL of a server it starts), so the fixture sets the same four
    URLs it would have derived."""
    url = httpserver.url_for("").rstrip("/")
    fake = FakeGitHub(url=url, account=GitHubAccount(id=1001, login="newcomer"))
    httpserver.expect_request("/login/oauth/authorize").respond_with_handler(fake.authorize)
    httpserver.expect_request("/login/oauth/access_token", method="POST").respond_with_handler(
        fake.token
    )
    httpserver.expect_request("/api/v3/user").respond_with_handler(fake.user)
    httpserver.expect_request("/api/v3/user/emails").respond_with_handler(fake.emails)
    monkeypatch.setattr(GitHubOAuth2Adapter, "access_token_url", f"{url}/login/oauth/access_token")
    monkeypatch.setattr(GitHubOAuth2Adapter, "authorize_url", f"{url}/login/oauth/authorize")
    monkeypatch.setattr(GitHubOAuth2Adapter, "profile_url", f"{url}/api/v3/user")
    monkeypatch.setattr(GitHubOAuth2Adapter, "emails_url", f"{url}/api/v3/user/emails")
    with override_settings(
        GITHUB_CLIENT_ID=CLIENT_ID,
        GITHUB_CLIENT_SECRET=CLIENT_SECRET,
        SOCIALACCOUNT_PROVIDERS=github_settings(url),
    ):
        yield fake


def github_authorize(client: Client, fake: FakeGitHub, *, next_url: str = "/", **extra) -> str:
    """Press "Sign in with GitHub": the address of GitHub's authorize page the site sends the
    browser to."""
    response = client.post("/accounts/github/login/", {"next": next_url, **extra})
    assert response.status_code == 302, response
    location = response["Location"]
    assert location.startswith(f"{fake.url}/login/oauth/authorize?"), location
    return location


def github_consent(authorize_url: str) -> tuple[str, dict]:
    """The browser at GitHub's authorize page, over HTTP: where GitHub sends it back."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    callback = urlsplit(answer.headers["Location"])
    return callback.path, {key: values[0] for key, values in parse_qs(callback.query).items()}


def github_sign_in(client: Client, fake: FakeGitHub, *, next_url: str = "/", **extra):
    """The whole round trip through the fake GitHub; the site's answer to the callback."""
    path, query = github_consent(github_authorize(client, fake, next_url=next_url, **extra))
    return client.get(path, query)
