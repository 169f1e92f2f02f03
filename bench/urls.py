from django.http import HttpRequest, HttpResponse
from django.urls import path

from governance.urls import urlpatterns as site_urlpatterns


def ceiling(request: HttpRequest) -> HttpResponse:
    """A constant: what Django itself serves through the same middleware and server."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ceiling", ceiling), *site_urlpatterns]
