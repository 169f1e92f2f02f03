"""Shared fixtures: the personas, sign-in helpers, the broker and the real-service switches.

Personas are built through the services with `actor=None` (the system), never by writing
governance rows directly, so every fixture passes the same rules and audit trail as production.

| persona      | account | Person | role                                             |
|--------------|---------|--------|--------------------------------------------------|
| lead         | yes     | yes    | lead core maintainer                             |
| core1..core4 | yes     | yes    | core maintainer                                  |
| maintainer   | yes     | yes    | module maintainer of `module`                    |
| nominator    | yes     | yes    | none                                             |
| nominee      | yes     | yes    | none                                             |
| outsider     | yes     | no     | none                                             |
| staff        | yes     | no     | none (is_staff and superuser: runs the site)     |
| anonymous    | no      | no     | none                                             |
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import load_backend
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

import governance.tasks  # noqa: F401  (registers the tasks with the Celery app)
from governance import permissions, selectors, services
from governance.celery import app as celery_app
from governance.garbage_collection import collect_for_a_long_run
from governance.models import Module, Person, RoleKind

# Hypothesis: `make test` and CI draw the same examples on every run (derandomized, so no
# database either: a run never passes or fails by chance, nor by what an earlier run found), and
# no deadline, since a busy machine is no bug. `make fuzz` explores (--hypothesis-profile=explore):
# fresh examples each run, with the failures it finds kept in var/hypothesis and tried first
# on the next exploratory run.
HYPOTHESIS_DATABASE = Path(__file__).resolve().parent.parent / "var" / "hypothesis"
hypothesis_settings.register_profile(
    "deterministic",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "explore",
    derandomize=False,
    database=DirectoryBasedExampleDatabase(HYPOTHESIS_DATABASE),
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.load_profile("deterministic")

PASSWORD = "correct horse battery staple"
# The tests' own queue, so a developer's worker on the same Redis never takes a test's task and
# a test's worker never takes a developer's. Under pytest-xdist each worker process ("gw0",
# "gw1", ...) has its own, and its own prefix for every broker and cache key in Redis (and
# pytest-django its own test database), so parallel workers never take, purge or drop each
# other's tasks, restore each other's unacknowledged messages, or read each other's pages.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
TEST_QUEUE = "governance-tests" + (f"-{XDIST_WORKER}" if XDIST_WORKER else "")
TEST_KEY_PREFIX = f"{TEST_QUEUE}:"
# The queries a cached public page costs: none when the shared cache (Redis) holds the public
# pages' generation token; with a cache per process (local memory), 1. the generation token.
CACHED_PAGE_QUERIES = 0 if settings.CACHE_REDIS_URL else 1
# A shared cache that is down: a Redis client that finds nothing listening (port 1).
DEAD_REDIS_CACHE = {
    "default": {
        "BACKEND": "governance.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@dataclass(frozen=True)
class PersonaSpec:
    full_name: str
    github: str
    affiliation: str


PERSONAS = {
    "lead": PersonaSpec("Morgan Adeyemi", "madeyemi", "Meta"),
    "core1": PersonaSpec("Priya Raman", "praman", "Meta"),
    "core2": PersonaSpec("Jonas Keller", "jkeller", "NVIDIA"),
    "core3": PersonaSpec("Amara Nwosu", "anwosu", "AMD"),
    "core4": PersonaSpec("Tomasz Zielinski", "tzielinski", "Microsoft"),
    "maintainer": PersonaSpec("Hana Sato", "hsato", "Intel"),
    "nominator": PersonaSpec("Lucas Moreau", "lmoreau", "Google"),
    "nominee": PersonaSpec("Ife Okonkwo", "iokonkwo", "Independent"),
}
SIGNED_IN_PERSONAS = ("lead", "core1", "maintainer", "nominator", "nominee", "outsider", "staff")
ALL_VIEWERS = ("anonymous", *SIGNED_IN_PERSONAS)


# Session-wide configuration -------------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    """Tests that ask for PostgreSQL or Redis carry the `services` mark, so `-m services` finds
    them all. Browser tests run last: once Playwright's loop runs in the main thread, Django
    refuses ORM calls there, which only the browser tests' conftest allows. Among them the
    longest start first (their `slow` mark says how long they take): started in file order,
    a long one came last and kept one worker busy long after the other ran out of tests."""
    for item in items:
        if {"postgres", "redis_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.services)
    items.sort(
        key=lambda item: (
            item.get_closest_marker("browser") is not None,
            -expected_seconds(item),
        )
    )


def expected_seconds(item) -> float:
    slow = item.get_closest_marker("slow")
    return slow.kwargs["seconds"] if slow else 0


def pytest_collection_finish(session):
    collect_for_a_long_run()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher() -> Iterator[None]:
    # The default PBKDF2 costs ~0.3 s a hash; personas and the demo hash a dozen passwords.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _no_collected_static_files(tmp_path_factory) -> Iterator[None]:
    """WhiteNoise indexes every file under STATIC_ROOT each time a test client loads the
    middleware, which is every new client: after `make bench` had collected the static files
    into var/static, a request in the tests cost twice as much. The tests serve none of
    them (the live server finds static files where they are written)."""
    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static_root")):
        yield


@pytest.fixture(scope="session", autouse=True)
def _cache_keys_of_this_worker() -> Iterator[None]:
    caches = {name: {**cache, "KEY_PREFIX": TEST_QUEUE} for name, cache in settings.CACHES.items()}
    with override_settings(CACHES=caches):
        yield


def cache_keys_of_this_worker() -> list:
    """The cache keys this test process wrote. On Redis, other xdist workers share the database
    (each under its own prefix), so neither counting nor clearing may touch theirs."""
    if settings.CACHE_REDIS_URL:
        return list(cache._cache.get_client().scan_iter(match=f"{TEST_QUEUE}:*"))
    return list(cache._cache)


@pytest.fixture(autouse=True)
def _fresh_public_page_cache() -> None:
    """Each test starts with no cached public page: the cache (locmem, or Redis) outlives a
    test, and the rollback after a test restores the generation token the test's first pages
    were stored under. Nothing but public pages is kept in the cache."""
    if settings.CACHE_REDIS_URL:
        keys = cache_keys_of_this_worker()
        if keys:
            cache._cache.get_client(write=True).delete(*keys)
    else:
        cache.clear()


@pytest.fixture(scope="session", autouse=True)
def celery_broker() -> Iterator[str]:
    """Point the Celery app at Redis when REDIS_URL is set, else at the in-process memory
    transport, so `send_task` in on-commit callbacks never writes into var/."""
    url = settings.REDIS_URL or "memory://"
    celery_app.conf.broker_url = url
    if settings.REDIS_URL:
        celery_app.conf.broker_transport_options = {
            **celery_app.conf.broker_transport_options,
            "global_keyprefix": TEST_KEY_PREFIX,
        }
    else:
        celery_app.conf.broker_transport_options = {"polling_interval": 0.05}
    celery_app.conf.task_default_queue = TEST_QUEUE
    celery_app.conf.task_default_routing_key = TEST_QUEUE
    yield url
    purge_test_queue()
    celery_app.pool.force_close_all()


def purge_test_queue() -> int:
    with celery_app.connection_for_write() as conn:
        try:
            return conn.default_channel.queue_purge(TEST_QUEUE) or 0
        except Exception:
            return 0


# Real services: PostgreSQL and Redis ------------------------------------------------------------


def services_missing(reason: str) -> None:
    """Skip with `reason`; under REQUIRE_SERVICES=1 (CI) fail instead, so a suite that skipped
    its real-service tests cannot pass."""
    if settings.REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def postgres_missing() -> str | None:
    if connection.vendor != "postgresql":
        return (
            "PostgreSQL is not configured: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/"
            "governance to run this test."
        )
    return None


def redis_missing() -> str | None:
    if not settings.REDIS_URL:
        return "Redis is not configured: set REDIS_URL=redis://127.0.0.1:6379/0 to run this test."
    return None


def pytest_runtest_setup(item):
    """Decide before any fixture runs (so before the test database is built)."""
    names = set(getattr(item, "fixturenames", ()))
    for fixture, missing in (("postgres", postgres_missing), ("redis_url", redis_missing)):
        if fixture in names and (reason := missing()):
            services_missing(reason)


@pytest.fixture
def postgres() -> str:
    """The PostgreSQL connection's vendor, or skip (fail under REQUIRE_SERVICES=1)."""
    if reason := postgres_missing():
        services_missing(reason)
    return connection.vendor


