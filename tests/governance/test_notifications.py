"""The outbox: one row per (event, recipient, channel), sent once, queued only on commit."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from governance import services
from governance.models import Notification, NotificationChannel, RoleKind

pytestmark = pytest.mark.django_db


def queue(recipients, event_key: str = "feedback:7"):
    return services.notification_queue(
        event_key=event_key,
        recipients=recipients,
        subject="Feedback on your nomination",
        body="The core maintainers have written to you.",
        url="/inbox/",
    )


def rows(event_key: str = "feedback:7"):
    return Notification.objects.filter(event_key=event_key)


def age(notification_ids, minutes: int) -> None:
    """Pretend the rows were queued `minutes` ago. Time passing has no service; this writes
    only the outbox's own timestamp."""
    Notification.objects.filter(pk__in=notification_ids).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def fail_sends_to(settings) -> None:
    """A real SMTP backend pointed at a port where nothing listens: sends fail with OSError."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1


def test_it_queues_one_inbox_entry_and_one_email_per_recipient(
    nominee, nominator, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        queue([nominee, nominator, nominee, None])

    assert sorted(rows().values_list("recipient", "channel")) == sorted(
        [
            (nominee.pk, NotificationChannel.INBOX),
            (nominee.pk, NotificationChannel.EMAIL),
            (nominator.pk, NotificationChannel.INBOX),
            (nominator.pk, NotificationChannel.EMAIL),
        ]
    )
    # The inbox is delivered by being written; emails wait for a worker.
    assert not rows().filter(channel=NotificationChannel.INBOX, sent_at__isnull=True).exists()
    assert not rows().filter(channel=NotificationChannel.EMAIL, sent_at__isnull=False).exists()
    assert len(callbacks) == 1  # one send task for the batch of both emails


def test_it_writes_no_email_for_a_user_without_an_address(django_user_model):
    silent = django_user_model.objects.create_user("silent", email="")

    queue([silent])

    assert list(rows().values_list("channel", flat=True)) == [NotificationChannel.INBOX]


def test_it_adds_nothing_when_the_same_event_is_queued_again(
    nominee, django_capture_on_commit_callbacks
):
    queue([nominee])
    before = list(rows().order_by("pk").values_list("pk", "channel", "created_at"))

    with django_capture_on_commit_callbacks(execute=True):
        queue([nominee])

    assert list(rows().order_by("pk").values_list("pk", "channel", "created_at")) == before
    assert len(before) == 2


def test_it_sends_an_email_once_however_often_it_is_asked(nominee, mailoutbox, settings):
    queue([nominee])
    email = rows().get(channel=NotificationChannel.EMAIL)

    first = services.notification_send(notification_id=email.pk)
    second = services.notification_send(notification_id=email.pk)

    assert (first, second) == (True, False)
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.to == [nominee.email]
    assert sent.subject == "Feedback on your nomination"
    assert sent.body.endswith(f"\n\n{settings.SITE_URL}/inbox/")
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 1


def test_it_names_each_email_after_its_outbox_row(nominee, nominator, mailoutbox, settings):
    """A resend after a crash carries the same Message-ID as the first attempt, so the
    recipient's mail client shows it once."""
    settings.SITE_URL = "https://governance.example.org"
    queue([nominee, nominator])
    emails = rows().filter(channel=NotificationChannel.EMAIL).order_by("pk")

    for email in emails:
        services.notification_send(notification_id=email.pk)

    assert [sent.message()["Message-ID"] for sent in mailoutbox] == [
        f"<notification-{email.pk}@governance.example.org>" for email in emails
    ]


def test_it_never_sends_an_inbox_entry_by_email(nominee, mailoutbox):
    queue([nominee])
    entry = rows().get(channel=NotificationChannel.INBOX)

    assert services.notification_send(notification_id=entry.pk) is False
    assert mailoutbox == []


def test_it_records_a_failed_send_and_leaves_the_row_for_the_sweeper(nominee, settings):
    queue([nominee])
    email = rows().get(channel=NotificationChannel.EMAIL)
    fail_sends_to(settings)

    assert services.notification_send(notification_id=email.pk) is False

    email.refresh_from_db()
    assert (email.sent_at, email.attempts) == (None, 1)
    assert email.last_error
    age([email.pk], minutes=5)
    assert services.notifications_stuck() == [email.pk]


def test_it_queues_nothing_when_the_transaction_rolls_back(
    nominee, django_capture_on_commit_callbacks, mailoutbox
):
    def queue_then_fail() -> None:
        with transaction.atomic():
            queue([nominee])
            raise RuntimeError("the service failed after queueing")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        queue_then_fail()

    assert callbacks == []
    assert not rows().exists()
    assert mailoutbox == []


def test_it_queues_a_role_notification_only_when_the_grant_commits(
    core1, nominee, module, django_capture_on_commit_callbacks
):
    def grant_then_fail() -> None:
        with transaction.atomic():
            services.role_grant(
                actor=core1, person=nominee.person, kind=RoleKind.MODULE_REVIEWER, module=module
            )
            raise RuntimeError("a later step of the same request failed")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        grant_then_fail()

    assert callbacks == []
    assert not Notification.objects.filter(recipient=nominee).exists()
    assert not nominee.person.roles.exists()


def test_it_finds_only_old_unsent_emails_as_stuck(nominee, nominator, lead, settings):
    queue([nominee], event_key="old")
    queue([nominator], event_key="fresh")
    queue([lead], event_key="old-but-sent")
    queue([lead], event_key="old-and-given-up")
    old = rows("old").get(channel=NotificationChannel.EMAIL)
    sent = rows("old-but-sent").get(channel=NotificationChannel.EMAIL)
    given_up = rows("old-and-given-up").get(channel=NotificationChannel.EMAIL)
    services.notification_send(notification_id=sent.pk)
    backend = settings.EMAIL_BACKEND
    fail_sends_to(settings)
    for _ in range(services.MAX_ATTEMPTS):
        services.notification_send(notification_id=given_up.pk)
    settings.EMAIL_BACKEND = backend
    assert Notification.objects.get(pk=given_up.pk).attempts == services.MAX_ATTEMPTS
    age(
        Notification.objects.filter(
            event_key__in=["old", "old-but-sent", "old-and-given-up"]
        ).values_list("pk", flat=True),
        minutes=10,
    )

    stuck = services.notifications_stuck()

    assert old.pk in stuck
    assert rows("fresh").get(channel=NotificationChannel.EMAIL).pk not in stuck
    assert sent.pk not in stuck
    assert given_up.pk not in stuck
    assert not set(stuck) & set(
        Notification.objects.filter(channel=NotificationChannel.INBOX).values_list("pk", flat=True)
    )


def test_it_marks_all_of_my_inbox_read(nominee, nominator):
    queue([nominee, nominator])
    queue([nominee], event_key="second")

    marked = services.inbox_mark_all_read(actor=nominee)

    assert marked == 2
    assert not Notification.objects.filter(
        recipient=nominee, channel=NotificationChannel.INBOX, read_at__isnull=True
    ).exists()
    assert Notification.objects.filter(
        recipient=nominator, channel=NotificationChannel.INBOX, read_at__isnull=True
    ).exists()
    assert services.inbox_mark_all_read(actor=nominee) == 0
