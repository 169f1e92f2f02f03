"""Sessions live in the database and are read through the cache (`governance.sessions`): while
the cache is down, a signed-in reader keeps their session and a new one can start."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings

from tests.conftest import DEAD_REDIS_CACHE


def test_it_serves_a_signed_in_page_while_the_cache_is_down(core1_client, caplog):
    with override_settings(CACHES=DEAD_REDIS_CACHE):
        response = core1_client.get("/inbox/")

    assert response.status_code == 200
    assert "Error refilling the cache" in caplog.text


def test_it_starts_and_reads_a_session_while_the_cache_is_down(db):
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    with override_settings(CACHES=DEAD_REDIS_CACHE):
        store = SessionStore()
        store["seen"] = "yes"
        store.create()

        assert SessionStore(store.session_key).load() == {"seen": "yes"}
    assert Session.objects.filter(session_key=store.session_key).exists()
