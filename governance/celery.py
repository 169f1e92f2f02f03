"""The Celery app. Its configuration lives in settings (CELERY_*); the beat schedule lives here."""

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

app = Celery("governance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def make_filesystem_broker_folders(sender: Celery, **kwargs) -> None:
    """kombu's filesystem:// transport (the embedded default) expects its folders to exist."""
    if sender.conf.broker_url.startswith("filesystem://"):
        options = sender.conf.broker_transport_options
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)


# Periodic scans read timestamps from the database; no task is scheduled with eta/countdown.
app.conf.beat_schedule = {
    "notifications-sweep": {
        "task": "governance.tasks.notifications_sweep",
        "schedule": crontab(minute="*"),
    },
    "repository-files-pull-request": {
        "task": "governance.tasks.repository_sync_due",
        "schedule": crontab(minute="*"),
    },
    "github-activity-daily": {
        "task": "governance.tasks.github_activity_import",
        "schedule": crontab(hour=3, minute=17),
    },
    "nominations-close-due-votes": {
        "task": "nominations.tasks.voting_close_due",
        "schedule": crontab(minute="*"),
    },
    "nominations-remind-voters": {
        "task": "nominations.tasks.voting_remind_due",
        "schedule": crontab(minute="*"),
    },
    "integrations-sweep": {
        "task": "governance.tasks.integrations_sweep",
        "schedule": crontab(minute="*"),
    },
    "meetings-publish-due-minutes": {
        "task": "meetings.tasks.minutes_publish_due",
        "schedule": crontab(minute="*"),
    },
}
