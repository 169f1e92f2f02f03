"""People, modules, roles, taxonomy revisions, the audit log and the notification outbox.

Invariants live in the database (unique and check constraints) so that no code path, including
the admin and raw bulk writes, can store a state the governance rules forbid.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from governance.validators import (
    NAME_BREAKING_CHARACTERS_IN_DATABASE,
    validate_approvers,
    validate_check_names,
    validate_path_patterns,
    validate_person_name,
)

# GitHub's rules: 1 to 39 characters, ASCII letters, digits and single hyphens, and no hyphen at
# either end. Written without look-arounds so that SQLite's and PostgreSQL's regex engines agree,
# and anchored with \A and \Z because Python's `$` also matches before a trailing newline.
GITHUB_HANDLE_PATTERN = r"\A[A-Za-z0-9]+(-[A-Za-z0-9]+)*\Z"
GITHUB_HANDLE_MAX_LENGTH = 39

validate_github_handle = RegexValidator(
    GITHUB_HANDLE_PATTERN,
    message=(
        "A GitHub handle has only letters, digits and single hyphens, "
        "and cannot begin or end with a hyphen."
    ),
)


class Person(models.Model):
    full_name = models.CharField(max_length=200, validators=[validate_person_name])
    github = models.CharField(
        "GitHub handle",
        max_length=GITHUB_HANDLE_MAX_LENGTH,
        blank=True,
        validators=[validate_github_handle],
        help_text="Unique regardless of case. Empty for people listed without a handle.",
    )
    email = models.EmailField(blank=True)
    affiliation = models.CharField(
        max_length=200,
        blank=True,
        help_text="Employer. Membership belongs to the individual; this shows employer spread.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    # GitHub's numeric user id: the stable key of a GitHub account, which a handle is not (a
    # handle can be renamed, freed, and registered again by someone else).
    github_id = models.PositiveBigIntegerField(
        "GitHub user id",
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="Set by the person's first GitHub sign-in.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                Lower("github"),
                condition=~Q(github=""),
                name="person_github_unique_ci",
                violation_error_message="Someone already has this GitHub handle.",
            ),
            models.CheckConstraint(
                condition=Q(github="") | Q(github__regex=GITHUB_HANDLE_PATTERN),
                name="person_github_valid",
            ),
            models.CheckConstraint(condition=~Q(full_name=""), name="person_full_name_not_empty"),
            models.CheckConstraint(
                condition=~Q(full_name__regex=NAME_BREAKING_CHARACTERS_IN_DATABASE),
                name="person_full_name_one_line",
                violation_error_message=validate_person_name.message,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} (@{self.github})" if self.github else self.full_name

    def get_absolute_url(self) -> str:
        return reverse("person_detail", args=[self.github]) if self.github else ""


class FormerHandle(models.Model):
    """A GitHub handle a person had before renaming themselves: `/people/<old>/` redirects to
    their page. A handle someone on the roster holds today always wins over a former one."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="former_handles")
    github = models.CharField(
        max_length=GITHUB_HANDLE_MAX_LENGTH, validators=[validate_github_handle]
    )
    renamed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-renamed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(Lower("github"), name="former_handle_unique_ci"),
            models.CheckConstraint(
                condition=Q(github__regex=GITHUB_HANDLE_PATTERN), name="former_handle_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.github}, formerly of person #{self.person_id}"


# The governance document lets each module group set its own inactivity period; a year is the
# default the project uses.
DEFAULT_INACTIVITY_MONTHS = 12
MAX_INACTIVITY_MONTHS = 120


class ModuleGroup(models.TextChoices):
    CORE = "core", "Core modules"
    EXTERNAL = "external", "Core-governed external modules"
    SUNSETTED = "sunsetted", "Sunsetted modules"


class ModuleStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired by a taxonomy revision"


class Module(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    group = models.CharField(max_length=20, choices=ModuleGroup.choices, default=ModuleGroup.CORE)
    group_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The heading of the group the maintainer file lists it under, when the project "
        'names its groups itself (e.g. "Library-level maintainers"); empty: the standard heading.',
    )
    includes = models.CharField(
        max_length=300, blank=True, help_text='Sub-areas it covers, e.g. "Dynamo, FX".'
    )
    path_patterns = models.TextField(
        blank=True,
        help_text="Repository paths it owns: one glob a line; a leading '-' excludes.",
        validators=[validate_path_patterns],
    )
    status = models.CharField(
        max_length=20, choices=ModuleStatus.choices, default=ModuleStatus.ACTIVE
    )
    position = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Place in the exported maintainer files; empty places it after the others, "
        "by name. Set by importing persons_of_interest, so its order survives a round trip.",
    )
    inactivity_months = models.PositiveSmallIntegerField(
        default=DEFAULT_INACTIVITY_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_INACTIVITY_MONTHS)],
        help_text="Months without activity after which a maintainer is reported as inactive.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(status="active"),
                name="module_active_name_unique_ci",
                violation_error_message="An active module already has this name.",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="module_name_not_empty"),
            models.CheckConstraint(
                condition=Q(group__in=ModuleGroup.values), name="module_group_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ModuleStatus.values), name="module_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(inactivity_months__gte=1, inactivity_months__lte=MAX_INACTIVITY_MONTHS),
                name="module_inactivity_months_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("module_detail", args=[self.slug])

    def audit_label(self) -> str:
        return f"module {self.slug}"

    @property
    def patterns(self) -> list[str]:
        return [line.strip() for line in self.path_patterns.splitlines() if line.strip()]


class ModuleUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Module, on_delete=models.CASCADE)


class ModuleGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Module, on_delete=models.CASCADE)


class RoleKind(models.TextChoices):
    LEAD_CORE_MAINTAINER = "lead_core_maintainer", "Lead core maintainer"
    CORE_MAINTAINER = "core_maintainer", "Core maintainer"
    CORE_REVIEWER = "core_reviewer", "Core reviewer"
    MODULE_MAINTAINER = "module_maintainer", "Module maintainer"
    MODULE_REVIEWER = "module_reviewer", "Module reviewer"


MODULE_ROLE_KINDS = (RoleKind.MODULE_MAINTAINER, RoleKind.MODULE_REVIEWER)
PROJECT_ROLE_KINDS = (
    RoleKind.LEAD_CORE_MAINTAINER,
    RoleKind.CORE_MAINTAINER,
    RoleKind.CORE_REVIEWER,
)


class RoleStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    EMERITUS = "emeritus", "Emeritus"


class Role(models.Model):
    """A person's role. Never deleted: retiring a role makes it emeritus, with a date and reason.

    Reviewers may approve changes but have no vote in governance.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="roles")
    kind = models.CharField(max_length=30, choices=RoleKind.choices)
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.PROTECT, related_name="roles"
    )
    status = models.CharField(max_length=20, choices=RoleStatus.choices, default=RoleStatus.ACTIVE)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(
        blank=True, help_text="Why the role ended, as the core maintainers noted it: private."
    )
    public_end_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the roster shows of why the role ended: a fixed wording, never typed.",
    )
    ended_by_revision = models.ForeignKey(
        "TaxonomyRevision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ended_roles",
        help_text="Set when the role ended because a taxonomy revision moved it to another module.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-started_on", "pk"]
        indexes = [
            models.Index(fields=["module", "status"], name="role_module_status_idx"),
            # The home page's latest roster changes (selectors.roster_changes_latest): read in
            # order, ten rows, rather than every role sorted.
            models.Index(
                Coalesce("ended_on", "started_on").desc(),
                models.F("id").desc(),
                condition=Q(ended_by_revision__isnull=True),
                name="role_latest_change_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "module"],
                condition=Q(status="active", module__isnull=False),
                name="role_one_active_per_person_kind_module",
                violation_error_message="This person already holds this role in this module.",
            ),
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(status="active", module__isnull=True),
                name="role_one_active_per_person_project_kind",
                violation_error_message="This person already holds this role.",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(status="active", kind="lead_core_maintainer"),
                name="role_one_active_lead_core_maintainer",
                violation_error_message="There is already an active lead core maintainer.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=MODULE_ROLE_KINDS, module__isnull=False)
                    | Q(kind__in=PROJECT_ROLE_KINDS, module__isnull=True)
                ),
                name="role_module_matches_kind",
                violation_error_message="Module roles need a module; project roles have none.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="active", ended_on__isnull=True)
                    | Q(status="emeritus", ended_on__isnull=False)
                ),
                name="role_end_date_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="role_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_by_revision__isnull=True) | Q(status="emeritus"),
                name="role_moved_only_when_ended",
            ),
        ]

    def __str__(self) -> str:
        where = f" of {self.module}" if self.module_id else ""
        return f"{self.person}: {self.get_kind_display()}{where} ({self.get_status_display()})"

    def audit_label(self) -> str:
        return f"role #{self.pk} ({self.get_kind_display().lower()})"

    def clean(self) -> None:
        if self._state.adding and self.module_id and self.module.status != ModuleStatus.ACTIVE:
            raise ValidationError(
                {"module": f"{self.module.name} is retired; roles are granted on active modules."}
            )

    @property
    def is_active(self) -> bool:
        return self.status == RoleStatus.ACTIVE

    @property
    def was_moved(self) -> bool:
        return self.ended_by_revision_id is not None


class TaxonomyRevision(models.Model):
    """One atomic change of the module taxonomy, decided on a date for a reason."""

    title = models.CharField(max_length=200)
    reason = models.TextField()
    decided_on = models.DateField()
    vote_url = models.CharField(
        max_length=200,
        blank=True,
        help_text="The page of the proposal vote that accepted it (none for older revisions).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.decided_on:%Y-%m-%d})"


class TaxonomyOperation(models.TextChoices):
    ADD = "add", "Added"
    RENAME = "rename", "Renamed"
    MERGE = "merge", "Merged"
    SPLIT = "split", "Split"
    SUNSET = "sunset", "Sunsetted"


class TaxonomyChange(models.Model):
    """One step of a revision. `module` is the module it produced or changed; for a merge or a
    split, `source` is the module it came from (which is retired unless it lives on)."""

    revision = models.ForeignKey(TaxonomyRevision, on_delete=models.PROTECT, related_name="changes")
    operation = models.CharField(max_length=20, choices=TaxonomyOperation.choices)
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="changes")
    source = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.PROTECT, related_name="successor_changes"
    )
    previous_name = models.CharField(max_length=200, blank=True)
    previous_slug = models.SlugField(max_length=100, blank=True)
    previous_includes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["revision", "pk"]
        indexes = [models.Index(fields=["previous_slug"], name="taxonomy_previous_slug_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(operation__in=["merge", "split"], source__isnull=False)
                    | Q(operation__in=["add", "rename", "sunset"], source__isnull=True)
                ),
                name="taxonomy_change_source_matches_operation",
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("module")), name="taxonomy_change_source_not_module"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_operation_display()}: {self.module}"


class AuditEvent(models.Model):
    """Append-only record of every state change, written by the services."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=150, help_text="Who acted, kept if the account goes away."
    )
    verb = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=60)
    target_label = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.verb} {self.target_label}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "Email"
    INBOX = "inbox", "In-app inbox"


