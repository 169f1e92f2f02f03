"""The one way a view refuses a reader: signed-out readers sign in, refused ones read 404."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from governance import permissions
from governance.decorators import found_or_404, private_page, visible_or_404


@private_page
@visible_or_404(permissions.can_manage_meetings)
def core_only(request):
    return HttpResponse("for the core maintainers")


def _get(user):
    request = RequestFactory().get("/core-only/")
    request.user = user
    return core_only(request)


def test_it_sends_a_signed_out_reader_to_sign_in():
    response = _get(AnonymousUser())
    assert response.status_code == 302
    assert "/core-only/" in response["Location"]


def test_it_answers_404_to_a_reader_the_predicate_refuses(maintainer):
    with pytest.raises(Http404):
        _get(maintainer)


def test_it_shows_the_page_privately_to_a_reader_the_predicate_admits(core1):
    response = _get(core1)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_answers_404_for_a_missing_or_hidden_object_and_returns_a_visible_one():
    with pytest.raises(Http404, match="No such thing"):
        found_or_404(None, lambda found: True, "No such thing.")
    with pytest.raises(Http404, match="No such thing"):
        found_or_404("hidden", lambda found: False, "No such thing.")
    assert found_or_404("shown", lambda found: True, "No such thing.") == "shown"
