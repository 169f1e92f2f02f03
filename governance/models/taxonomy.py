"""The module taxonomy's history (revisions and their changes) and the proposals that core
maintainers draft before one is applied."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from governance.models.modules import Module


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
