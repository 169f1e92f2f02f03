"""View decorators that mark a response as private, and the one way a view refuses a reader."""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

T = TypeVar("T")


def private_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For signed-in users only; the response is never stored by a browser or a shared cache."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


def visible_or_404(predicate: Callable[..., bool]) -> Callable:
    """Answer 404 to a user the predicate refuses, as if the page did not exist. Place it below
    `private_page`, so that a signed-out reader is still sent to sign in first."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not predicate(request.user):
                raise Http404("No page here.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def found_or_404(found: T | None, visible: Callable[[T], bool], message: str) -> T:
    """The object a view looked up, or 404 when there is none or the reader may not see it."""
    if found is None or not visible(found):
        raise Http404(message)
    return found
