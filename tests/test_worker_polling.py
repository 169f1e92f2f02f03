"""A test's poll beside a real worker (`tests.support.worker.wait_for`) on SQLite's shared-cache
test database: a reader in the middle of a statement makes another connection's write fail at
once, which failed a worker's task; a poll in read-uncommitted mode lets the write through."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, connections

from governance.models import RepositorySync
from tests.support.worker import reads_that_take_no_table_locks

pytestmark = pytest.mark.django_db(transaction=True)

# Two rows, so that after the first is fetched the statement is still running on the table.
READ_IN_PROGRESS = (
    "SELECT failures FROM governance_repositorysync "
    "UNION ALL SELECT failures FROM governance_repositorysync"
)


@pytest.fixture(autouse=True)
def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("table locks of SQLite's shared cache; PostgreSQL readers never block writers")
    RepositorySync.objects.create(pk=RepositorySync.SINGLETON_PK)


def write_as_the_worker() -> list[str]:
    """Update the row from another thread, as a worker's task does on its own connection; the
    errors it met."""
    errors: list[str] = []

    def write() -> None:
        try:
            RepositorySync.objects.update(failures=1)
        except OperationalError as error:
            errors.append(str(error))
        finally:
            connections.close_all()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the write neither failed nor finished in 10 s"
    return errors


@contextmanager
def reading_the_table() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(READ_IN_PROGRESS)
        cursor.fetchone()
        yield


def test_it_fails_the_workers_write_while_a_plain_poll_reads():
    with reading_the_table():
        assert write_as_the_worker() == ["database table is locked: governance_repositorysync"]


def test_it_lets_the_workers_write_through_while_the_poll_reads():
    with reads_that_take_no_table_locks(), reading_the_table():
        assert write_as_the_worker() == []
    assert RepositorySync.objects.get().failures == 1
