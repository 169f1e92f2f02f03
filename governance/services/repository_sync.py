"""The pull request that keeps the repository's maintainer files in line with the roster.

`governance.repository_sync.mark_due` makes it due after a change; the beat scan
(`governance.tasks.repository_sync_due`) queues `repository_sync_run` once it is due. A run
takes a lease on the one `RepositorySync` row in a short transaction, makes its HTTP calls
outside any transaction, and records the outcome in another. A worker killed mid-call leaves
the row due and leased; once the lease ends the scan runs it again, and
`integrations.github.pull_request_sync` finds the pull request by its head branch before it
creates one (GitHub itself refuses a second open pull request for one head and base), so a
crash never makes a second pull request.
"""

import datetime
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance import layouts, roster_files, selectors
from governance.github_config import github_config
from governance.models import AuditEvent, RepositorySync
from governance.repository_sync import SYNC_VERBS, enabled
from governance.services.base import audit_record
from integrations import github

logger = logging.getLogger(__name__)

TITLE = "Update the maintainer files from the roster"
# A pull request body has room for about 65,000 characters; the oldest changes are enough.
MAX_LISTED_CHANGES = 200
MAX_BACKOFF = datetime.timedelta(hours=1)
# Audit targets the public roster shows anyway; any other (a nomination, whose number says how
# many were made, declined ones included) is left unnamed in the public pull request.
PUBLIC_TARGETS = frozenset(
    {
        "governance.role",
        "governance.module",
        "governance.mergerule",
        "governance.taxonomyrevision",
        "governance.exportsettings",
    }
)
CHANGE_WORDS = {
    "announcement.released": "announcement released",
    "role.emeritus": "moved to emeritus",
    "taxonomy.revised": "taxonomy revised",
    "merge_rule.created": "merge rule added",
    "merge_rule.updated": "merge rule changed",
    "merge_rule.deleted": "merge rule removed",
    "export_settings.updated": "export settings changed",
}


def repository_files() -> dict[str, str]:
    """Every configured file at its configured path, written from the public roster."""
    roster = selectors.roster_for_export()
    paths = settings.GITHUB_SYNC_PATHS
    files: dict[str, str] = {}
    if path := paths["persons_of_interest"]:
        files[path] = layouts.persons_of_interest(roster, fmt=path.rsplit(".", 1)[1])
    if path := paths["merge_rules"]:
        files[path] = roster_files.merge_rules_yaml(roster)
    if path := paths["codeowners"]:
        files[path] = roster_files.codeowners(roster)
    if path := paths["owners"]:
        for module in roster.modules:
            files[path.format(slug=module.slug)] = roster_files.owners_file(module)
    return files


def stale_files() -> github.StaleFiles | None:
    """The OWNERS files of modules that have left the roster (merged, renamed, sunsetted)."""
    template = settings.GITHUB_SYNC_PATHS["owners"]
    if not template:
        return None
    pattern = re.escape(template).replace(re.escape("{slug}"), "[A-Za-z0-9_-]+")
    return github.StaleFiles(paths=re.compile(pattern), marker=roster_files.GENERATED_NOTICE)


def pull_request_body(files: dict[str, str], events: list[AuditEvent]) -> str:
    lines = [
        "The maintainer roster opened this pull request to bring these files in line with it:",
        "",
        *(f"- `{path}`" for path in sorted(files)),
        "",
        "The changes recorded since the files were last in line:",
        "",
    ]
    lines += [
        f"- {event.created_at:%Y-%m-%d %H:%M} UTC: {CHANGE_WORDS.get(event.verb, event.verb)}"
        + (f", {event.target_label}" if event.target_type in PUBLIC_TARGETS else "")
        + f" (audit event {event.pk})"
        for event in events
    ] or ["- none recorded (the files had drifted from the roster)"]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Claim:
    claimed_at: datetime.datetime
    changes_after_event: int
    listed_through_event: int
    pull_request_number: int | None


