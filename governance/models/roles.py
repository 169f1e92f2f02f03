"""The roles people hold, in the project or in one module, and how they end."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.models.modules import Module, ModuleStatus
from governance.models.people import Person


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
