"""The site cache of public pages: whole responses for anonymous readers, kept in the Django cache
(Redis in production).

Public pages show the roster and published snapshots only, so a URL shows every anonymous
reader the same bytes until a service changes what public pages show. Every page is stored with
the generation token current when it was rendered; such a change replaces the token, and every
cached page goes at once (a page stored under another token is a miss, and is overwritten). Those
changes are rare (a publication, a roster change), so dropping everything is cheaper than
tracking which page shows what, and it cannot miss a page.

The token is a database row (PublicPagesGeneration), replaced in the service's own
transaction. A shared cache (Redis) also holds it, written by the same service before its
transaction commits, so a cached page is served without a query: a hit compares the page's token
with the cache's, in the one round trip that fetches the page. A miss reads the token from the
database before rendering and stores the page under that one, which is committed: a page
rendered while a change is being committed is stored under the old token, which the cache no
longer holds, so it is never served. A cache that lost the token (flushed, cold, expired) reads
it from the database and adds it, never overwriting a newer one a service wrote meanwhile. The
cache keeps the token for a minute only, so a rolled-back change's token stops deciding hits
soon after. A change whose token the cache cannot take is refused, since readers could be served
the pages from before it. A cache per process (local memory, without Redis) cannot see
another process's change (a worker's publication), so there every request reads the token from
the database: one primary-key query.

The cache is bypassed for any request that carries a session or a message cookie: a signed-in
user always has a session, so no signed-in user is ever served, or fills, a cached page. A
response is stored only if it is a plain 200 that sets no cookie and is not marked private.

A page is keyed by its path and the query parameters it reads, normalised as it reads them (each
page declares them; most read none). A request whose query string says more, or says it
otherwise, is served the cached page of its normal form but never stores one: anyone can invent
query strings, so they must not each become an entry, nor fill an entry with what an odd
spelling renders.

The cache is an optimisation only: when it fails (down, full, timing out), the page is rendered.
"""

import datetime
import hashlib
import logging
import secrets
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import get_max_age

from governance.models import PublicPagesGeneration

logger = logging.getLogger(__name__)

# The page's query parameters as it reads them, sorted name-value pairs; None when the page
# refuses them (it answers an error, which is never stored anyway).
QueryReader = Callable[[QueryDict], list[tuple[str, str]] | None]

# A bound on staleness should an invalidation ever be missed, and on what unused keys cost.
PAGE_TIMEOUT = 10 * 60
GENERATION_KEY = "public-pages:generation"
GENERATION_TIMEOUT = 60
MESSAGES_COOKIE = "messages"

# Audit verbs whose change shows on a public page: the roster and taxonomy (every roster page,
# the exports), meeting schedules (the calendar), voting rules (/become-a-maintainer/), published
# minutes and announcements.
PUBLIC_SUBJECTS = frozenset(
    {
        "person",
        "module",
        "role",
        "roster",
        "taxonomy",
        "export_settings",
        "merge_rule",
        "meeting",
        "voting_rule",
    }
)
PUBLIC_VERBS = frozenset(
    {"minutes.published", "minutes.retracted", "minutes.imported", "announcement.released"}
)


def shows_on_public_pages(verb: str) -> bool:
    return verb in PUBLIC_VERBS or verb.split(".", 1)[0] in PUBLIC_SUBJECTS


class GenerationNotRecorded(Exception):
    """The shared cache could not take the new generation token: the change must not commit."""


def public_pages_changed() -> None:
    """Make every cached public page stale, as the calling transaction commits."""
    changes = {"token": secrets.token_hex(8), "changed_at": timezone.now()}
    rows = PublicPagesGeneration.objects.filter(pk=PublicPagesGeneration.SINGLETON_PK)
    if not rows.update(**changes):
        # Only a test's flushed database lacks the row the migration made.
        PublicPagesGeneration.objects.update_or_create(
            pk=PublicPagesGeneration.SINGLETON_PK, defaults=changes
        )
    if _cache_is_shared():
        # After the row's update, which holds its lock until the commit: concurrent changes
        # write their tokens to the cache in the order they commit.
        try:
            cache.set(GENERATION_KEY, changes["token"], GENERATION_TIMEOUT)
        except redis.RedisError as error:
            raise GenerationNotRecorded(
                "The public page cache could not record the change; nothing was changed."
            ) from error


