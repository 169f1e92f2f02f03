"""A Celery worker killed in the middle of sending an email: after a restart the email is
delivered exactly once. The worker is a real `celery worker` process (prefork, as deployed) on
Redis and PostgreSQL, killed with SIGKILL: no shutdown handler runs, nothing is acknowledged.

What "exactly once" means here, and where it stops:

- The task is acknowledged late (`acks_late`), so a worker that dies mid-task leaves its message
  unacknowledged; Redis hands it out again after the visibility timeout and a new worker runs it.
- `notification_send` locks the outbox row, sends, marks it sent and commits, in that order. A
  worker killed before the commit takes its transaction with it: PostgreSQL rolls back when the
  connection drops, the lock is released and the row is still unsent (its attempt count too), so
  the redelivered task sends it, once. A redelivery after the commit finds the row sent and does
  nothing; two deliveries at once find it locked and the second skips it.
- A worker killed after the mail server accepted the message but before the commit resends it:
  no ordering closes that window (marking sent before sending would lose the mail instead). So
  delivery is at least once, and exactly once unless a crash lands in the few milliseconds
  between the server's "250 OK" and the commit. For notifications a rare duplicate beats a
  silent loss.
- A message the broker loses altogether (never delivered, or Redis flushed) is resent by the
  sweeper: `notifications_stuck` finds rows unsent a while after they were queued, up to
  MAX_ATTEMPTS (tests/governance/test_celery_worker.py covers it).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from governance import services
from governance.celery import app as celery_app
from governance.models import Notification, NotificationChannel, RoleKind
from tests.conftest import TEST_KEY_PREFIX, TEST_QUEUE, purge_test_queue
from tests.support.held_email_backend import delivered, hold_file, sending_markers

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT_ROOT = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).parent / "celery"
START_TIMEOUT = 20.0  # a cold worker imports Django and the project; on a busy machine, slowly
SEND_TIMEOUT = 15.0  # the visibility timeout of the worker settings (3 s) plus its start


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def broker_holds_nothing() -> bool:
    """No message of this test process waits in its queue or is out with a worker
    unacknowledged, so none can be delivered again."""
    with celery_app.connection_for_write() as conn:
        channel = conn.default_channel
        return (
            channel.client.llen(TEST_QUEUE) == 0 and channel.client.hlen(channel.unacked_key) == 0
        )


def worker_database_url() -> str:
    """The URL of the database this test writes to (pytest-django's `test_<name>`), which the
    worker must read: the test commits (transaction=True), so another process sees its rows."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}{port}/{db['NAME']}"


class Worker:
    """A `celery worker` process in its own process group, so one signal reaches the main
    process and its pool child together."""

    def __init__(self, folder: Path, name: str) -> None:
        self.log = folder / f"{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.support.worker_settings",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "HELD_EMAIL_DIR": str(folder),
            "WORKER_QUEUE": TEST_QUEUE,
            "WORKER_KEY_PREFIX": TEST_KEY_PREFIX,
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        command = [
            str(CELERY),
            "-A",
            "governance",
            "worker",
            "--queues",
            TEST_QUEUE,
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--hostname",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    def signal(self, signum: int) -> None:
        # The whole group, even when the main process is gone: a pool child may outlive it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown (finish the task in hand), else kill."""
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def workers(tmp_path) -> Iterator[Callable[[str], Worker]]:
    """`workers("first")` starts a worker; every worker started is killed at the end."""
    started: list[Worker] = []

    def start(name: str) -> Worker:
        worker = Worker(tmp_path, name)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


def test_it_delivers_once_when_the_worker_is_killed_mid_send(
    postgres, redis_url, celery_broker, workers, tmp_path, nominee, module
):
    purge_test_queue()
    hold_file(tmp_path).touch()
    role = services.role_grant(
        actor=None, person=nominee.person, kind=RoleKind.MODULE_REVIEWER, module=module
    )
    email = Notification.objects.get(
        event_key=f"role-granted:{role.pk}", channel=NotificationChannel.EMAIL
    )

    first = workers("first")
    assert wait_until(lambda: sending_markers(tmp_path), START_TIMEOUT), (
        f"the first worker never started the send:\n{first.tail()}"
    )
    first.kill()  # mid-send: the row is locked and the mail not yet handed over

    email.refresh_from_db()
    assert (email.sent_at, email.attempts) == (None, 0), "the killed send was committed"
    assert delivered(tmp_path) == []
    hold_file(tmp_path).unlink()

    second = workers("second")
    assert wait_until(lambda: Notification.objects.get(pk=email.pk).sent_at, SEND_TIMEOUT), (
        f"the restarted worker did not send the email:\n{second.tail()}"
    )
    # A duplicate delivery, had there been one, lands before the broker lets the message go.
    assert wait_until(broker_holds_nothing, SEND_TIMEOUT), second.tail()
    second.stop()

    assert len(delivered(tmp_path)) == 1, second.tail()
    assert nominee.email in delivered(tmp_path)[0].read_text()
    assert len(sending_markers(tmp_path)) == 2  # the killed send and the one that went out
    email.refresh_from_db()
    assert email.attempts == 1  # the killed attempt rolled back with its transaction
    assert email.last_error == ""
    assert services.notifications_stuck() == []
