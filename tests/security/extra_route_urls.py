"""The project's URLconf plus one route that no rule covers (for the matrix's own test)."""

from django.http import HttpResponse
from django.urls import path

from governance.urls import urlpatterns as project_urlpatterns


def unreviewed(request):
    return HttpResponse("a page nobody wrote a rule for")


urlpatterns = [*project_urlpatterns, path("unreviewed/", unreviewed)]
