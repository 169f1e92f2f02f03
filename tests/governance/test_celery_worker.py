"""Notifications through a real Celery worker (a thread of this process) and a real broker:
Redis when REDIS_URL is set, else kombu's in-memory transport. No eager mode, no mocks.

The worker has its own database connection, so these tests commit for real
(`transaction=True`) and the on-commit callbacks publish to the broker as in production.
"""

import time
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.db import OperationalError

from governance import services, tasks
from governance.celery import app as celery_app
from governance.models import Notification, NotificationChannel, RoleKind
from tests.conftest import TEST_QUEUE, purge_test_queue

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 10.0


def wait_for(condition: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
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


def queued_messages() -> int:
    with celery_app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(TEST_QUEUE).message_count


def worker_idle() -> bool:
    return (
        queued_messages() == 0
        and not worker_state.active_requests
        and not worker_state.reserved_requests
    )


def is_sent(notification_id: int) -> bool:
    return Notification.objects.get(pk=notification_id).sent_at is not None


@pytest.fixture
def email_backend(settings) -> None:
    # The locmem outbox is a module global, so the worker thread's sends land in mail.outbox.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def worker(celery_broker, email_backend) -> Iterator[None]:
    celery_app.conf.broker_url = celery_broker
    purge_test_queue()  # nothing left over from another test or an earlier run
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=15):
        yield


def test_it_sends_a_granted_role_email_through_the_worker(worker, nominee, module, mailoutbox):
    role = services.role_grant(
        actor=None, person=nominee.person, kind=RoleKind.MODULE_REVIEWER, module=module
    )
    email = Notification.objects.get(
        event_key=f"role-granted:{role.pk}", channel=NotificationChannel.EMAIL
    )

    assert wait_for(lambda: is_sent(email.pk)), "the worker did not send the email within 10 s"
    assert wait_for(worker_idle)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [nominee.email]
    assert mailoutbox[0].subject == f"You are now Module reviewer of {module.name}"
    email.refresh_from_db()
    assert email.attempts == 1


def test_it_resends_a_stuck_email_once_through_the_sweeper(
    celery_broker, email_backend, nominee, module, mailoutbox
):
    celery_app.conf.broker_url = celery_broker
    purge_test_queue()
    role = services.role_grant(
        actor=None, person=nominee.person, kind=RoleKind.MODULE_REVIEWER, module=module
    )
    email = Notification.objects.get(
        event_key=f"role-granted:{role.pk}", channel=NotificationChannel.EMAIL
    )
    assert queued_messages() == 1
    purge_test_queue()  # the send task is lost, as if the broker had dropped it
    # Pretend it was queued ten minutes ago; time passing has no service.
    Notification.objects.filter(pk=email.pk).update(
        created_at=email.created_at - services.STUCK_AFTER * 5
    )
    assert services.notifications_stuck() == [email.pk]

    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=15):
        # Two sweeps in a row (as beat does when one is slow) still send the email once.
        tasks.notifications_sweep.delay()
        tasks.notifications_sweep.delay()
        assert wait_for(lambda: is_sent(email.pk)), "the sweeper did not resend within 10 s"
        assert wait_for(worker_idle)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [nominee.email]
    email.refresh_from_db()
    assert email.attempts == 1
    assert services.notifications_stuck() == []