@pytest.fixture
def redis_url() -> str:
    """REDIS_URL, or skip (fail under REQUIRE_SERVICES=1)."""
    if reason := redis_missing():
        services_missing(reason)
    return settings.REDIS_URL


# Personas -------------------------------------------------------------------------------------


def make_user(django_user_model, username: str, **extra):
    return django_user_model.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )


def make_person(django_user_model, username: str) -> Person:
    spec = PERSONAS[username]
    user = make_user(django_user_model, username)
    return services.person_create(
        actor=None,
        full_name=spec.full_name,
        github=spec.github,
        email=user.email,
        affiliation=spec.affiliation,
        user=user,
    )


ROLE_OF = {
    "lead": RoleKind.LEAD_CORE_MAINTAINER,
    "core1": RoleKind.CORE_MAINTAINER,
    "core2": RoleKind.CORE_MAINTAINER,
    "core3": RoleKind.CORE_MAINTAINER,
    "core4": RoleKind.CORE_MAINTAINER,
    "maintainer": RoleKind.MODULE_MAINTAINER,
}


def make_module() -> Module:
    return services.module_create(
        actor=None,
        name="NN APIs (torch.nn)",
        slug="nn-apis",
        includes="torch.nn",
        path_patterns="torch/nn/**\ntest/test_nn.py",
    )


