"""The site cache of public pages: whole responses for anonymous readers, kept in the Django cache
(Redis in production).

Public pages show the roster and published snapshots only, so a URL shows every anonymous
reader the same bytes until a service changes what public pages show. Every page is stored with
the generation token current when it was rendered; such a change replaces the token, and every
cached page goes at once (a page stored under another token is a miss, and is overwritten). Those
changes are rare (a publication, a roster change), so dropping everything is cheaper than
tracking which page shows what, and it cannot miss a page.

The cache is bypassed for any request that carries a session or a message cookie: a signed-in
user always has a session, so no signed-in user is ever served, or fills, a cached page. A
response is stored only if it is a plain 200 that sets no cookie and is not marked private.
"""

import hashlib
import secrets
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_max_age

GENERATION_KEY = "public-pages:generation"
# A bound on staleness should an invalidation ever be missed, and on what unused keys cost.
PAGE_TIMEOUT = 10 * 60
MESSAGES_COOKIE = "messages"

# Audit verbs whose change shows on a public page: the roster and taxonomy (every roster page,
# the exports), meeting schedules (the calendar), published minutes and announcements.
PUBLIC_SUBJECTS = frozenset(
    {"person", "module", "role", "roster", "taxonomy", "export_settings", "merge_rule", "meeting"}
)
PUBLIC_VERBS = frozenset(
    {"minutes.published", "minutes.retracted", "minutes.imported", "announcement.released"}
)


def shows_on_public_pages(verb: str) -> bool:
    return verb in PUBLIC_VERBS or verb.split(".", 1)[0] in PUBLIC_SUBJECTS


def drop_all_pages() -> None:
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def public_pages_changed() -> None:
    """Drop every cached public page, now and again once the transaction commits.

    The second drop matters: between the first and the commit, a reader still sees the old data
    and may cache it under the new token. The first keeps pages fresh for code that reads its own
    writes inside the transaction (the tests do). A rollback costs a needless drop, nothing else.
    """
    drop_all_pages()
    transaction.on_commit(drop_all_pages)


def _new_generation() -> str:
    # A fresh token, never an old one: a lost key must not bring back pages cached before.
    cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    return cache.get(GENERATION_KEY)


def _page_key(request: HttpRequest) -> str:
    # get_host() is the validated Host (ALLOWED_HOSTS); pages that build absolute links from it
    # (the feed) are cached per allowed host, so a request can only fill its own host's entry.
    # Nothing else from the request's headers is read by these pages.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"public-pages:{hashlib.sha256(address.encode()).hexdigest()}"


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


def cached_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve anonymous GETs of a public page from the cache, filling it on a miss."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        # One round trip on a hit: the current generation and the page, which is served only if
        # it was stored under that generation.
        found = cache.get_many([GENERATION_KEY, key])
        generation, entry = found.get(GENERATION_KEY), found.get(key)
        if generation is not None and entry is not None and entry[0] == generation:
            return _response(entry)
        generation = generation or _new_generation()
        response = view(request, *args, **kwargs)
        if _cacheable_response(request, response):
            cache.set(key, _entry(generation, response), PAGE_TIMEOUT)
        return response

    return wrapper
