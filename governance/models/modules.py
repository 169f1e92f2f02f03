"""The modules of the project, each owned by its maintainers and reviewers, and their
object permissions."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from governance.validators import validate_path_patterns

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
