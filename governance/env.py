"""Strict readers of environment variables for settings.

Each helper rejects a malformed value with a message that names the variable, so a typo in
deployment fails at start-up instead of silently falling back to a default.
"""

import os
import re
from urllib.parse import unquote, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"{name} is a comma-separated list with no empty items: {raw!r}."
        )
    return items


def env_url(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    raw = env_str(name, default)
    parts = urlsplit(raw)
    if parts.scheme not in schemes:
        allowed = ", ".join(f"{scheme}://" for scheme in schemes)
        raise ImproperlyConfigured(f"{name} must start with one of {allowed}, not {raw!r}.")
    if parts.scheme in {"http", "https", "redis", "rediss"} and not parts.hostname:
        raise ImproperlyConfigured(f"{name} must name a host: {raw!r}.")
    return raw.rstrip("/") if parts.scheme in {"http", "https"} else raw


# Redis's default number of databases: 0 to 15.
REDIS_DATABASES = 16


def redis_database(name: str, url: str) -> int:
    """The database number a redis:// URL names in its path (0 when it names none)."""
    number = urlsplit(url).path.lstrip("/") or "0"
    if not number.isdigit() or int(number) >= REDIS_DATABASES:
        raise ImproperlyConfigured(
            f"{name} must end with a database number from 0 to {REDIS_DATABASES - 1}: {url!r}."
        )
    return int(number)


def redis_url_with_next_database(name: str, url: str) -> str:
    """The same server as `url`, in the database after the one `url` names."""
    database = redis_database(name, url) + 1
    if database == REDIS_DATABASES:
        raise ImproperlyConfigured(
            f"{name} names the last Redis database; set CACHE_REDIS_URL to another one."
        )
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def same_redis_database(cache_url: str, broker_url: str) -> bool:
    def place(name: str, url: str) -> tuple:
        parts = urlsplit(url)
        return (parts.hostname, parts.port or 6379, redis_database(name, url))

    return place("CACHE_REDIS_URL", cache_url) == place("REDIS_URL", broker_url)


def database_from_url(name: str, default: str) -> dict:
    """Turn sqlite:///path or postgres://user:pass@host:port/db into a DATABASES entry."""
    url = env_url(name, default, schemes=("sqlite", "postgres", "postgresql"))
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("//") else parts.path.lstrip("/"))
        if not path:
            raise ImproperlyConfigured(f"{name} must name a file, as sqlite:///var/db.sqlite3.")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise ImproperlyConfigured(f"{name} must name a database: {url!r}.")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has an invalid port: {url!r}.") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        # Parameters bound by the server, so that psycopg prepares a query the connection has
        # run five times (its default): PostgreSQL then plans it once per connection instead of
        # on every request, which was half the database's CPU on a vote. Not for a pooler in
        # transaction mode, which would hand the prepared statements to other connections.
        "OPTIONS": {"server_side_binding": True, "prepare_threshold": 5},
        "TEST": {"NAME": f"test_{database}"},
    }


GITHUB_REPOSITORY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")
PERSONS_OF_INTEREST_SUFFIXES = (".md", ".rst")


def github_settings_check(
    *, repositories: list[str], has_credentials: bool, sync_paths: dict[str, str]
) -> None:
    """Refuse a GitHub configuration that could only fail later, in a worker, unseen."""
    named = [name for name in repositories if name]
    for name in named:
        if not GITHUB_REPOSITORY_NAME.match(name):
            raise ImproperlyConfigured(f"A GitHub repository is named owner/name, not {name!r}.")
    if named and not has_credentials:
        raise ImproperlyConfigured(
            "A GitHub repository is configured without credentials: set GITHUB_TOKEN, or "
            "GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID."
        )
    if sync_paths and not any(sync_paths.values()):
        raise ImproperlyConfigured(
            "GITHUB_SYNC_REPOSITORY is set but no GITHUB_SYNC_*_PATH names a file to keep."
        )
    persons = sync_paths.get("persons_of_interest", "")
    if persons and not persons.endswith(PERSONS_OF_INTEREST_SUFFIXES):
        raise ImproperlyConfigured(
            "GITHUB_SYNC_PERSONS_OF_INTEREST_PATH must end with .md or .rst, which says the format."
        )
    owners = sync_paths.get("owners", "")
    if owners and "{slug}" not in owners:
        raise ImproperlyConfigured(
            "GITHUB_SYNC_OWNERS_PATH must contain {slug}, one OWNERS file per module."
        )


def env_optional_url(name: str, *, schemes: tuple[str, ...]) -> str:
    """An optional service URL: "" when unset (the service is off), else checked as env_url."""
    if not env_str(name):
        return ""
    return env_url(name, "", schemes=schemes)


def all_or_none(names: dict[str, object]) -> bool:
    """True when every setting named is set, False when none is; a partial configuration of an
    outside service is a deployment mistake, refused at start-up rather than silently off."""
    missing = [name for name, value in names.items() if not value]
    if missing and len(missing) < len(names):
        raise ImproperlyConfigured(
            f"Set all of {', '.join(names)} or none of them; missing: {', '.join(missing)}."
        )
    return not missing
