"""What the exported repository files carry besides the roster, and the pull request that
keeps the repository's copy in line with it."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from governance.validators import validate_approvers, validate_check_names, validate_path_patterns


class ExportSettings(models.Model):
    """What the exported repository files carry besides the roster. One row (pk 1).

    Kept in the database, edited in the admin through a service, so that the exported bytes
    depend on the roster's own data alone: any copy of the database gives the same files, and
    every change to them is audited.
    """

    SINGLETON_PK = 1

    document_title = models.CharField(
        max_length=200,
        default="PyTorch Governance | Maintainers",
        help_text="The first heading of persons_of_interest.",
    )
    responsibilities = models.TextField(
        blank=True,
        help_text="The prose under “Responsibilities” in persons_of_interest, written as is.",
    )
    mandatory_checks = models.TextField(
        blank=True,
        default="EasyCLA\nLint",
        validators=[validate_check_names],
        help_text="CI checks every module's merge rule requires: one check name a line.",
    )
    follow_imported_layout = models.BooleanField(
        default=False,
        help_text="Write persons_of_interest the way the last imported file wrote it: its bullets, "
        "heading adornments, blank lines and prose sections. Turned on by an import.",
    )
    persons_layout = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="How the last imported persons_of_interest was written, for the export.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "export settings"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="export_settings_singleton")]

    def __str__(self) -> str:
        return "Export settings"

    @property
    def check_names(self) -> list[str]:
        return _lines(self.mandatory_checks)


class MergeRule(models.Model):
    """A merge rule that belongs to no module: a catch-all such as "Core Maintainers" on '*'.

    The exported merge_rules.yaml lists one rule per module first, then these by position.
    """

    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    patterns = models.TextField(
        validators=[validate_path_patterns],
        help_text="One glob a line; a leading '-' excludes. '*' matches every file.",
    )
    approved_by = models.TextField(
        blank=True,
        validators=[validate_approvers],
        help_text="GitHub logins or org/team slugs, one a line.",
    )
    include_core_maintainers = models.BooleanField(
        default=False,
        help_text="Also approved by every active core maintainer, as the roster says.",
    )
    mandatory_checks = models.TextField(
        blank=True, validators=[validate_check_names], help_text="One CI check name a line."
    )
    ignore_flaky_failures = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="merge_rule_name_unique_ci",
                violation_error_message="A merge rule already has this name.",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="merge_rule_name_not_empty"),
            models.CheckConstraint(condition=~Q(patterns=""), name="merge_rule_patterns_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def pattern_list(self) -> list[str]:
        return _lines(self.patterns)

    @property
    def approver_list(self) -> list[str]:
        return _lines(self.approved_by)

    @property
    def check_names(self) -> list[str]:
        return _lines(self.mandatory_checks)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class RepositorySync(models.Model):
    """The pull request that brings the repository's maintainer files in line with the roster.
    One row (pk 1).

    A change that alters the files sets `due_at` a little ahead (a burst of changes makes one
    pull request); a beat scan runs the sync once it is due. A run holds the row for a lease
    (`running_until`) rather than a database lock across its HTTP calls, so a worker killed
    mid-call leaves the sync due, and the next scan after the lease runs it again.
    """

    SINGLETON_PK = 1

    due_at = models.DateTimeField(null=True, blank=True)
    running_until = models.DateTimeField(null=True, blank=True)
    # Audit events after this one are the changes the next pull request lists.
    changes_after_event = models.PositiveBigIntegerField(default=0)
    # The last audit event the open pull request's body lists.
    listed_through_event = models.PositiveBigIntegerField(default=0)
    pull_request_number = models.PositiveIntegerField(null=True, blank=True)
    pull_request_url = models.URLField(max_length=500, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="repository_sync_singleton")]

    def __str__(self) -> str:
        return "Repository files pull request"
