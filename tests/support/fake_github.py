"""A fake GitHub on loopback for the tests: the few endpoints of the REST API that
`integrations.github` calls, with their state (branches, commits, trees, pull requests and
activity) held in memory, and ways to make it fail.

It answers as GitHub does in the ways the client depends on: objects carry their own `url`,
trees and commits are content-addressed (the same files give the same tree id), a second open
pull request for one head and base is refused with 422, pagination follows `Link` headers.
"""

import base64
import datetime
import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import jwt
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

REPOSITORY = "example/project"
PER_PAGE = 2  # small pages, so that pagination is exercised


def _moment(text: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(text) if text else None


def _blob_sha(text: str) -> str:
    return hashlib.sha1(f"blob:{text}".encode()).hexdigest()


def _sha(kind: str, value) -> str:
    return hashlib.sha1(f"{kind}:{json.dumps(value, sort_keys=True)}".encode()).hexdigest()


@dataclass
class Fault:
    """Answer the next `times` matching requests with this instead."""

    method: str
    path: re.Pattern
    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


@dataclass
class Hold:
    """Do the matching request's work, then wait for `release` before answering: as seen by
    the caller, GitHub acted but the answer never came."""

    method: str
    path: re.Pattern
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class FakeGitHub:
    def __init__(self, server: HTTPServer, *, token: str = "good-token") -> None:
        self.server = server
        self.app_id = ""
        self.app_public_key = None
        self.token = token
        self.base = server.url_for("").rstrip("/")
        self.lock = threading.Lock()
        self.trees: dict[str, dict[str, str]] = {}
        self.commits: dict[str, dict] = {}
        self.branches: dict[str, str] = {}
        self.pulls: list[dict] = []
        self.faults: list[Fault] = []
        self.holds: list[Hold] = []
        self.requests: list[tuple[str, str]] = []
        self.arguments: list[tuple[str, str, dict[str, str]]] = []
        self.bodies: list[str] = []
        # Activity, newest first as GitHub lists it.
        self.activity_commits: list[dict] = []
        self.activity_pulls: list[dict] = []
        self.activity_comments: list[dict] = []
        self.activity_events: list[dict] = []
        initial = self.commit_files({}, parents=[], message="initial")
        self.branches["main"] = initial
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    # State -------------------------------------------------------------------------------------

    def tree_of(self, files: dict[str, str]) -> str:
        sha = _sha("tree", files)
        self.trees[sha] = dict(files)
        return sha

    def commit_files(self, files: dict[str, str], *, parents: list[str], message: str) -> str:
        tree = self.tree_of(files)
        sha = _sha("commit", [tree, parents, message])
        self.commits[sha] = {"tree": tree, "parents": parents, "message": message}
        return sha

    def files_on(self, branch: str) -> dict[str, str]:
        return self.trees[self.commits[self.branches[branch]]["tree"]]

    def merge(self, number: int) -> None:
        """Merge a pull request as GitHub's merge button does, into its base."""
        pull = next(p for p in self.pulls if p["number"] == number)
        files = self.files_on(pull["head"]["ref"])
        base = pull["base"]["ref"]
        self.branches[base] = self.commit_files(
            files, parents=[self.branches[base]], message="merge"
        )
        pull["state"] = "closed"

    def open_pulls(self) -> list[dict]:
        return [pull for pull in self.pulls if pull["state"] == "open"]

    def count(self, method: str, pattern: str) -> int:
        return sum(1 for m, path in self.requests if m == method and re.fullmatch(pattern, path))

    def fail(self, method: str, pattern: str, status: int, body: dict | None = None, **kwargs):
        self.faults.append(
            Fault(method, re.compile(pattern), status, body or {"message": "fault"}, **kwargs)
        )

    def hold(self, method: str, pattern: str) -> Hold:
        hold = Hold(method, re.compile(pattern))
        self.holds.append(hold)
        return hold

    # HTTP --------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        path = request.path
        with self.lock:
            self.requests.append((request.method, path))
            self.arguments.append((request.method, path, dict(request.args)))
            self.bodies.append(request.get_data(as_text=True))
            if not self.authorized(request):
                return self.json({"message": "Bad credentials"}, 401)
            for fault in self.faults:
                if fault.times and fault.method == request.method and fault.path.fullmatch(path):
                    fault.times -= 1
                    return self.json(fault.body, fault.status, fault.headers)
            answer = self.route(request)
        for hold in self.holds:
            if hold.method == request.method and hold.path.fullmatch(path):
                self.holds.remove(hold)
                hold.reached.set()
                hold.release.wait(timeout=60)
                break
        if isinstance(answer, Response):
            return answer
        status, body = answer
        return self.json(body, status)

    def authorized(self, request: Request) -> bool:
        """An installation token (or a token) for the API; a GitHub App's JWT, signed with
        the app's key, only for getting an installation token."""
        header = request.headers.get("Authorization", "")
        if request.path.startswith("/app/"):
            if not header.startswith("Bearer ") or self.app_public_key is None:
                return False
            try:
                claims = jwt.decode(header[7:], self.app_public_key, algorithms=["RS256"])
            except jwt.InvalidTokenError:
                return False
            return str(claims["iss"]) == self.app_id
        return header == f"token {self.token}"

    @staticmethod
    def json(body, status: int = 200, headers: dict | None = None) -> Response:
        return Response(
            json.dumps(body), status=status, headers=headers, content_type="application/json"
        )

    def route(self, request: Request):
        repo = f"/repos/{REPOSITORY}"
        path, method = request.path, request.method
        routes: list[tuple[str, str, Callable]] = [
            ("POST", r"/app/installations/(?P<installation>\d+)/access_tokens", self.app_token),
            ("GET", rf"{repo}", self.get_repo),
            ("GET", rf"{repo}/git/refs?/heads/(?P<branch>.+)", self.get_ref),
            ("PATCH", rf"{repo}/git/refs/heads/(?P<branch>.+)", self.update_ref),
            ("POST", rf"{repo}/git/refs", self.create_ref),
            ("GET", rf"{repo}/git/commits/(?P<sha>\w+)", self.get_commit),
            ("POST", rf"{repo}/git/commits", self.create_commit),
            ("POST", rf"{repo}/git/trees", self.create_tree),
            ("GET", rf"{repo}/git/trees/(?P<sha>\w+)", self.get_tree),
            ("GET", rf"{repo}/git/blobs/(?P<sha>\w+)", self.get_blob),
            ("GET", rf"{repo}/pulls", self.list_pulls),
            ("POST", rf"{repo}/pulls", self.create_pull),
            ("PATCH", rf"{repo}/pulls/(?P<number>\d+)", self.edit_pull),
            ("GET", rf"{repo}/pulls/(?P<number>\d+)/reviews", self.list_reviews),
            ("GET", rf"{repo}/commits", self.list_commits),
            ("GET", rf"{repo}/issues/comments", self.list_comments),
            ("GET", rf"{repo}/issues/events", self.list_events),
        ]
        for route_method, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                return handler(request, **match.groupdict())
        return 404, {"message": "Not Found"}

    def url(self, suffix: str) -> str:
        return f"{self.base}/repos/{REPOSITORY}{suffix}"

    def app_token(self, request, installation):
        expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
        return 201, {"token": self.token, "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}

    def get_repo(self, request):
        return 200, {"full_name": REPOSITORY, "url": self.url(""), "name": "project"}

    def ref_json(self, branch: str) -> dict:
        return {
            "ref": f"refs/heads/{branch}",
            "url": self.url(f"/git/refs/heads/{branch}"),
            "object": {"sha": self.branches[branch], "type": "commit"},
        }

    def get_ref(self, request, branch):
        if branch not in self.branches:
            return 404, {"message": "Not Found"}
        return 200, self.ref_json(branch)

    def update_ref(self, request, branch):
        data = request.get_json()
        if branch not in self.branches or data["sha"] not in self.commits:
            return 422, {"message": "Reference does not exist"}
        self.branches[branch] = data["sha"]
        return 200, self.ref_json(branch)

    def create_ref(self, request):
        data = request.get_json()
        branch = data["ref"].removeprefix("refs/heads/")
        if branch in self.branches:
            return 422, {"message": "Reference already exists"}
        self.branches[branch] = data["sha"]
        return 201, self.ref_json(branch)

    def commit_json(self, sha: str) -> dict:
        commit = self.commits[sha]
        return {
            "sha": sha,
            "url": self.url(f"/git/commits/{sha}"),
            "message": commit["message"],
            "tree": {"sha": commit["tree"], "url": self.url(f"/git/trees/{commit['tree']}")},
            "parents": [
                {"sha": parent, "url": self.url(f"/git/commits/{parent}")}
                for parent in commit["parents"]
            ],
        }

    def get_commit(self, request, sha):
        if sha not in self.commits:
            return 404, {"message": "Not Found"}
        return 200, self.commit_json(sha)

    def create_commit(self, request):
        data = request.get_json()
        sha = self.commit_files(
            self.trees[data["tree"]], parents=data["parents"], message=data["message"]
        )
        return 201, self.commit_json(sha)

    def create_tree(self, request):
        data = request.get_json()
        files = dict(self.trees[data["base_tree"]]) if data.get("base_tree") else {}
        for element in data["tree"]:
            if "sha" in element and element["sha"] is None:
                files.pop(element["path"], None)  # GitHub's way of removing a file
            else:
                files[element["path"]] = element["content"]
        sha = self.tree_of(files)
        return 201, {"sha": sha, "url": self.url(f"/git/trees/{sha}"), "tree": []}

    def get_tree(self, request, sha):
        files = self.trees[sha]
        return 200, {
            "sha": sha,
            "url": self.url(f"/git/trees/{sha}"),
            "truncated": False,
            "tree": [
                {"path": path, "mode": "100644", "type": "blob", "sha": _blob_sha(text)}
                for path, text in sorted(files.items())
            ],
        }

    def get_blob(self, request, sha):
        for files in self.trees.values():
            for text in files.values():
                if _blob_sha(text) == sha:
                    content = base64.b64encode(text.encode()).decode()
                    return 200, {"sha": sha, "content": content, "encoding": "base64"}
        return 404, {"message": "Not Found"}

    def pull_json(self, pull: dict) -> dict:
        return {
            **pull,
            "url": self.url(f"/pulls/{pull['number']}"),
            "html_url": f"https://github.example/{REPOSITORY}/pull/{pull['number']}",
        }

    def list_pulls(self, request):
        if request.args.get("sort") == "updated":
            return self.page(request, self.activity_pulls)
        pulls = [
            self.pull_json(pull)
            for pull in self.pulls
            if pull["state"] == request.args.get("state", "open")
            and request.args.get("head") in (None, f"example:{pull['head']['ref']}")
            and request.args.get("base") in (None, pull["base"]["ref"])
        ]
        return 200, pulls

    def create_pull(self, request):
        data = request.get_json()
        for pull in self.open_pulls():
            if (pull["head"]["ref"], pull["base"]["ref"]) == (data["head"], data["base"]):
                return 422, {
                    "message": "Validation Failed",
                    "errors": [{"message": "A pull request already exists"}],
                }
        pull = {
            "number": len(self.pulls) + 1,
            "state": "open",
            "title": data["title"],
            "body": data["body"],
            "head": {"ref": data["head"]},
            "base": {"ref": data["base"]},
        }
        self.pulls.append(pull)
        return 201, self.pull_json(pull)

    def edit_pull(self, request, number):
        pull = next(p for p in self.pulls if p["number"] == int(number))
        pull.update(
            {
                key: value
                for key, value in request.get_json().items()
                if key in ("title", "body", "state")
            }
        )
        return 200, self.pull_json(pull)

    # Activity ----------------------------------------------------------------------------------

    def page(self, request, items: list[dict]):
        number = int(request.args.get("page", "1"))
        chunk = items[(number - 1) * PER_PAGE : number * PER_PAGE]
        headers = {}
        if number * PER_PAGE < len(items):
            query = request.args.copy()
            query["page"] = str(number + 1)
            link = f"{self.base}{request.path}?" + "&".join(f"{k}={v}" for k, v in query.items())
            headers["Link"] = f'<{link}>; rel="next"'
        return Response(
            json.dumps(chunk), status=200, headers=headers, content_type="application/json"
        )

    def list_reviews(self, request, number):
        pull = next(p for p in self.activity_pulls if p["number"] == int(number))
        return self.page(request, pull["reviews"])

    def list_commits(self, request):
        since, until = _moment(request.args.get("since")), _moment(request.args.get("until"))
        return self.page(
            request,
            [
                commit
                for commit in self.activity_commits
                if (since is None or _moment(commit["commit"]["author"]["date"]) >= since)
                and (until is None or _moment(commit["commit"]["author"]["date"]) <= until)
            ],
        )

    def list_comments(self, request):
        since = _moment(request.args.get("since"))
        return self.page(
            request,
            [
                comment
                for comment in self.activity_comments
                if since is None or _moment(comment["updated_at"]) >= since
            ],
        )

    def list_events(self, request):
        return self.page(request, self.activity_events)
