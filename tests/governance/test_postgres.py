"""What only PostgreSQL can show: real row locks, concurrent writers and its own regex engine.

Each test asks for the `postgres` fixture: it skips under SQLite, and fails instead under
REQUIRE_SERVICES=1. Threads each use their own connection and close it when they finish.
"""

import threading
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.db import IntegrityError, connection, transaction

from governance import services
from governance.models import (
    Notification,
    NotificationChannel,
    Person,
    Role,
    RoleKind,
    RoleStatus,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

THREADS = 8


def run_together(action: Callable[[], object], threads: int = THREADS) -> list[object]:
    """Run `action` in `threads` threads released at once; return each result or exception."""
    barrier = threading.Barrier(threads)
    results: list[object] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            outcome = action()
        except Exception as error:  # the test inspects every outcome
            outcome = error
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert len(results) == threads, "a thread did not finish"
    return results


def test_it_grants_a_role_once_to_concurrent_requests(postgres, nominee, module):
    person = nominee.person

    results = run_together(
        lambda: services.role_grant(
            actor=None, person=person, kind=RoleKind.MODULE_MAINTAINER, module=module
        )
    )

    granted = [result for result in results if isinstance(result, Role)]
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert (len(granted), len(refused)) == (1, THREADS - 1), results
    assert Role.objects.filter(person=person, status=RoleStatus.ACTIVE).get() == granted[0]
    assert Notification.objects.filter(recipient=nominee).count() == 2  # inbox + email, once


def test_it_enforces_the_github_format_in_postgresql(postgres):
    with pytest.raises(IntegrityError, match="person_github_valid"), transaction.atomic():
        Person.objects.bulk_create([Person(full_name="Raw", github="no_underscores")])

    with pytest.raises(IntegrityError, match="person_github_valid"), transaction.atomic():
        Person.objects.bulk_create([Person(full_name="Raw", github="trailing\n")])

    Person.objects.bulk_create([Person(full_name="Fine", github="Fine-Handle-9")])
    assert list(Person.objects.values_list("github", flat=True)) == ["Fine-Handle-9"]


def test_it_enforces_case_insensitive_handles_in_postgresql(postgres, core1):
    with pytest.raises(IntegrityError, match="person_github_unique_ci"), transaction.atomic():
        Person.objects.bulk_create([Person(full_name="Raw", github=core1.person.github.upper())])


def test_it_sends_an_email_once_to_concurrent_senders(postgres, nominee, module, mailoutbox):
    role = services.role_grant(
        actor=None, person=nominee.person, kind=RoleKind.MODULE_REVIEWER, module=module
    )
    email = Notification.objects.get(
        event_key=f"role-granted:{role.pk}", channel=NotificationChannel.EMAIL
    )

    results = run_together(lambda: services.notification_send(notification_id=email.pk))

    assert sorted(results, key=str) == [False] * (THREADS - 1) + [True]
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


class FirstSendWaitsBackend(EmailBackend):
    """A locmem backend whose first send waits (as a slow SMTP server would) until released."""

    started = threading.Event()
    release = threading.Event()
    lock = threading.Lock()

    def send_messages(self, messages):
        with FirstSendWaitsBackend.lock:
            first = not FirstSendWaitsBackend.started.is_set()
            FirstSendWaitsBackend.started.set()
        if first:
            FirstSendWaitsBackend.release.wait(timeout=10)
        return super().send_messages(messages)


def test_it_sends_two_emails_to_one_person_concurrently(postgres, core1, nominee, settings):
    """While one worker hands an email to a slow mail server, another worker sends a different
    email to the same recipient. Locking the notification must not lock the recipient too."""
    for name, slug in (("Sparse", "sparse"), ("Quantization", "quantization")):
        module = services.module_create(actor=None, name=name, slug=slug)
        services.role_grant(
            actor=None, person=nominee.person, kind=RoleKind.MODULE_REVIEWER, module=module
        )
    first, second = Notification.objects.filter(
        recipient=nominee, channel=NotificationChannel.EMAIL
    ).order_by("pk")
    settings.EMAIL_BACKEND = f"{__name__}.FirstSendWaitsBackend"
    FirstSendWaitsBackend.started.clear()
    FirstSendWaitsBackend.release.clear()
    mail.outbox = []
    outcome = {}

    def send_first() -> None:
        try:
            outcome["first"] = services.notification_send(notification_id=first.pk)
        finally:
            connection.close()

    slow = threading.Thread(target=send_first)
    slow.start()
    try:
        assert FirstSendWaitsBackend.started.wait(timeout=10)
        outcome["second"] = services.notification_send(notification_id=second.pk)
    finally:
        FirstSendWaitsBackend.release.set()
        slow.join(timeout=15)

    assert outcome == {"first": True, "second": True}
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(
        recipient=nominee, channel=NotificationChannel.EMAIL, sent_at__isnull=True
    ).exists()