class Notification(models.Model):
    """The outbox: one row per (event, recipient, channel). Sending marks `sent_at`; a rerun of
    the sender skips sent rows and the unique constraint refuses a duplicate event."""

    event_key = models.CharField(
        max_length=200, help_text="Names the event, e.g. role-granted:42, so a rerun adds nothing."
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient", "channel"], name="notification_once_per_event"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=NotificationChannel.values),
                name="notification_channel_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True),
                name="notification_unsent_idx",
            ),
            models.Index(
                fields=["recipient", "channel", "-created_at"], name="notification_inbox_idx"
            ),
        ]

    def __str__(self) -> str:
        # The admin shows this to operators: the subject may name a nominee.
        return f"{self.get_channel_display()} to {self.recipient}: {self.event_key}"


class Invitation(models.Model):
    """An emailed invitation for someone on the roster without an account to sign in (with
    GitHub, as their handle) and read what waits for them at `url`. The link carries a signed
    token naming this row and its `nonce`; it works once, until `expires_at`."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    event_key = models.CharField(
        max_length=200, help_text="What it invites to, e.g. nomination-feedback:42."
    )
    url = models.CharField(max_length=300, help_text="The local page it leads to.")
    nonce = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "event_key"], name="invitation_once_per_event"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="invitation_expires_later"
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_by__isnull=False),
                name="invitation_accepted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation #{self.pk} for person #{self.person_id}: {self.event_key}"


# Repository files, activity and taxonomy proposals ----------------------------------------------


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


class PublicPagesGeneration(models.Model):
    """The public pages' current state, as a token: a cached page stored under another is stale.
    One row (pk 1).

    In the database rather than the cache, so that a change made by any process (a worker's
    publication, the admin's anonymisation) reaches every process's cache, local memory included;
    and replaced in the transaction that makes the change, so the two commit together.
    """

    SINGLETON_PK = 1

    token = models.CharField(max_length=32)
    # When public data last changed: the JSON API's Last-Modified.
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="public_pages_generation_singleton")
        ]

    def __str__(self) -> str:
        return f"Public pages generation {self.token}"


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


class ActivitySource(models.TextChoices):
    FILE = "file", "an imported file"
    GITHUB = "github", "GitHub"


class PersonActivity(models.Model):
    """A person's latest recorded activity on the repository, from `manage.py import_activity`
    (a file, or GitHub with `--from-github` and the daily task). From GitHub, the counts are
    those since the first import from GitHub."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="activity")
    last_active_on = models.DateField()
    reviews = models.PositiveIntegerField(default=0)
    commits = models.PositiveIntegerField(default=0)
    triaged_issues = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(
        max_length=10, choices=ActivitySource.choices, default=ActivitySource.FILE
    )
    # The repositories the figures were read from, for GitHub.
    source_detail = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "person activity"
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=ActivitySource.values), name="person_activity_source_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Activity of {self.person}: last {self.last_active_on:%Y-%m-%d}"


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPLIED = "applied", "Applied"
    WITHDRAWN = "withdrawn", "Withdrawn"


