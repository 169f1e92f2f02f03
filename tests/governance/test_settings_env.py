"""Strict environment readers: a malformed value stops start-up with a message naming it."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from governance.env import database_from_url, env_bool, env_int, env_list, env_str, env_url

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "governance" / "settings.py"
VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "SITE_URL",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_REDIS_URL",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_PRELOAD",
)


# env_bool --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), (" TRUE ", True), ("yes", True), ("On", True), ("0", False), ("off", False)],
)
def test_it_reads_a_boolean(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)

    assert env_bool("DEBUG", not expected) is expected


def test_it_uses_the_default_boolean_when_unset(monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)

    assert env_bool("DEBUG", True) is True
    assert env_bool("DEBUG", False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "truthy", "y e s"])
def test_it_rejects_a_boolean_it_cannot_read(monkeypatch, raw):
    monkeypatch.setenv("DEBUG", raw)

    with pytest.raises(ImproperlyConfigured, match=r"^DEBUG must be one of .*'" + raw):
        env_bool("DEBUG", False)


# env_int ---------------------------------------------------------------------------------------


def test_it_reads_a_whole_number(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", " 587 ")

    assert env_int("EMAIL_PORT", 25, minimum=1) == 587


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_it_uses_the_default_number_when_unset_or_blank(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("EMAIL_PORT", raising=False)
    else:
        monkeypatch.setenv("EMAIL_PORT", raw)

    assert env_int("EMAIL_PORT", 25) == 25


@pytest.mark.parametrize("raw", ["abc", "2.5", "1e3", "25 26"])
def test_it_rejects_a_number_it_cannot_read(monkeypatch, raw):
    monkeypatch.setenv("EMAIL_PORT", raw)

    with pytest.raises(ImproperlyConfigured, match=r"^EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", 25)


def test_it_rejects_a_number_below_the_minimum(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "0")

    with pytest.raises(ImproperlyConfigured, match=r"^EMAIL_PORT must be at least 1, not 0"):
        env_int("EMAIL_PORT", 25, minimum=1)


# env_list and env_str --------------------------------------------------------------------------


def test_it_reads_a_list(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " governance.example.org , localhost")

    assert env_list("ALLOWED_HOSTS", []) == ["governance.example.org", "localhost"]


def test_it_uses_the_default_list_when_unset(monkeypatch):
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)

    assert env_list("ALLOWED_HOSTS", ["localhost"]) == ["localhost"]


@pytest.mark.parametrize("raw", ["a,,b", "a,", ",a", "a, ,b"])
def test_it_rejects_a_list_with_an_empty_item(monkeypatch, raw):
    monkeypatch.setenv("ALLOWED_HOSTS", raw)

    with pytest.raises(ImproperlyConfigured, match=r"^ALLOWED_HOSTS is a comma-separated list"):
        env_list("ALLOWED_HOSTS", [])


def test_it_strips_a_string(monkeypatch):
    monkeypatch.setenv("SITE_NAME", "  PyTorch governance \n")

    assert env_str("SITE_NAME") == "PyTorch governance"


# env_url ---------------------------------------------------------------------------------------


def test_it_reads_a_url_and_drops_a_trailing_slash(monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://governance.example.org/")

    assert env_url("SITE_URL", "", schemes=("http", "https")) == "https://governance.example.org"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("ftp://governance.example.org", "must start with one of http://, https://"),
        ("governance.example.org", "must start with one of"),
        ("https://", "must name a host"),
        ("http:///path-only", "must name a host"),
    ],
)
def test_it_rejects_a_bad_url(monkeypatch, raw, message):
    monkeypatch.setenv("SITE_URL", raw)

    with pytest.raises(ImproperlyConfigured, match=rf"^SITE_URL {message}"):
        env_url("SITE_URL", "", schemes=("http", "https"))


def test_it_rejects_a_redis_url_without_a_host(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://")

    with pytest.raises(ImproperlyConfigured, match=r"^REDIS_URL must name a host"):
        env_url("REDIS_URL", "", schemes=("redis", "rediss"))


# database_from_url -----------------------------------------------------------------------------


def test_it_reads_a_relative_sqlite_path(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/db.sqlite3")

    database = database_from_url("DATABASE_URL", "")

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == "var/db.sqlite3"


def test_it_reads_an_absolute_sqlite_path(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/governance/db.sqlite3")

    assert database_from_url("DATABASE_URL", "")["NAME"] == "/srv/governance/db.sqlite3"


def test_it_uses_the_default_database_when_unset(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    database = database_from_url("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert database["NAME"] == str(tmp_path / "db.sqlite3")


def test_it_reads_a_postgres_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://gov:p%40ss%3Aword@db.internal:5433/governance")

    database = database_from_url("DATABASE_URL", "")

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == (
        "governance",
        "gov",
        "p@ss:word",
    )
    assert (database["HOST"], database["PORT"]) == ("db.internal", "5433")
    assert database["TEST"] == {"NAME": "test_governance"}


def test_it_reads_a_postgres_url_without_a_port(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/governance")

    database = database_from_url("DATABASE_URL", "")

    assert (database["USER"], database["PASSWORD"], database["PORT"]) == ("postgres", "", "")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("postgres://db.internal:99999/governance", "has an invalid port"),
        ("postgres://db.internal:port/governance", "has an invalid port"),
        ("postgres://db.internal:5432/", "must name a database"),
        ("postgres://db.internal:5432", "must name a database"),
        ("sqlite://", "must name a file"),
        ("mysql://db.internal/governance", "must start with one of sqlite://"),
        ("postgres:///governance", None),
    ],
)
def test_it_rejects_a_bad_database_url(monkeypatch, raw, message):
    monkeypatch.setenv("DATABASE_URL", raw)

    if message is None:
        # A socket connection (no host) is a valid PostgreSQL URL.
        assert database_from_url("DATABASE_URL", "")["HOST"] == ""
        return
    with pytest.raises(ImproperlyConfigured, match=rf"^DATABASE_URL {message}"):
        database_from_url("DATABASE_URL", "")


# The settings module as a whole ----------------------------------------------------------------


def load_settings(monkeypatch, **env: str) -> dict:
    """Execute governance/settings.py in a fresh namespace with exactly these variables set
    (the settings Django already loaded are not touched)."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_it_needs_a_secret_key_without_debug(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
        load_settings(monkeypatch, DEBUG="false")


