"""The site cache of public pages: anonymous readers share cached pages, which change as soon as a
publication or a roster change commits; signed-in users and private pages never touch it; no
request header or invented query string can fill the cache for other readers, nor grow it; and a
failing cache only makes pages slower."""

import gzip
import logging
import random
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory, override_settings
from django.utils.cache import patch_cache_control

from governance import services as governance_services
from governance.models import Module, RoleKind
from governance.public_cache import (
    GENERATION_KEY,
    GenerationNotRecorded,
    PublicPageCacheMiddleware,
    cached_public_page,
)
from meetings.models import Meeting
from tests.conftest import (
    CACHED_PAGE_QUERIES,
    DEAD_REDIS_CACHE,
    cache_keys_of_this_worker,
    services_missing,
)
from tests.meetings.conftest import NEW_MEETING_FORM, add_public_item, new_meeting, publish

pytestmark = pytest.mark.django_db


def rename_behind_the_services_back(module: Module, name: str) -> None:
    """A write no service makes, so nothing drops the cache: shows whether a page was cached."""
    Module.objects.filter(pk=module.pk).update(name=name)


def test_it_serves_anonymous_readers_the_cached_page(module):
    Client().get("/modules/")
    rename_behind_the_services_back(module, "Renamed quietly")

    assert "Renamed quietly" not in Client().get("/modules/").content.decode()


def test_it_serves_a_cached_page_with_the_headers_of_a_rendered_one(module):
    rendered = Client().get("/modules/")
    cached = Client().get("/modules/")

    assert cached.content == rendered.content
    assert dict(cached.items()) == dict(rendered.items())
    assert {"X-Frame-Options", "Content-Security-Policy", "Content-Length"} <= set(cached.headers)


def test_it_shows_a_roster_change_right_away(module, core1, nominee):
    assert "Ife Okonkwo" not in Client().get(f"/modules/{module.slug}/").content.decode()
    assert "Compilers" not in Client().get("/modules/").content.decode()

    governance_services.role_grant(
        actor=core1, person=nominee.person, kind=RoleKind.MODULE_MAINTAINER, module=module
    )
    governance_services.module_create(actor=core1, name="Compilers", slug="compilers")

    assert "Ife Okonkwo" in Client().get(f"/modules/{module.slug}/").content.decode()
    assert "Compilers" in Client().get("/modules/").content.decode()


def test_it_shows_published_minutes_right_away(lead, core1, core2):
    meeting = new_meeting(core1, title="Quarterly sync June")
    add_public_item(core1, meeting)
    for url in ("/meetings/", "/meetings/feed/", "/"):
        assert "Quarterly sync June" not in Client().get(url).content.decode()

    publish(meeting, core1, lead, core2)

    for url in ("/meetings/", "/meetings/feed/", "/", meeting.get_absolute_url()):
        assert "Quarterly sync June" in Client().get(url).content.decode()


def test_it_never_serves_a_signed_in_user_a_cached_page(module, client_for):
    Client().get("/modules/")
    rename_behind_the_services_back(module, "Renamed quietly")

    assert "Renamed quietly" in client_for("core1").get("/modules/").content.decode()


def test_it_never_fills_the_cache_from_a_signed_in_users_page(module, client_for):
    client_for("core1").get("/modules/")
    rename_behind_the_services_back(module, "Renamed quietly")

    assert "Renamed quietly" in Client().get("/modules/").content.decode()


# What every browser sends.
ACCEPTS_GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}


