"""Each maintainer's latest activity, read from GitHub: commits authored, pull request reviews,
and triage (comments, labels, assignments, closes) in the configured repositories.

Each (repository, stream) pair has a cursor (`GitHubActivityCursor`): a run reads the window
from the cursor to the run's start, and records what it found and moves the cursor in one
transaction. So a run reads only what is new, a crash loses at most the window in hand (read
again next time, never counted twice), and two runs at once record each window once: the
second finds the cursor moved and drops its copy.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance import permissions
from governance.github_config import github_config
from governance.models import ActivitySource, GitHubActivityCursor, Person, PersonActivity
from governance.services.base import audit_record, require
from integrations import github

logger = logging.getLogger(__name__)

COUNTED = {"commit": "commits", "review": "reviews", "triage": "triaged_issues"}


@dataclass
class GitHubActivityReport:
    windows: list[str] = field(default_factory=list)
    people: set[str] = field(default_factory=set)
    unknown_logins: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


def _cursor(repository: str, stream: str) -> datetime.datetime | None:
    return (
        GitHubActivityCursor.objects.filter(repository=repository, stream=stream)
        .values_list("read_until", flat=True)
        .first()
    )


@transaction.atomic
def _record_window(
    *,
    actor,
    repository: str,
    stream: str,
    since: datetime.datetime | None,
    until: datetime.datetime,
    found: Iterable[github.Contribution],
    report: GitHubActivityReport,
) -> None:
    cursor, created = GitHubActivityCursor.objects.get_or_create(
        repository=repository, stream=stream, defaults={"read_until": until}
    )
    cursor = GitHubActivityCursor.objects.select_for_update().get(pk=cursor.pk)
    if (since is None and not created) or (since is not None and cursor.read_until != since):
        return  # another run recorded this window first
    latest: dict[str, datetime.date] = {}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTED.values(), 0))
    for contribution in found:
        login = contribution.login.lower()
        day = contribution.at.date()
        latest[login] = max(latest.get(login, day), day)
        counts[login][COUNTED[contribution.kind]] += 1
    people = {
        person.github.lower(): person
        for person in Person.objects.exclude(github="").select_related("activity")
    }
    now = timezone.now()
    for login, day in latest.items():
        person = people.get(login)
        if person is None:
            report.unknown_logins.add(login)
            continue
        _person_activity_add(person, day=day, counts=counts[login], repository=repository, now=now)
        report.people.add(person.github)
    cursor.read_until = until
    cursor.save(update_fields=["read_until"])
    audit_record(
        actor=actor,
        verb="activity.read_from_github",
        target=cursor,
        data={
            "repository": repository,
            "stream": stream,
            "since": since.isoformat() if since else None,
            "until": until.isoformat(),
            "people": sorted(person.github for login, person in people.items() if login in latest),
        },
    )
    report.windows.append(f"{repository} {stream}")


def _person_activity_add(
    person: Person, *, day: datetime.date, counts: dict[str, int], repository: str, now
) -> None:
    """From GitHub the counts add up from the first import from GitHub on; a record that came
    from a file keeps only its date, since its counts were counted some other way."""
    activity = getattr(person, "activity", None)
    if activity is None:
        activity = PersonActivity(person=person, last_active_on=day)
    if activity.source != ActivitySource.GITHUB:
        activity.source = ActivitySource.GITHUB
        activity.source_detail = ""
        for name in COUNTED.values():
            setattr(activity, name, 0)
    activity.last_active_on = max(activity.last_active_on, day)
    for name, number in counts.items():
        setattr(activity, name, getattr(activity, name) + number)
    repositories = set(filter(None, activity.source_detail.split(", "))) | {repository}
    activity.source_detail = ", ".join(sorted(repositories))
    activity.imported_at = now
    activity.save()


def github_activity_import(*, actor, now: datetime.datetime | None = None) -> GitHubActivityReport:
    """Read what is new since the last run in every configured repository and stream. Not
    atomic as a whole on purpose: each window commits on its own, so the work done survives a
    later failure. Stops at the first error that another call would meet too (a refused
    token, a rate limit); the next run goes on from the cursors."""
    require(permissions.can_manage_roster(actor), "You may not import activity.")
    report = GitHubActivityReport()
    until = (now or timezone.now()).replace(microsecond=0)
    first_since = until - datetime.timedelta(days=settings.GITHUB_ACTIVITY_FIRST_DAYS)
    config = github_config()
    for repository in settings.GITHUB_ACTIVITY_REPOSITORIES:
        for stream in github.STREAMS:
            since = _cursor(repository, stream)
            try:
                found = list(
                    github.contributions(
                        config,
                        repository=repository,
                        stream=stream,
                        since=since or first_since,
                        until=until,
                    )
                )
            except github.GitHubError as error:
                logger.warning("Reading %s %s from GitHub failed: %s", repository, stream, error)
                report.errors.append(f"{repository} ({stream}): {error}")
                return report
            _record_window(
                actor=actor,
                repository=repository,
                stream=stream,
                since=since,
                until=until,
                found=found,
                report=report,
            )
    return report
