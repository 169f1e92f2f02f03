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

PublicPageCacheMiddleware serves a hit before the session, authentication and messages
middleware run (an anonymous reader's cached page needs none of them), and stores a rendered
page as it leaves them, with the headers they added. It finds the page's view with the URL
resolver; the API's operations, which django-ninja dispatches, are served by the view's own
`cached_public_page`.

A page is stored gzip-compressed for readers whose browser accepts it (every browser does), by
PublicPageGZipMiddleware below the cache, and plain for the others, each under its own key: it is
compressed once as it is stored, not on every hit, and a hit is a fraction of the bytes to read
from the cache and send. Only what the cache stores is compressed: a signed-in reader's page may
hold private text beside secrets (the CSRF token), which compression would open to BREACH-style
guessing; a public page holds neither.

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
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.urls import Resolver404, resolve
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
    # The only other header read is Accept-Encoding, by PublicPageGZipMiddleware: its two
    # encodings have an entry each.
    address = f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(parameters)}"
    encoding = "gzip" if _accepts_gzip(request) else "identity"
    return f"public-pages:{encoding}:{hashlib.sha256(address.encode()).hexdigest()}"


def _accepts_gzip(request: HttpRequest) -> bool:
    return re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) is not None


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


def _committed_generation() -> str:
    """The token from the database, added to a shared cache that lost it."""
    generation = current_generation()
    if _cache_is_shared():
        # Only if still absent: a service may have written a newer token since the read.
        _cache_set(GENERATION_KEY, generation, GENERATION_TIMEOUT, only_if_absent=True)
    return generation


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
    Use as `@cached_public_page` or `@cached_public_page(query=...)`. Pages the URL resolver
    reaches are served by PublicPageCacheMiddleware on a hit; this serves the others (the
    API's operations, behind django-ninja's own dispatch).
    """
    if view is None:
        return lambda view: cached_public_page(view, query=query)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = _public_page_key(request, query)
        if key is None:
            return view(request, *args, **kwargs)
        looked_up = getattr(request, "public_page_lookup", None)
        if looked_up is not None and looked_up[0] == key:
            answered, committed = looked_up[1:]
        else:
            answered, entry, committed = _current_entry(key)
            if entry is not None:
                return _response(entry)
        if not answered:
            return view(request, *args, **kwargs)
        # The committed token, read before rendering: a change committed while rendering
        # replaces it, so what this render stores is a miss for later readers.
        if committed is None:
            committed = _committed_generation()
        # Only the page's normal form fills its entry, once the middleware below
        # PublicPageCacheMiddleware added their headers (and cookies, which keep it out).
        if _query_pairs(request.GET) == query(request.GET):
            request.public_page_to_store = (key, committed)
        return view(request, *args, **kwargs)

    wrapper.public_page_query = query
    return wrapper


def _public_page_key(request: HttpRequest, query: QueryReader) -> str | None:
    """The cache key of this request's page, or None if the request must not use the cache."""
    if not _cacheable_request(request):
        return None
    parameters = query(request.GET)
    return None if parameters is None else _page_key(request, parameters)


def _current_entry(key: str) -> tuple[bool, tuple | None, str | None]:
    """Whether the cache answered, the entry it holds for `key` if current, and the committed
    token if the database had to be asked for it."""
    answered, generation, entry = _cache_lookup(key)
    if not answered or entry is None:
        return answered, None, None
    committed = None
    if generation is None:
        generation = committed = _committed_generation()
    return True, entry if entry[0] == generation else None, committed


class PublicPageCacheMiddleware:
    """Serves an anonymous GET of a cached public page (a view `cached_public_page` wraps)
    before the middleware below it and the view run: sessions, authentication, messages and
    the rest have nothing to add to a page for a reader with no cookie of theirs, and a stored
    page carries the headers they added when it was rendered, as it is stored here on its way
    out. The middleware above it (security headers, the Content-Security-Policy) runs on
    every answer. Conditional requests go on to the view: the API answers them with a 304
    after the cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self._page_key(request)
        if key is not None:
            answered, entry, committed = _current_entry(key)
            if entry is not None:
                return _response(entry)
            # The view's cached_public_page asks no more.
            request.public_page_lookup = (key, answered, committed)
        response = self.get_response(request)
        to_store = getattr(request, "public_page_to_store", None)
        if to_store is not None and _cacheable_response(request, response):
            key, committed = to_store
            _cache_set(key, _entry(committed, response), PAGE_TIMEOUT)
        return response

    @staticmethod
    def _page_key(request: HttpRequest) -> str | None:
        # Before the resolver: most requests a signed-in user makes end here.
        if not _cacheable_request(request) or _conditional(request):
            return None
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return None
        query = getattr(match.func, "public_page_query", None)
        return None if query is None else _public_page_key(request, query)


class PublicPageGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for the public pages PublicPageCacheMiddleware, just above it,
    stores, and nothing else: see the module's docstring."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(request, "public_page_to_store", None) is None or not _cacheable_response(
            request, response
        ):
            return response
        return super().process_response(request, response)


def _conditional(request: HttpRequest) -> bool:
    return "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