def generation_changed_at() -> datetime.datetime | None:
    """When public data last changed (None before the first change is recorded). One query."""
    return (
        PublicPagesGeneration.objects.filter(pk=PublicPagesGeneration.SINGLETON_PK)
        .values_list("changed_at", flat=True)
        .first()
    )


def current_generation() -> str:
    """The committed token (or this transaction's own). One query."""
    # Read on every miss, so in plain SQL: the ORM's query building costs about twice this
    # query's round trip to PostgreSQL.
    table = connection.ops.quote_name(PublicPagesGeneration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT token FROM {table} WHERE id = %s", [PublicPagesGeneration.SINGLETON_PK]
        )
        row = cursor.fetchone()
    return row[0] if row else ""


def _cache_is_shared() -> bool:
    # A local-memory cache belongs to one process: no other process's change reaches it.
    return not isinstance(caches["default"], LocMemCache)


def reads_no_query(query: QueryDict) -> list[tuple[str, str]]:
    return []


def _query_pairs(query: QueryDict) -> list[tuple[str, str]]:
    return sorted((name, value) for name, values in query.lists() for value in values)


def _page_key(request: HttpRequest, parameters: list[tuple[str, str]]) -> str:
    # get_host() is the validated Host (ALLOWED_HOSTS); pages that build absolute links from it
    # (the feed) are cached per allowed host, so a request can only fill its own host's entry.
    # Nothing else from the request's headers is read by these pages.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(parameters)}"
    return f"public-pages:{hashlib.sha256(address.encode()).hexdigest()}"


def _cache_lookup(key: str) -> tuple[bool, str | None, tuple | None]:
    """Whether the cache answered, the token it holds (None from a cache per process, or one
    that lost it), and the entry it holds for `key`: one round trip."""
    try:
        if not _cache_is_shared():
            return True, None, cache.get(key)
        found = cache.get_many([GENERATION_KEY, key])
    except redis.RedisError:
        logger.warning("The public page cache could not be read; rendering.", exc_info=True)
        return False, None, None
    return True, found.get(GENERATION_KEY), found.get(key)


def _cache_set(key: str, value, timeout: int | None, *, only_if_absent: bool = False) -> None:
    try:
        if only_if_absent:
            cache.add(key, value, timeout)
        else:
            cache.set(key, value, timeout)
    except redis.RedisError:
        logger.warning("The public page cache could not be written.", exc_info=True)


def _entry(generation: str, response: HttpResponse) -> tuple:
    """What is stored: plain values, cheaper to unpickle than a response object."""
    return (generation, response.status_code, response.content, list(response.items()))


def _response(entry: tuple) -> HttpResponse:
    _, status, content, headers = entry
    return HttpResponse(content, status=status, headers=dict(headers))


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # The page holds a CSRF token made for this reader; the middleware sets its cookie later.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in control
        and "no-store" not in control
        and get_max_age(response) != 0
    )


def cached_public_page(
    view: Callable[..., HttpResponse] | None = None, *, query: QueryReader = reads_no_query
):
    """Serve anonymous GETs of a public page from the cache, filling it on a miss.

    `query` reads the page's query parameters as the page does (`reads_no_query` by default).
    Use as `@cached_public_page` or `@cached_public_page(query=...)`.
    """
    if view is None:
        return lambda view: cached_public_page(view, query=query)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        parameters = query(request.GET)
        if parameters is None:
            return view(request, *args, **kwargs)
        key = _page_key(request, parameters)
        answered, generation, entry = _cache_lookup(key)
        if not answered:
            return view(request, *args, **kwargs)
        committed = None
        if generation is None:
            generation = committed = current_generation()
            if _cache_is_shared():
                # Only if still absent: a service may have written a newer token since the read.
                _cache_set(GENERATION_KEY, committed, GENERATION_TIMEOUT, only_if_absent=True)
        if entry is not None and entry[0] == generation:
            return _response(entry)
        # The committed token, read before rendering: a change committed while rendering
        # replaces it, so what this render stores is a miss for later readers.
        if committed is None:
            committed = current_generation()
        response = view(request, *args, **kwargs)
        # Only the page's normal form fills its entry.
        if _query_pairs(request.GET) == parameters and _cacheable_response(request, response):
            _cache_set(key, _entry(committed, response), PAGE_TIMEOUT)
        return response

    return wrapper