@transaction.atomic
def _claim(now: datetime.datetime, *, force: bool) -> Claim | None:
    """Take the lease when the sync is due (or `force`d) and nobody holds it."""
    RepositorySync.objects.get_or_create(pk=RepositorySync.SINGLETON_PK)
    row = RepositorySync.objects.select_for_update().get(pk=RepositorySync.SINGLETON_PK)
    due = row.due_at is not None and row.due_at <= now
    if not (due or force) or (row.running_until is not None and row.running_until > now):
        return None
    row.running_until = now + datetime.timedelta(seconds=settings.GITHUB_SYNC_LEASE_SECONDS)
    row.save(update_fields=["running_until"])
    return Claim(
        claimed_at=now,
        changes_after_event=row.changes_after_event,
        listed_through_event=row.listed_through_event,
        pull_request_number=row.pull_request_number,
    )


def _release(row: RepositorySync, claim: Claim) -> None:
    row.running_until = None
    # A change made during the run pushed `due_at` past the claim: it is still to be synced.
    if row.due_at is not None and row.due_at <= claim.claimed_at:
        row.due_at = None


@transaction.atomic
def _record_success(claim: Claim, pull: github.PullRequest | None, listed: list[AuditEvent]):
    row = RepositorySync.objects.select_for_update().get(pk=RepositorySync.SINGLETON_PK)
    _release(row, claim)
    now = timezone.now()
    row.last_synced_at, row.last_error, row.last_error_at, row.failures = now, "", None, 0
    if pull is None:
        # The repository holds the roster as it stood at the claim: nothing before is pending.
        row.changes_after_event = (
            AuditEvent.objects.filter(created_at__lte=claim.claimed_at)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
            or 0
        )
        row.pull_request_number, row.pull_request_url = None, ""
    else:
        if pull.number != claim.pull_request_number and claim.pull_request_number is not None:
            # The earlier pull request is gone (merged or closed); what it listed is done.
            row.changes_after_event = claim.listed_through_event
        if listed:
            row.listed_through_event = listed[-1].pk
        row.pull_request_number, row.pull_request_url = pull.number, pull.url
        if pull.created:
            audit_record(
                actor=None,
                verb="repository_sync.opened",
                target=row,
                data={"pull_request": pull.number},
            )
    row.save()
    return row


@transaction.atomic
def _record_failure(claim: Claim, error: github.GitHubError) -> RepositorySync:
    row = RepositorySync.objects.select_for_update().get(pk=RepositorySync.SINGLETON_PK)
    row.running_until = None
    now = timezone.now()
    row.failures += 1
    row.last_error, row.last_error_at = str(error), now
    if error.retry_after is None:
        # Another attempt fails the same way until someone fixes the configuration; the next
        # change, or `manage.py sync_repository_files`, tries again.
        row.due_at = None
    else:
        backoff = min(datetime.timedelta(minutes=2**row.failures), MAX_BACKOFF)
        row.due_at = now + max(backoff, datetime.timedelta(seconds=error.retry_after))
    row.save()
    return row


def repository_sync_run(*, force: bool = False) -> RepositorySync | None:
    """Open or update the one pull request, or nothing when the repository already matches.
    Runs in a Celery task (or `manage.py sync_repository_files`); None when it is not due, is
    running elsewhere, or GitHub is not configured."""
    if not enabled():
        return None
    claim = _claim(timezone.now(), force=force)
    if claim is None:
        return None
    files = repository_files()

    def pending_after(open_number: int | None) -> int:
        if claim.pull_request_number is not None and open_number != claim.pull_request_number:
            return claim.listed_through_event
        return claim.changes_after_event

    listed: list[AuditEvent] = []

    def body_for(open_number: int | None) -> str:
        listed[:] = AuditEvent.objects.filter(
            pk__gt=pending_after(open_number), verb__in=SYNC_VERBS
        ).order_by("pk")[:MAX_LISTED_CHANGES]
        return pull_request_body(files, listed)

    try:
        pull = github.pull_request_sync(
            github_config(),
            repository=settings.GITHUB_SYNC_REPOSITORY,
            base=settings.GITHUB_SYNC_BASE_BRANCH,
            head=settings.GITHUB_SYNC_BRANCH,
            files=files,
            title=TITLE,
            body_for=body_for,
            stale=stale_files(),
        )
    except github.GitHubError as error:
        logger.warning("The repository files pull request failed: %s", error)
        return _record_failure(claim, error)
    return _record_success(claim, pull, listed)


def repository_sync_is_due(now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    row = RepositorySync.objects.filter(pk=RepositorySync.SINGLETON_PK).first()
    return (
        enabled()
        and row is not None
        and row.due_at is not None
        and row.due_at <= now
        and (row.running_until is None or row.running_until <= now)
    )
