"""Which audited changes alter the repository's maintainer files, and marking the pull request
that carries them due. `governance.services.base.audit_record` calls this for every event, so
no service can forget; `governance.services.repository_sync` does the rest."""

import datetime

from django.conf import settings
from django.utils import timezone

from governance.models import RepositorySync

# The changes that rewrite a maintainer file: a released announcement (its new roles), a move to
# emeritus, a taxonomy revision, and the merge-rule settings.
SYNC_VERBS = frozenset(
    {
        "announcement.released",
        "role.emeritus",
        "taxonomy.revised",
        "merge_rule.created",
        "merge_rule.updated",
        "merge_rule.deleted",
        "export_settings.updated",
    }
)


def enabled() -> bool:
    return bool(settings.GITHUB_SYNC_REPOSITORY)


def alters_repository_files(verb: str) -> bool:
    return verb in SYNC_VERBS and enabled()


def mark_due() -> None:
    """Due a little from now, in the calling transaction: a burst of changes (a taxonomy
    revision moves many roles) pushes the time on and ends in one run."""
    due_at = timezone.now() + datetime.timedelta(seconds=settings.GITHUB_SYNC_DEBOUNCE_SECONDS)
    if not RepositorySync.objects.filter(pk=RepositorySync.SINGLETON_PK).update(due_at=due_at):
        RepositorySync.objects.update_or_create(
            pk=RepositorySync.SINGLETON_PK, defaults={"due_at": due_at}
        )
