"""Pages of a list: a stable order (every selector here ends on a unique key), a capped page
size, and links to the neighbouring pages in the body and in a `Link` header (RFC 8288).

Links carry the parameters in their normal form (defaults left out), the form the public page
cache stores, so a client that follows them is served from the cache."""

import re
from collections.abc import Sequence
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from ninja.errors import HttpError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
POSITIVE = re.compile(r"[1-9][0-9]{0,8}")


def _positive(values: list[str], default: int, ceiling: int | None = None) -> int | None:
    if not values:
        return default
    # ASCII digits only, and few: str.isdigit() admits "²", which int() refuses.
    if len(values) > 1 or not POSITIVE.fullmatch(values[0]):
        return None
    number = int(values[0])
    return None if ceiling is not None and number > ceiling else number


def page_query(query: QueryDict) -> list[tuple[str, str]] | None:
    """How the public page cache reads a list's query: `page` and `page_size` in their normal
    form, defaults left out; None (never cached) for anything the API refuses."""
    number = _positive(query.getlist("page"), 1)
    size = _positive(query.getlist("page_size"), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    if number is None or size is None:
        return None
    return _normal(number, size)


def _normal(number: int, size: int) -> list[tuple[str, str]]:
    pairs = [("page", str(number))] if number != 1 else []
    if size != DEFAULT_PAGE_SIZE:
        pairs.append(("page_size", str(size)))
    return sorted(pairs)


def _link(request: HttpRequest, number: int, size: int) -> str:
    query = urlencode(_normal(number, size))
    return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))


def paginate(
    request: HttpRequest, response: HttpResponse, items: QuerySet | Sequence, number: int, size: int
) -> dict:
    """Page `number` of `items` (two queries for a queryset: the count and the page), as the
    envelope every list answers with; the same links go in `response`'s Link header. A page past
    the last answers 404, so no invented page number fills the cache."""
    paginator = Paginator(items, size, allow_empty_first_page=True)
    if number > paginator.num_pages:
        raise HttpError(404, f"The last page of {size} is page {paginator.num_pages}.")
    page = paginator.page(number)
    links = {
        "first": _link(request, 1, size),
        "prev": _link(request, number - 1, size) if page.has_previous() else None,
        "next": _link(request, number + 1, size) if page.has_next() else None,
        "last": _link(request, paginator.num_pages, size),
    }
    response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
    return {
        "count": paginator.count,
        "page": number,
        "page_size": size,
        "pages": paginator.num_pages,
        "next": links["next"],
        "previous": links["prev"],
        "results": list(page.object_list),
    }
