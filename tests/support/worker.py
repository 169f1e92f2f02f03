"""A real Celery worker for the tests: a thread of this process, on the tests' own queue, over
the real broker (Redis when REDIS_URL is set, else kombu's in-memory transport). No eager mode.
The worker has its own database connection, so its tests commit for real (`transaction=True`)."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from celery.contrib.testing.worker import start_worker
from celery.worker import WorkController
from celery.worker import state as worker_state
from django.db import OperationalError, connection

from governance.celery import app as celery_app
from tests.conftest import TEST_QUEUE, purge_test_queue

TIMEOUT = 10.0


@celery_app.task(name="tests.wake_worker", ignore_result=True)
def wake_worker() -> None:
    """Does nothing: delivering it is what wakes a worker that was asked to stop."""


@contextmanager
def running_worker() -> Iterator[WorkController]:
    """A worker for the block, stopped as soon as the block ends.

    Over the in-memory broker the worker's loop waits up to two seconds for a message, then sees
    that it should stop, then waits once more before it ends (Celery's `synloop` runs a last
    cycle in a `finally`): four seconds of every worker test. A no-op task for each of those
    two waits, sent once the stop is asked, ends both at once. Over Redis the loop sees the
    stop by itself, and the wake-ups it leaves are purged with the queue."""
    try:
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=15) as worker:
            try:
                yield worker
            finally:
                worker_state.should_terminate = 0
                for _ in range(2):
                    wake_worker.apply_async(queue=TEST_QUEUE)
    finally:
        purge_test_queue()


def wait_for(condition: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    with reads_that_take_no_table_locks():
        while time.monotonic() < deadline:
            try:
                if condition():
                    return True
            except OperationalError:
                # SQLite's shared in-memory test database reports a table locked by the worker's
                # write instead of waiting; ask again.
                pass
            time.sleep(0.05)
    return False


@contextmanager
def reads_that_take_no_table_locks() -> Iterator[None]:
    """On SQLite's shared-cache test database a write that meets a reader's table lock fails at
    once ("database table is locked") instead of waiting, so a poll that read at the wrong
    moment failed the worker's task. Read-uncommitted readers take no table locks; the poll
    may then see a transaction before its commit, which `worker_idle` waits out."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA read_uncommitted = 1")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 0")


def queued_messages() -> int:
    with celery_app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(TEST_QUEUE).message_count


def worker_idle() -> bool:
    return (
        queued_messages() == 0
        and not worker_state.active_requests
        and not worker_state.reserved_requests
    )
