"""What every API answer shares: the public page cache, validators and conditional GETs.

A JSON answer is cached like a public page (`governance.public_cache`): anonymous readers share
it until the generation token changes. On top of it, each 200 carries
- an `ETag`, a hash of the body, so it is exact: the same body has the same tag in every process;
- a `Last-Modified`, the time public data last changed (the generation's `changed_at`), read
  before the data it dates, so a change committed while rendering can only make it older than
  the body, never newer (which would earn a stale copy a 304);
- `Cache-Control: public, no-cache`: any cache may keep it but must revalidate, which costs a
  304 from our own cache, so nobody serves an old roster after a change.
A client's `If-None-Match` or `If-Modified-Since` is answered after the cache, so a cached
answer earns a 304 too. HTTP dates have whole seconds: a client that sends both validators is
judged by the ETag alone (RFC 9110), which sees a change made within the same second.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from governance.public_cache import QueryReader, cached_public_page, generation_changed_at


def _with_validators(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        changed_at = generation_changed_at()
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        if changed_at is not None:
            response["Last-Modified"] = http_date(changed_at.timestamp())
        patch_cache_control(response, public=True, no_cache=True)
        return response

    return wrapper


def public_api_view(*, query: QueryReader) -> Callable:
    """Wrap an API operation (through ninja's `decorate_view`): cached for anonymous readers,
    keyed by the query parameters `query` reads, with validators and conditional GETs."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        cached = cached_public_page(_with_validators(view), query=query)

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = cached(request, *args, **kwargs)
            if response.status_code == 200:
                response = get_conditional_response(
                    request,
                    etag=response.get("ETag"),
                    last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
                    response=response,
                )
            # Public data only, the same for every origin: any website may read it from a
            # browser (no credentials are ever allowed).
            response["Access-Control-Allow-Origin"] = "*"
            return response

        return wrapper

    return decorate
