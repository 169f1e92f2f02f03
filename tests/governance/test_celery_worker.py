"""Notifications through a real Celery worker (a thread of this process) and a real broker:
Redis when REDIS_URL is set, else kombu's in-memory transport. No eager mode, no mocks.

The worker has its own database connection, so these tests commit for real
(`transaction=True`) and the on-commit callbacks publish to the broker as in production.
"""

from collections.abc import Iterator

import pytest

from governance import services, tasks
from governance.celery import app as celery_app
from governance.models import Notification, NotificationChannel, RoleKind
from tests.conftest import purge_test_queue
from tests.support.worker import queued_messages, running_worker, wait_for, worker_idle

pytestmark = pytest.mark.django_db(transaction=True)


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
    with running_worker():
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

    with running_worker():
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
