"""A small client of the Discourse API: create a topic, find it again by our own id, edit its
first post, reply.

Discourse has no idempotency key. A topic is created with an `external_id` that we choose, and
looked up by it before any create, so a create retried after a crash finds the first topic
instead of making a second. Every call has a timeout. The API key travels in a header only and
never appears in an error message.
"""

from dataclasses import dataclass, field
from urllib.parse import quote

import requests

# How long to wait when a 429 does not say.
DEFAULT_RATE_LIMIT_WAIT = 60.0


class DiscourseError(Exception):
    """A call that did not do what it asked. `retry` says whether trying later can help."""

    retry = False

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DiscourseRejected(DiscourseError):
    """The forum refused the request itself (a bad key, no permission, invalid content): the
    same request fails the same way until someone changes the configuration or the text."""


class DiscourseUnavailable(DiscourseError):
    """The forum is down, slow, or rate-limiting us: the same request may succeed later."""

    retry = True


@dataclass(frozen=True)
class DiscourseConfig:
    url: str
    # Kept out of the repr, so a traceback that shows the config never shows the key.
    api_key: str = field(repr=False)
    api_username: str
    category: int
    # Seconds to connect, and again to wait for each part of the answer.
    timeout: float = 15.0


@dataclass(frozen=True)
class Topic:
    topic_id: int
    post_id: int
    url: str


def _reason(response: requests.Response) -> str:
    try:
        errors = response.json().get("errors") or []
    except (ValueError, AttributeError):
        errors = []
    detail = "; ".join(str(error) for error in errors)[:300]
    return f"Discourse answered {response.status_code}" + (f": {detail}" if detail else "")


def _retry_after(response: requests.Response) -> float:
    header = response.headers.get("Retry-After", "")
    if header.strip().isdigit():
        return float(header)
    try:
        return float(response.json()["extras"]["wait_seconds"])
    except (ValueError, KeyError, TypeError):
        return DEFAULT_RATE_LIMIT_WAIT


class DiscourseClient:
    def __init__(self, config: DiscourseConfig) -> None:
        self.config = config
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Api-Key": config.api_key,
                "Api-Username": config.api_username,
                "Accept": "application/json",
            }
        )

    def _call(self, method: str, path: str, *, payload: dict | None = None, missing_ok=False):
        try:
            response = self.session.request(
                method, f"{self.config.url}{path}", json=payload, timeout=self.config.timeout
            )
        except requests.Timeout:
            raise DiscourseUnavailable(
                f"Discourse did not answer {method} {path} in time."
            ) from None
        except requests.RequestException as error:
            # The exception names the URL only; the key is in a header it does not print.
            raise DiscourseUnavailable(
                f"Discourse could not be reached ({type(error).__name__})."
            ) from None
        if missing_ok and response.status_code == 404:
            return None
        if response.status_code == 429:
            raise DiscourseUnavailable(
                "Discourse is rate-limiting this site.", retry_after=_retry_after(response)
            )
        if response.status_code in (401, 403):
            raise DiscourseRejected(
                f"{_reason(response)}. Check DISCOURSE_API_KEY and DISCOURSE_API_USERNAME."
            )
        if response.status_code >= 500 or response.status_code == 408:
            raise DiscourseUnavailable(_reason(response))
        if response.status_code >= 400:
            raise DiscourseRejected(_reason(response))
        try:
            return response.json()
        except ValueError:
            raise DiscourseUnavailable(
                "Discourse answered with something other than JSON."
            ) from None

    def topic_url(self, slug: str, topic_id: int) -> str:
        return f"{self.config.url}/t/{slug}/{topic_id}"

    def topic_by_external_id(self, external_id: str) -> Topic | None:
        found = self._call("GET", f"/t/external_id/{quote(external_id)}.json", missing_ok=True)
        if found is None:
            return None
        first_post = found["post_stream"]["posts"][0]
        return Topic(
            topic_id=found["id"],
            post_id=first_post["id"],
            url=self.topic_url(found.get("slug", "topic"), found["id"]),
        )

    def topic_create(self, *, title: str, raw: str, external_id: str) -> Topic:
        created = self._call(
            "POST",
            "/posts.json",
            payload={
                "title": title,
                "raw": raw,
                "category": self.config.category,
                "external_id": external_id,
            },
        )
        return Topic(
            topic_id=created["topic_id"],
            post_id=created["id"],
            url=self.topic_url(created.get("topic_slug", "topic"), created["topic_id"]),
        )

    def post_edit(self, *, post_id: int, raw: str, edit_reason: str) -> None:
        self._call(
            "PUT",
            f"/posts/{post_id}.json",
            payload={"post": {"raw": raw, "edit_reason": edit_reason}},
        )

    def topic_has_reply_with(self, *, topic_id: int, marker: str) -> bool:
        """Whether a reply after the first post contains `marker` (as rendered HTML carries
        it): how a reply retried after a crash learns it was already posted. Only our own posts
        are read, so the community's replies never push ours out of the first page."""
        username = quote(self.config.api_username)
        topic = self._call("GET", f"/t/{topic_id}.json?username_filters={username}")
        return any(marker in post.get("cooked", "") for post in topic["post_stream"]["posts"][1:])

    def reply(self, *, topic_id: int, raw: str) -> int:
        return self._call("POST", "/posts.json", payload={"topic_id": topic_id, "raw": raw})["id"]