def test_it_configures_production_from_the_environment(monkeypatch):
    loaded = load_settings(
        monkeypatch,
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="governance.example.org",
        SITE_URL="https://governance.example.org/",
        DATABASE_URL="postgres://gov@db:5432/governance",
        REDIS_URL="redis://cache:6379/0",
    )

    assert loaded["DEBUG"] is False
    assert loaded["ALLOWED_HOSTS"] == ["governance.example.org"]
    assert loaded["CSRF_TRUSTED_ORIGINS"] == ["https://governance.example.org"]
    assert loaded["DATABASES"]["default"]["HOST"] == "db"
    assert loaded["CELERY_BROKER_URL"] == "redis://cache:6379/0"
    assert loaded["CACHES"]["default"]["LOCATION"] == "redis://cache:6379/1"
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["SECURE_SSL_REDIRECT"] is True


def test_it_keeps_the_cache_on_its_own_redis_when_told(monkeypatch):
    loaded = load_settings(
        monkeypatch,
        DEBUG="true",
        REDIS_URL="redis://broker:6379/0",
        CACHE_REDIS_URL="redis://cache:6379/0",
    )

    assert loaded["CELERY_BROKER_URL"] == "redis://broker:6379/0"
    assert loaded["CACHES"]["default"]["LOCATION"] == "redis://cache:6379/0"


@pytest.mark.parametrize(
    ("broker", "cache"),
    [
        ("redis://redis:6379/0", "redis://redis:6379/0"),
        ("redis://redis/3", "redis://redis:6379/3"),
        ("redis://redis:6379", "redis://:secret@redis:6379/0"),
    ],
    ids=["same-url", "default-port", "default-database"],
)
def test_it_refuses_a_cache_in_the_brokers_redis_database(monkeypatch, broker, cache):
    with pytest.raises(ImproperlyConfigured, match=r"^CACHE_REDIS_URL names the broker's"):
        load_settings(monkeypatch, DEBUG="true", REDIS_URL=broker, CACHE_REDIS_URL=cache)


def test_it_asks_for_a_cache_url_when_the_broker_has_the_last_database(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match=r"^REDIS_URL names the last Redis database"):
        load_settings(monkeypatch, DEBUG="true", REDIS_URL="redis://redis:6379/15")


def test_it_uses_the_filesystem_broker_without_redis(monkeypatch):
    loaded = load_settings(monkeypatch, DEBUG="true")

    assert loaded["CELERY_BROKER_URL"] == "filesystem://"
    assert loaded["CELERY_BROKER_TRANSPORT_OPTIONS"]["data_folder_in"].endswith("var/celery/queue")
    assert loaded["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "^DEBUG must be one of"),
        ({"DEBUG": "true", "EMAIL_PORT": "smtp"}, "^EMAIL_PORT must be a whole number"),
        ({"DEBUG": "true", "ALLOWED_HOSTS": "a,,b"}, "^ALLOWED_HOSTS is a comma-separated"),
        ({"DEBUG": "true", "SITE_URL": "ftp://x"}, "^SITE_URL must start with"),
        ({"DEBUG": "true", "REDIS_URL": "http://cache"}, "^REDIS_URL must start with"),
        ({"DEBUG": "true", "REDIS_URL": "redis://r/db"}, "^REDIS_URL must end with a database"),
        ({"DEBUG": "true", "CACHE_REDIS_URL": "http://c"}, "^CACHE_REDIS_URL must start with"),
        ({"DEBUG": "true", "DATABASE_URL": "postgres://h:1x/db"}, "^DATABASE_URL has an invalid"),
        (
            {"DEBUG": "true", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
            "EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive",
        ),
    ],
    ids=[
        "debug",
        "email-port",
        "hosts",
        "site-url",
        "redis-url",
        "redis-database",
        "cache-redis-url",
        "database-url",
        "tls-ssl",
    ],
)
def test_it_refuses_to_start_with_a_bad_variable(monkeypatch, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(monkeypatch, **env)