def make_persona(django_user_model, persona: str, module: Module | None = None):
    """The persona's user, with the role of the table above (`maintainer` needs `module`)."""
    if persona == "outsider":
        return make_user(django_user_model, "outsider")
    if persona == "staff":
        return make_user(django_user_model, "staff", is_staff=True, is_superuser=True)
    person = make_person(django_user_model, persona)
    if kind := ROLE_OF.get(persona):
        on_module = module if kind == RoleKind.MODULE_MAINTAINER else None
        services.role_grant(actor=None, person=person, kind=kind, module=on_module)
    return person.user


@pytest.fixture
def module(db) -> Module:
    """The module the `maintainer` persona maintains."""
    return make_module()


@pytest.fixture
def lead(db, django_user_model):
    return make_persona(django_user_model, "lead")


@pytest.fixture
def core1(db, django_user_model):
    return make_persona(django_user_model, "core1")


@pytest.fixture
def core2(db, django_user_model):
    return make_persona(django_user_model, "core2")


@pytest.fixture
def core3(db, django_user_model):
    return make_persona(django_user_model, "core3")


@pytest.fixture
def core4(db, django_user_model):
    return make_persona(django_user_model, "core4")


@pytest.fixture
def maintainer(db, django_user_model, module):
    return make_persona(django_user_model, "maintainer", module)


@pytest.fixture
def nominator(db, django_user_model):
    return make_persona(django_user_model, "nominator")


@pytest.fixture
def nominee(db, django_user_model):
    return make_persona(django_user_model, "nominee")


@pytest.fixture
def outsider(db, django_user_model):
    return make_persona(django_user_model, "outsider")


@pytest.fixture
def staff(db, django_user_model):
    return make_persona(django_user_model, "staff")


# Signing in -----------------------------------------------------------------------------------


def verified_device(user) -> TOTPDevice:
    """The persona's authenticator app. Made directly rather than through `two_factor_enroll`
    (tests/governance/test_two_factor.py covers that), so that signing a persona in mid-test
    writes no audit event or recovery code for the test to count."""
    return selectors.authenticator_of(user) or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )


def login(client: Client, user) -> Client:
    """Sign `user` in on `client` (a session, as the login form would leave) and return it.

    A persona who needs two-factor sign-in also gets an authenticator and a session verified
    with it, as `django_otp.login` leaves one after the code page. This is `Client.force_login`
    (the same backend, `auth.login` and its signal) with the device added before the session's
    last save: force_login on a new client saves an empty session first, and adding the device
    after it would load the session and save it once more."""
    request = HttpRequest()
    session_cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(session_cookie.value if session_cookie else None)
    auth.login(request, user, backend=force_login_backend())
    if permissions.requires_two_factor(user):
        request.session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    permissions.forget_cached_access(user)
    return client


def force_login_backend() -> str:
    """The backend `Client.force_login` signs in with: the first that can load a user."""
    return next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )


@pytest.fixture
def client_for(request) -> Callable[[str], Client]:
    """`client_for("core1")`: a fresh client signed in as that persona; "anonymous" is signed
    out. The persona fixture is built on first use."""

    def make(persona: str) -> Client:
        client = Client()
        if persona == "anonymous":
            return client
        return login(client, request.getfixturevalue(persona))

    return make


@pytest.fixture
def anonymous_client() -> Client:
    return Client()


@pytest.fixture
def lead_client(client_for) -> Client:
    return client_for("lead")


@pytest.fixture
def core1_client(client_for) -> Client:
    return client_for("core1")


@pytest.fixture
def maintainer_client(client_for) -> Client:
    return client_for("maintainer")


@pytest.fixture
def nominee_client(client_for) -> Client:
    return client_for("nominee")


@pytest.fixture
def outsider_client(client_for) -> Client:
    return client_for("outsider")


@pytest.fixture
def staff_client(client_for) -> Client:
    return client_for("staff")
