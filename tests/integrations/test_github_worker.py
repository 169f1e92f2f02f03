"""The repository files' pull request through real Celery workers and a fake GitHub: the beat
scan queues the run, a worker opens the pull request, and a worker killed while GitHub is
opening it (the pull request made, the answer never read) leaves exactly one pull request
once another worker takes the task up."""

import datetime
from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone

from governance import services, tasks
from governance.celery import app as celery_app
from governance.models import GitHubActivityCursor, PersonActivity, RepositorySync
from tests.conftest import purge_test_queue
from tests.governance.test_worker_crash import (
    SEND_TIMEOUT,
    START_TIMEOUT,
    Worker,
    broker_holds_nothing,
    wait_until,
)
from tests.integrations.conftest import PATHS, TOKEN
from tests.support.fake_github import REPOSITORY
from tests.support.worker import running_worker, wait_for, worker_idle

pytestmark = pytest.mark.django_db(transaction=True)

ANY_PULL = r".*/pulls"


def add_rule() -> None:
    services.merge_rule_create(actor=None, name="Core Maintainers", patterns="*", approved_by="a")


def sync_row() -> RepositorySync:
    return RepositorySync.objects.get(pk=RepositorySync.SINGLETON_PK)


def test_it_opens_the_pull_request_from_the_beat_scan_through_a_worker(
    celery_broker, fake_github, github_settings, module
):
    github_settings.GITHUB_SYNC_DEBOUNCE_SECONDS = 0
    celery_app.conf.broker_url = celery_broker
    purge_test_queue()
    add_rule()

    with running_worker():
        # Two scans in a row, as beat does when one is slow: one pull request.
        tasks.repository_sync_due.delay()
        tasks.repository_sync_due.delay()
        assert wait_for(lambda: sync_row().pull_request_number == 1), "no pull request in 10 s"
        assert wait_for(worker_idle)

    assert len(fake_github.pulls) == 1
    assert fake_github.count("POST", ANY_PULL) == 1
    row = sync_row()
    assert (row.due_at, row.running_until, row.last_error) == (None, None, "")


def test_it_reads_activity_through_the_daily_task_on_a_worker(
    celery_broker, fake_github, github_settings, maintainer
):
    github_settings.GITHUB_ACTIVITY_REPOSITORIES = [REPOSITORY]
    at = (timezone.now() - datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    fake_github.activity_commits = [
        {"sha": "1" * 40, "commit": {"author": {"date": at}}, "author": {"login": "hsato", "id": 7}}
    ]
    celery_app.conf.broker_url = celery_broker
    purge_test_queue()

    with running_worker():
        tasks.github_activity_import.delay()
        assert wait_for(lambda: GitHubActivityCursor.objects.count() == 3), "not read in 10 s"
        assert wait_for(worker_idle)

    activity = PersonActivity.objects.get(person__github="hsato")
    assert (activity.commits, activity.source_detail) == (1, REPOSITORY)
    assert activity.last_active_on == (timezone.now() - datetime.timedelta(days=3)).date()


@pytest.fixture
def workers(tmp_path, monkeypatch, fake_github) -> Iterator[Callable[[str], Worker]]:
    """`workers("first")` starts a `celery worker` process configured for the fake GitHub,
    with a short lease so that a killed run is taken up again within the test."""
    environment = {
        "GITHUB_API_URL": fake_github.base,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_SYNC_REPOSITORY": REPOSITORY,
        "GITHUB_SYNC_PERSONS_OF_INTEREST_PATH": PATHS["persons_of_interest"],
        "GITHUB_SYNC_MERGE_RULES_PATH": PATHS["merge_rules"],
        "GITHUB_SYNC_CODEOWNERS_PATH": PATHS["codeowners"],
        "GITHUB_SYNC_OWNERS_PATH": PATHS["owners"],
        "GITHUB_SYNC_LEASE_SECONDS": "2",
        "GITHUB_RETRY_BACKOFF_MS": "10",
        "GITHUB_WRITE_SPACING_MS": "0",
        "GITHUB_TIMEOUT_SECONDS": "60",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    started: list[Worker] = []

    def start(name: str) -> Worker:
        worker = Worker(tmp_path, name)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


def test_it_opens_one_pull_request_when_the_worker_is_killed_mid_call(
    postgres, redis_url, celery_broker, github_settings, fake_github, workers, module
):
    github_settings.GITHUB_SYNC_DEBOUNCE_SECONDS = 0
    purge_test_queue()
    add_rule()
    held = fake_github.hold("POST", ANY_PULL)  # GitHub opens it; the answer never leaves

    first = workers("first")
    tasks.repository_sync_run.delay()
    assert held.reached.wait(START_TIMEOUT), f"the first worker never asked:\n{first.tail()}"
    first.kill()
    held.release.set()
    assert len(fake_github.pulls) == 1
    row = sync_row()
    assert row.pull_request_number is None  # the killed run recorded nothing
    assert row.due_at is not None

    second = workers("second")
    assert wait_until(lambda: sync_row().pull_request_number == 1, SEND_TIMEOUT + START_TIMEOUT), (
        f"the restarted worker did not finish the sync:\n{second.tail()}"
    )
    # A second run, had the message come back twice, lands before the broker lets it go.
    assert wait_until(broker_holds_nothing, SEND_TIMEOUT), second.tail()
    second.stop()

    assert len(fake_github.pulls) == 1
    assert fake_github.count("POST", ANY_PULL) == 1  # the second run found it, never created
    assert fake_github.count("POST", r".*/git/commits") == 1  # the branch already held the files
    row = sync_row()
    assert (row.due_at, row.running_until, row.last_error) == (None, None, "")
    assert row.last_synced_at > timezone.now() - datetime.timedelta(minutes=1)
