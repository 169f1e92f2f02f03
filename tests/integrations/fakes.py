"""Fake Discourse and fake webhook receivers on loopback, built on pytest-httpserver.

The fake Discourse keeps topics and posts in memory and answers the few calls the client
makes, as Discourse does: `Api-Key`/`Api-Username` checked on every call, `external_id` unique
and found at /t/external_id/<id>.json by a redirect, posts cooked to HTML. A test can make it
fail the next calls (a status, a slow answer) or hold a create after it made the topic, to kill
a worker there.
"""

import html
import json
import re
import threading
import time
from dataclasses import dataclass, field

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

API_KEY = "test-discourse-key-0123456789"
API_USERNAME = "governance-bot"
CATEGORY = 7
HOLD_AT_MOST = 60  # seconds; a forgotten hold must not hang a test for ever


class LoopbackServer(HTTPServer):
    """pytest-httpserver's threaded server on 127.0.0.1, stopped in milliseconds. Its thread
    runs socketserver's `serve_forever`, which looks for a stop every half second by default:
    up to half a second idle at the end of every test with a fake."""

    def __init__(self) -> None:
        super().__init__(host="127.0.0.1", port=0, threaded=True)

    def thread_target(self) -> None:
        assert self.server is not None
        self.server.serve_forever(poll_interval=0.01)


@dataclass
class Post:
    id: int
    topic_id: int
    raw: str
    username: str = API_USERNAME
    edit_reasons: list[str] = field(default_factory=list)


@dataclass
class Topic:
    id: int
    title: str
    category: int
    external_id: str
    posts: list[Post]


class FakeDiscourse:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.lock = threading.Lock()
        self.topics: dict[int, Topic] = {}
        self.posts: dict[int, Post] = {}
        self.failures: list[Response] = []
        self.delay = 0.0
        self.hold_creates = threading.Event()
        self.created = threading.Event()
        self.calls: list[tuple[str, str]] = []
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def settings(self, **extra) -> dict:
        return {
            "DISCOURSE_URL": self.url,
            "DISCOURSE_API_KEY": API_KEY,
            "DISCOURSE_API_USERNAME": API_USERNAME,
            "DISCOURSE_CATEGORY": CATEGORY,
            **extra,
        }

    def fail_next(self, status: int, *, times: int = 1, headers: dict | None = None, body=None):
        payload = json.dumps(body or {"errors": [f"fake failure {status}"]})
        self.failures.extend(
            Response(payload, status=status, headers=headers or {}, content_type="application/json")
            for _ in range(times)
        )

    def everything_posted(self) -> str:
        return "\n".join(post.raw for post in self.posts.values()) + "\n".join(
            topic.title for topic in self.topics.values()
        )

    # The server side ---------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        self.calls.append((request.method, request.path))
        if self.delay:
            time.sleep(self.delay)
        if request.headers.get("Api-Key") != API_KEY or (
            request.headers.get("Api-Username") != API_USERNAME
        ):
            return self._json(
                {"errors": ["The API username or key is invalid."], "error_type": "invalid_access"},
                403,
            )
        with self.lock:
            if self.failures:
                return self.failures.pop(0)
        path, method = request.path, request.method
        if method == "GET" and (found := re.fullmatch(r"/t/external_id/(.+)\.json", path)):
            return self._by_external_id(found[1])
        if method == "GET" and (found := re.fullmatch(r"/t/(?:[\w-]+/)?(\d+)\.json", path)):
            topic = self.topics.get(int(found[1]))
            if topic is None:
                return self._json({}, 404)
            return self._json(self._topic_json(topic, request.args.get("username_filters")))
        if method == "POST" and path == "/posts.json":
            return self._create(request.get_json())
        if method == "PUT" and (found := re.fullmatch(r"/posts/(\d+)\.json", path)):
            post = self.posts.get(int(found[1]))
            if post is None:
                return self._json({}, 404)
            edit = request.get_json()["post"]
            post.raw = edit["raw"]
            post.edit_reasons.append(edit.get("edit_reason", ""))
            return self._json({"post": {"id": post.id}})
        return self._json({"errors": ["not found"]}, 404)

    def _by_external_id(self, external_id: str) -> Response:
        for topic in self.topics.values():
            if topic.external_id == external_id:
                return Response(status=302, headers={"Location": f"/t/topic/{topic.id}.json"})
        return self._json({"errors": ["not found"]}, 404)

    def _create(self, data: dict) -> Response:
        with self.lock:
            if "topic_id" in data:
                topic = self.topics[int(data["topic_id"])]
                post = Post(id=len(self.posts) + 1, topic_id=topic.id, raw=data["raw"])
                topic.posts.append(post)
                self.posts[post.id] = post
                return self._json({"id": post.id, "topic_id": topic.id, "topic_slug": "topic"})
            if any(t.external_id == data.get("external_id") for t in self.topics.values()):
                return self._json({"errors": ["External ID has already been taken"]}, 422)
            topic_id = len(self.topics) + 101
            post = Post(id=len(self.posts) + 1, topic_id=topic_id, raw=data["raw"])
            self.topics[topic_id] = Topic(
                topic_id, data["title"], int(data["category"]), data.get("external_id", ""), [post]
            )
            self.posts[post.id] = post
        self.created.set()
        give_up = time.monotonic() + HOLD_AT_MOST
        while self.hold_creates.is_set() and time.monotonic() < give_up:
            time.sleep(0.05)
        return self._json({"id": post.id, "topic_id": topic_id, "topic_slug": "topic"})

    def _topic_json(self, topic: Topic, username: str | None = None) -> dict:
        """The first 20 posts, as Discourse pages a topic; only `username`'s when asked."""
        posts = [p for p in topic.posts if username in (None, p.username)][:20]
        return {
            "id": topic.id,
            "slug": "topic",
            "title": topic.title,
            "post_stream": {
                "posts": [{"id": p.id, "cooked": f"<p>{html.escape(p.raw)}</p>"} for p in posts]
            },
        }

    def community_reply(self, topic_id: int, raw: str, *, username: str = "someone") -> None:
        """A reply added straight to the topic: the community's, or (with our username) one
        our killed attempt posted."""
        topic = self.topics[topic_id]
        post = Post(id=len(self.posts) + 1, topic_id=topic_id, raw=raw, username=username)
        topic.posts.append(post)
        self.posts[post.id] = post

    @staticmethod
    def _json(data: dict, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json")


class FakeReceiver:
    """A webhook endpoint: records each request; a test can make it fail the next ones."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.requests: list[Request] = []
        self.failures: list[Response] = []
        self.delay = 0.0
        self.hold = threading.Event()
        self.arrived = threading.Event()
        server.expect_request("/hook", method="POST").respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.server.url_for("/hook")

    def fail_next(self, status: int, *, times: int = 1, headers: dict | None = None) -> None:
        self.failures.extend(
            Response("no", status=status, headers=headers or {}) for _ in range(times)
        )

    def handle(self, request: Request) -> Response:
        request.get_data()  # read the body before the client hangs up
        self.requests.append(request)
        self.arrived.set()
        give_up = time.monotonic() + HOLD_AT_MOST
        while self.hold.is_set() and time.monotonic() < give_up:
            time.sleep(0.05)
        if self.delay:
            time.sleep(self.delay)
        if self.failures:
            return self.failures.pop(0)
        return Response("ok", status=200)

    def distinct_ids(self) -> set[str]:
        return {request.headers["webhook-id"] for request in self.requests}