def test_it_stores_the_page_compressed_for_readers_who_accept_gzip(module):
    plain = Client().get("/modules/")
    rendered = Client().get("/modules/", **ACCEPTS_GZIP)
    rename_behind_the_services_back(module, "Renamed quietly")
    cached = Client().get("/modules/", **ACCEPTS_GZIP)

    assert rendered["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in rendered["Vary"]
    assert gzip.decompress(rendered.content) == plain.content
    assert cached.content == rendered.content
    assert int(cached["Content-Length"]) == len(cached.content) < len(plain.content)


def test_it_serves_readers_who_do_not_accept_gzip_a_plain_page(module):
    Client().get("/modules/", **ACCEPTS_GZIP)
    rendered = Client().get("/modules/")
    rename_behind_the_services_back(module, "Renamed quietly")
    cached = Client().get("/modules/")

    for response in (rendered, cached):
        assert not response.has_header("Content-Encoding")
        assert "Accept-Encoding" in response["Vary"]
        assert module.name in response.content.decode()


def test_it_compresses_no_page_the_cache_does_not_store(module, client_for):
    signed_in = client_for("core1")
    for response in (
        signed_in.get("/modules/", **ACCEPTS_GZIP),
        signed_in.get("/nominations/", **ACCEPTS_GZIP),
        Client().get("/accounts/login/", **ACCEPTS_GZIP),
    ):
        assert response.status_code == 200
        assert not response.has_header("Content-Encoding")


def counting_view(respond):
    calls = []

    @cached_public_page
    def view(request):
        calls.append(request)
        return respond(request)

    return PublicPageCacheMiddleware(view), calls


def private_response(request) -> HttpResponse:
    response = HttpResponse("private")
    patch_cache_control(response, private=True, no_store=True)
    return response


def response_with_csrf_token(request) -> HttpResponse:
    return HttpResponse(f"form with {get_token(request)}")


def response_setting_a_cookie(request) -> HttpResponse:
    response = HttpResponse("hello")
    response.set_cookie("seen", "1")
    return response


@pytest.mark.parametrize(
    "respond", [private_response, response_with_csrf_token, response_setting_a_cookie]
)
def test_it_never_caches_a_private_or_personal_response(respond):
    view, calls = counting_view(respond)

    view(RequestFactory().get("/page/"))
    view(RequestFactory().get("/page/"))

    assert len(calls) == 2


def test_it_caches_a_plain_public_response():
    view, calls = counting_view(lambda request: HttpResponse("public"))

    view(RequestFactory().get("/page/"))
    view(RequestFactory().get("/page/"))

    assert len(calls) == 1


def test_it_sends_private_pages_uncached(client_for):
    response = client_for("core1").get("/inbox/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_it_keeps_one_host_from_filling_the_page_another_host_reads(lead, core1, core2):
    meeting = new_meeting(core1)
    add_public_item(core1, meeting)
    publish(meeting, core1, lead, core2)
    refused = Client(raise_request_exception=False).get("/meetings/feed/", HTTP_HOST="evil.example")

    assert refused.status_code >= 400  # refused before any view runs
    # The feed's links name SITE_URL, never the host asked (tests/governance/test_absolute_links).
    by_alias = Client().get("/meetings/feed/", HTTP_HOST="localhost").content.decode()
    feed = Client().get("/meetings/feed/").content.decode()

    assert feed == by_alias
    assert "evil.example" not in feed


def cache_key_count() -> int:
    return len(cache_keys_of_this_worker())


def junk_query(rng: random.Random, number: int) -> str:
    names = ["utm", "page", "m", "q", "x" * rng.randint(1, 40), "".join(rng.choices("abc", k=8))]
    pairs = [("utm", str(number))] + [
        (rng.choice(names), "".join(rng.choices("abcdef0123 %&=", k=rng.randint(0, 30))))
        for _ in range(rng.randint(0, 4))
    ]
    return "&".join(f"{name}={value}" for name, value in pairs)


@pytest.fixture
def published_slug(lead, core1, core2) -> str:
    meeting = new_meeting(core1, title="Quarterly sync June")
    add_public_item(core1, meeting)
    return publish(meeting, core1, lead, core2).slug


def test_it_keeps_the_cache_bounded_under_a_flood_of_query_strings(module, published_slug):
    pages = [
        "/modules/",
        f"/modules/{module.slug}/",
        "/meetings/feed/",
        "/meetings/search/?q=sync",
        f"/meetings/export.md?m={published_slug}",
    ]
    for page in pages:
        assert Client().get(page).status_code == 200
    warm = cache_key_count()
    rng = random.Random(20261130)

    for number in range(500):
        page = rng.choice(pages)
        response = Client().get(f"{page}{'&' if '?' in page else '?'}{junk_query(rng, number)}")
        assert response.status_code in {200, 400, 404}

    assert cache_key_count() == warm


def test_it_serves_a_page_with_an_unread_parameter_from_the_plain_pages_entry(module):
    Client().get("/modules/")
    rename_behind_the_services_back(module, "Renamed quietly")

    assert "Renamed quietly" not in Client().get("/modules/?utm=1").content.decode()


def test_it_never_fills_a_pages_entry_from_a_request_with_an_unread_parameter(module):
    Client().get("/modules/?utm=1")
    rename_behind_the_services_back(module, "Renamed quietly")

    assert "Renamed quietly" in Client().get("/modules/").content.decode()


def test_it_keys_search_and_export_by_their_parameters_as_the_pages_read_them(
    lead, core1, core2, published_slug
):
    other = new_meeting(core1, title="Release retrospective")
    add_public_item(core1, other)
    other_slug = publish(other, core1, lead, core2).slug
    search = Client().get("/meetings/search/?q=sync").content
    export = Client().get(f"/meetings/export.md?m={other_slug}&m={published_slug}").content
    warm = cache_key_count()

    assert Client().get("/meetings/search/?q=%20sync++&utm=1").content == search
    assert Client().get(f"/meetings/export.md?m={published_slug}&m={other_slug}").content == export
    assert cache_key_count() == warm


def test_it_renders_public_pages_when_the_cache_fails(module, published_slug, caplog):
    with override_settings(CACHES=DEAD_REDIS_CACHE), caplog.at_level(logging.WARNING):
        for page in ("/modules/", "/meetings/feed/", "/meetings/search/?q=sync"):
            response = Client().get(page)

            assert response.status_code == 200
        assert module.name in Client().get("/modules/").content.decode()

    assert "The public page cache could not be read; rendering." in caplog.messages


# Without Redis, the web, the worker (beat's publications) and the admin's processes each have
# their own local-memory cache: a change they make reaches the web's cache through the database.
THIS_PROCESS_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "web"}
}
ANOTHER_PROCESS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "another-process",
    }
}