class TaxonomyProposal(models.Model):
    """A draft revision of the taxonomy that core maintainers build and compare with the current
    one; applying it runs its steps as one taxonomy revision."""

    title = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    revision = models.OneToOneField(
        TaxonomyRevision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="proposal_title_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status="applied") & Q(revision__isnull=False))
                | (~Q(status="applied") & Q(revision__isnull=True)),
                name="proposal_applied_iff_revision",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("taxonomy_proposal", args=[self.pk])


class TaxonomyProposalStep(models.Model):
    """One step of a proposal. `data` names modules by slug and people by their id, as
    `services.taxonomy_revise` takes them; `governance.proposals` reads and checks it."""

    proposal = models.ForeignKey(TaxonomyProposal, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    operation = models.CharField(max_length=20, choices=TaxonomyOperation.choices)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["proposal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "position"], name="proposal_step_once"),
            models.CheckConstraint(
                condition=Q(operation__in=TaxonomyOperation.values),
                name="proposal_step_operation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Step {self.position} of {self.proposal}: {self.get_operation_display()}"


class GitHubActivityCursor(models.Model):
    """How far one stream of one repository's activity has been read: everything before
    `read_until` is counted. It moves in the transaction that records what was read, so a run
    killed half-way starts again from here and counts nothing twice."""

    repository = models.CharField(max_length=200)
    stream = models.CharField(max_length=20)
    read_until = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "stream"], name="github_activity_cursor_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.repository} {self.stream} read until {self.read_until:%Y-%m-%d %H:%M}"


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


# The outbox of the outside services lives in its own module; importing it here registers it.
from governance.integration_models import (  # noqa: E402, F401
    ForumReply,
    ForumTopic,
    WebhookDelivery,
    WebhookEndpoint,
)
