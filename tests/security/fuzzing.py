"""Sending a hostile post and judging the answer. See `world/test_fuzzing.py`.

Every answer must be a success (2xx, or a redirect whose page renders) or a 4xx that says what
was wrong. Whenever the input was refused (a 4xx, or the form shown again with its errors), no
table of the project's state was written to and no notification was queued. Whatever was typed
comes back escaped: our markup never appears raw in a page.
"""

import traceback
from collections.abc import Callable
from urllib.parse import quote_from_bytes, urlencode

from django.apps import apps
from django.db import transaction
from django.test import Client, TestCase
from hypothesis import given
from hypothesis import strategies as st

from tests.security.fuzz_strategies import (
    FUZZ,
    RAW_INJECTION,
    Post,
    Upload,
    bounded_text,
    encoded,
)
from tests.security.matrix import tables_written

# Rows of these apps are the state a refused post must leave alone (the audit log and the
# notification outbox live in governance; guardian holds the object permissions).
STATE_APPS = ("governance", "nominations", "meetings", "auth", "guardian")
STATE_TABLES = frozenset(
    model._meta.db_table
    for label in STATE_APPS
    for model in apps.get_app_config(label).get_models(include_auto_created=True)
)
CLEAR_4XX = frozenset({400, 403, 409, 413})
# What tells the user what went wrong: a form's errors, an error message, or the error page.
CLEAR_MESSAGES = (
    'class="errorlist',
    '<li class="error">',
    "<h1>Bad request</h1>",
    "<h1>Not allowed</h1>",
    "<h1>Not found</h1>",
    'role="alert"',
)
BOUNDARY = "fuzzboundaryQZ7"
# Beyond what the search box keeps (200 characters), well within what a URL may carry.
QUERY_BOUND = 2_000


def state_written(written: set[str]) -> set[str]:
    """The tables of the project's state among `written`."""
    return written & STATE_TABLES


def _header_value(raw: bytes) -> bytes:
    # As browsers do: quotes and line breaks in a name are percent-encoded, the rest goes raw.
    return raw.replace(b'"', b"%22").replace(b"\r", b"%0D").replace(b"\n", b"%0A")


def multipart_body(post: Post) -> bytes:
    boundary = BOUNDARY.encode()
    parts = []
    for name, values in post.fields.items():
        for value in values:
            head = b'Content-Disposition: form-data; name="' + _header_value(encoded(name)) + b'"'
            if isinstance(value, Upload):
                head += b'; filename="' + _header_value(value.name) + b'"'
                head += b"\r\nContent-Type: application/octet-stream"
                content = value.content
            else:
                content = encoded(value)
            parts.append(b"--" + boundary + b"\r\n" + head + b"\r\n\r\n" + content + b"\r\n")
    return b"".join(parts) + b"--" + boundary + b"--\r\n"


def urlencoded_body(post: Post) -> str:
    return urlencode(
        [
            (quote_from_bytes(encoded(name)), quote_from_bytes(encoded(value)))
            for name, values in post.fields.items()
            for value in values
        ],
        safe="%",
    )


def send(client: Client, path: str, post: Post):
    if post.multipart:
        return client.generic(
            "POST",
            path,
            multipart_body(post),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        )
    return client.generic(
        "POST", path, urlencoded_body(post), content_type="application/x-www-form-urlencoded"
    )


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def problems_with(
    response, *, written: set[str], queued: list, follow: Client, allowed=CLEAR_4XX
) -> list[str]:
    """What is wrong with the answer to one hostile request (an empty list: nothing)."""
    status = response.status_code
    if status >= 500:
        return [f"answered {status}"]
    text = body_text(response)
    found = []
    html = response.get("Content-Type", "").startswith("text/html")
    if html and (raws := RAW_INJECTION.findall(text)):
        found.append(f"renders our markup raw: {raws}")
    refused = status >= 400 or 'class="errorlist' in text
    if status >= 400:
        if status not in allowed:
            found.append(f"answered {status}")
        plain = response.get("Content-Type", "").startswith("text/plain") and text.strip()
        if not plain and not any(message in text for message in CLEAR_MESSAGES):
            found.append(f"answered {status} without saying what was wrong: {text[-300:]!r}")
    if refused and (changed := state_written(written)):
        found.append(f"refused the input but wrote to {sorted(changed)}")
    if refused and queued:
        found.append(f"refused the input but queued {len(queued)} on-commit callback(s)")
    location = response.get("Location", "")
    if 300 <= status < 400 and location.startswith("/"):
        page = follow.get(location)
        if page.status_code >= 500:
            found.append(f"redirects to {location}, which answers {page.status_code}")
        elif raws := RAW_INJECTION.findall(body_text(page)):
            found.append(f"redirects to {location}, which renders our markup raw: {raws}")
    return found


def fuzz(
    make_client: Callable[[], Client],
    path_for: Callable[[object], str],
    strategy: st.SearchStrategy,
    post_of: Callable[[object], Post] = lambda drawn: drawn,
) -> None:
    """Post every example `strategy` draws to `path_for(example)`, each in a transaction that
    is rolled back, so every example meets the same world. Fails on the first bad answer, after
    hypothesis has shrunk it to the smallest post that shows it."""

    @FUZZ
    @given(strategy)
    def post_one(drawn) -> None:
        client = make_client()
        with transaction.atomic():
            with tables_written() as written, TestCase.captureOnCommitCallbacks() as queued:
                response = send(client, path_for(drawn), post_of(drawn))
            found = problems_with(response, written=written, queued=queued, follow=client)
            transaction.set_rollback(True)
        assert not found, f"{path_for(drawn)}: " + "; ".join(found)

    post_one()


def fuzz_query(
    make_client: Callable[[], Client], path: str, name: str, known: tuple[str, ...]
) -> None:
    """GET `path` with hostile values of the query parameter `name` (sometimes repeated)."""
    value = st.one_of(bounded_text(QUERY_BOUND), st.sampled_from(known))

    @FUZZ
    @given(st.lists(value, min_size=1, max_size=3))
    def get_one(values: list[str]) -> None:
        client = make_client()
        with transaction.atomic():
            query = urlencode([(name, encoded(text)) for text in values])
            with tables_written() as written:
                response = client.generic("GET", path, QUERY_STRING=query)
                found = problems_with(
                    response,
                    written=written,
                    queued=[],
                    follow=client,
                    allowed=CLEAR_4XX | {404},
                )
            if changed := state_written(written):
                found.append(f"a GET wrote to {sorted(changed)}")
            transaction.set_rollback(True)
        assert not found, f"{path}?{query[:200]}: " + "; ".join(found)

    get_one()


def fuzz_all(runs: dict[str, Callable[[], None]]) -> list[str]:
    """Run each fuzz, collecting the failures (with hypothesis' smallest example) of all."""
    failures = []
    for label, run in runs.items():
        try:
            run()
        except Exception as error:
            where = "".join(traceback.format_exception(error, limit=-3))
            failures.append(f"{label}:\n{where}")
    return failures