def test_it_serves_a_cached_page_in_at_most_one_query(module, django_assert_num_queries):
    Client().get("/modules/")

    # A shared cache (Redis) holds the public pages' generation token: no query. A cache per
    # process (local memory) cannot, so: 1. the generation token.
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        assert Client().get("/modules/").status_code == 200


@pytest.fixture
def shared_cache() -> None:
    """Skip unless the cache is Redis (fail under REQUIRE_SERVICES=1)."""
    if not settings.CACHE_REDIS_URL:
        services_missing(
            "The shared cache is not configured: set CACHE_REDIS_URL=redis://127.0.0.1:6379/1 "
            "to run this test."
        )


@pytest.mark.services
def test_it_reads_the_token_from_the_database_when_the_shared_cache_lost_it(
    shared_cache, module, core1, django_assert_num_queries
):
    Client().get("/modules/")
    # A change whose token never reached the shared cache, which then lost its token (flushed,
    # evicted or expired) but kept the page.
    with override_settings(CACHES=ANOTHER_PROCESS_CACHE):
        governance_services.module_create(actor=core1, name="Compilers", slug="compilers")
    cache.delete(GENERATION_KEY)

    assert "Compilers" in Client().get("/modules/").content.decode()
    cache.delete(GENERATION_KEY)
    # 1. the generation token, which the cache holds again afterwards
    with django_assert_num_queries(1):
        assert "Compilers" in Client().get("/modules/").content.decode()
    with django_assert_num_queries(0):
        assert "Compilers" in Client().get("/modules/").content.decode()


def test_it_refuses_a_change_the_shared_cache_cannot_record(core1):
    with override_settings(CACHES=DEAD_REDIS_CACHE), pytest.raises(GenerationNotRecorded):
        governance_services.module_create(actor=core1, name="Compilers", slug="compilers")

    assert not Module.objects.filter(slug="compilers").exists()


def test_it_answers_a_change_the_shared_cache_cannot_record_with_a_503(core1_client, caplog):
    with override_settings(CACHES=DEAD_REDIS_CACHE):
        response = core1_client.post("/meetings/new/", NEW_MEETING_FORM)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert {"no-store", "private"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    assert "nothing you sent was saved" in response.content.decode()
    assert not Meeting.objects.exists()
    assert "A change was refused" in caplog.text


@pytest.fixture
def caches_per_process() -> Iterator[None]:
    with override_settings(CACHES=THIS_PROCESS_CACHE):
        cache.clear()
        yield


def test_it_shows_a_change_made_by_a_process_with_another_cache(caches_per_process, module, core1):
    assert "Compilers" not in Client().get("/modules/").content.decode()

    with override_settings(CACHES=ANOTHER_PROCESS_CACHE):
        governance_services.module_create(actor=core1, name="Compilers", slug="compilers")

    assert "Compilers" in Client().get("/modules/").content.decode()


def test_it_shows_minutes_published_by_a_process_with_another_cache(
    caches_per_process, lead, core1, core2
):
    meeting = new_meeting(core1, title="Quarterly sync June")
    add_public_item(core1, meeting)
    assert "Quarterly sync June" not in Client().get("/meetings/").content.decode()

    with override_settings(CACHES=ANOTHER_PROCESS_CACHE):
        publish(meeting, core1, lead, core2)

    assert "Quarterly sync June" in Client().get("/meetings/").content.decode()
