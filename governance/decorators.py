"""View decorators that mark a response as private."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers


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
