"""The voting rules the project sets, and the proposals put to the core maintainers (whose votes
are `Nomination` rows of a proposal kind). Part of `nominations.models`, which re-exports them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from governance.models import Role


class DecisionKind(models.TextChoices):
    """Every kind of decision the core maintainers vote on; each has one voting rule."""

    MODULE_MAINTAINER = "module_maintainer", "Module maintainer"
    MODULE_REVIEWER = "module_reviewer", "Module reviewer"
    CORE_MAINTAINER = "core_maintainer", "Core maintainer"
    CORE_REVIEWER = "core_reviewer", "Core reviewer"
    EMERITUS = "emeritus", "Move to emeritus"
    REMOVAL = "removal", "Removal"
    LEAD_REMOVAL = "lead_removal", "Ending a role of the lead core maintainer"
    EMERITUS_BATCH = "emeritus_batch", "Emeritus batch"
    TAXONOMY_REVISION = "taxonomy_revision", "Taxonomy revision"
    RULE_CHANGE = "rule_change", "Change to a voting rule"
    MOTION = "motion", "Motion"


class Method(models.TextChoices):
    APPROVAL = "approval", "Approval vote"
    LAZY_CONSENSUS = "lazy_consensus", "Lazy consensus"
    CONSENT = "consent", "Consent"


class Threshold(models.TextChoices):
    MAJORITY = "majority", "A majority"
    TWO_THIRDS = "two_thirds", "Two thirds"
    THREE_QUARTERS = "three_quarters", "Three quarters"


class ThresholdBase(models.TextChoices):
    CAST = "cast", "of the approve and decline votes cast"
    ELECTORATE = "electorate", "of the whole electorate"


class VotingRule(models.Model):
    """The rule a kind of decision is voted under, as the project sets it today. Staff edit it
    in the admin through `voting_rule_update`; a vote freezes the rule when it opens, so a change
    applies only to votes opened after it."""

    kind = models.CharField(max_length=30, choices=DecisionKind.choices, unique=True)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.APPROVAL)
    threshold = models.CharField(
        max_length=20,
        choices=Threshold.choices,
        default=Threshold.MAJORITY,
        help_text="Approval votes only.",
    )
    threshold_base = models.CharField(
        max_length=20, choices=ThresholdBase.choices, default=ThresholdBase.CAST
    )
    quorum_percent = models.PositiveSmallIntegerField(
        default=50, help_text="The share of the whole electorate that must cast a ballot."
    )
    voting_days = models.PositiveSmallIntegerField(default=7)
    min_voting_days = models.PositiveSmallIntegerField(default=7)
    min_voters = models.PositiveSmallIntegerField(default=3)
    early_close = models.BooleanField(
        default=True, help_text="Close once every voter not recused has voted."
    )
    secret = models.BooleanField(default=True)
    objections_to_block = models.PositiveSmallIntegerField(
        default=1, help_text="Lazy consensus only: this many objections stop the proposal."
    )
    lead_confirms = models.BooleanField(default=False)
    nominee_consent = models.BooleanField(
        default=False, help_text="The nominee accepts the nomination before the vote opens."
    )
    seconders = models.PositiveSmallIntegerField(
        default=0, help_text="Core maintainers who second a nomination before its vote opens."
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_percent__lte=100), name="voting_rule_quorum_percent"
            ),
            models.CheckConstraint(
                condition=Q(min_voting_days__gte=1) & Q(voting_days__gte=F("min_voting_days")),
                name="voting_rule_duration",
            ),
            # Four eyes: a vote never rests on one person.
            models.CheckConstraint(condition=Q(min_voters__gte=2), name="voting_rule_min_voters"),
            models.CheckConstraint(
                condition=Q(objections_to_block__gte=1), name="voting_rule_objections"
            ),
        ]

    def __str__(self) -> str:
        return f"voting rule: {self.get_kind_display().lower()}"

    def audit_label(self) -> str:
        return str(self)


class Proposal(models.Model):
    """What a proposal puts to the vote. Its title and text are private to the core maintainers
    (the text is the vote's `rationale`); `public_outcome` is the one line the public minutes
    show once it is decided. What an accepted proposal changes is applied with its decision."""

    vote = models.OneToOneField(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="proposal"
    )
    title = models.CharField(max_length=200)
    # A key, not one-to-one: a draft declined or withdrawn once may be put to a vote again.
    taxonomy_proposal = models.ForeignKey(
        "governance.TaxonomyProposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule_kind = models.CharField(max_length=30, choices=DecisionKind.choices, blank=True)
    rule_changes = models.JSONField(default=dict, blank=True)
    emeritus_roles = models.ManyToManyField(Role, blank=True, related_name="+")
    public_outcome = models.CharField(max_length=300, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rule_kind="") | ~Q(rule_changes={}), name="proposal_rule_has_changes"
            ),
        ]

    def __str__(self) -> str:
        return f"proposal #{self.vote_id}"
