"""Nominations: intake requests, private evidence, the ballot ledger, decisions and feedback.

A nomination's life: draft -> open (gathering evidence) -> voting -> closed (the tally is final)
-> decided (accepted or declined); it may be withdrawn at any point before the decision.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from governance.markdown import render_markdown
from governance.models import Module, Person, Role, RoleKind
from governance.validators import validate_person_name

# Defined apart to keep this module readable; re-exported, so callers import from here.
from nominations.ledger_models import (  # noqa: F401
    COMMENT_MAX_LENGTH,
    RECUSAL_REASON_MAX_LENGTH,
    Ballot,
    BallotChoice,
    Elector,
    Tally,
)
from nominations.voting_models import (  # noqa: F401
    DecisionKind,
    Method,
    Proposal,
    Threshold,
    ThresholdBase,
    VotingRule,
)

# Re-exported: the ledger's services and selectors read the genesis hash from here.
from verify_vote import GENESIS_HASH as GENESIS_HASH

EVIDENCE_MAX_LENGTH = 20_000


class NominationKind(models.TextChoices):
    MODULE_MAINTAINER = "module_maintainer", "Module maintainer"
    MODULE_REVIEWER = "module_reviewer", "Module reviewer"
    CORE_MAINTAINER = "core_maintainer", "Core maintainer"
    CORE_REVIEWER = "core_reviewer", "Core reviewer"
    EMERITUS = "emeritus", "Move to emeritus"
    REMOVAL = "removal", "Removal"


class ProposalKind(models.TextChoices):
    """What a core maintainer may put to the core maintainers besides a nomination. Its vote is
    a `Nomination` row without a nominee, so that proposals share every part of the voting."""

    EMERITUS_BATCH = "emeritus_batch", "Emeritus batch"
    TAXONOMY_REVISION = "taxonomy_revision", "Taxonomy revision"
    RULE_CHANGE = "rule_change", "Change to a voting rule"
    MOTION = "motion", "Motion"


PROPOSAL_KINDS = tuple(ProposalKind)
MODULE_KINDS = (NominationKind.MODULE_MAINTAINER, NominationKind.MODULE_REVIEWER)
GRANTING_KINDS = {
    NominationKind.MODULE_MAINTAINER: RoleKind.MODULE_MAINTAINER,
    NominationKind.MODULE_REVIEWER: RoleKind.MODULE_REVIEWER,
    NominationKind.CORE_MAINTAINER: RoleKind.CORE_MAINTAINER,
    NominationKind.CORE_REVIEWER: RoleKind.CORE_REVIEWER,
}
ENDING_KINDS = (NominationKind.EMERITUS, NominationKind.REMOVAL)


class NominationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for evidence"
    VOTING = "voting", "Voting"
    CLOSED = "closed", "Voting closed, awaiting decision"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


LIVE_STATUSES = (
    NominationStatus.DRAFT,
    NominationStatus.OPEN,
    NominationStatus.VOTING,
    NominationStatus.CLOSED,
)


class Consent(models.TextChoices):
    """The nominee's answer, where the rule asks for it before the vote."""

    NOT_ASKED = "", "Not asked"
    ASKED = "asked", "Asked, no answer yet"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the core maintainers"
    TAKEN_UP = "taken_up", "Taken up as a nomination"
    REJECTED = "rejected", "Not taken up"
    SPAM = "spam", "Rejected as spam"


class NominationRequest(models.Model):
    """A request from any signed-in person (self-nominations included) that core maintainers
    triage: take up as a draft nomination, or desk-reject with a reason the requester sees."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nomination_requests"
    )
    nominee_name = models.CharField(max_length=200, validators=[validate_person_name])
    nominee_github = models.CharField("Nominee's GitHub handle", max_length=39)
    kind = models.CharField(max_length=30, choices=NominationKind.choices)
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rationale = models.TextField(max_length=EVIDENCE_MAX_LENGTH)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    triage_reason = models.TextField(blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="request_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MODULE_KINDS, module__isnull=False)
                | (~Q(kind__in=MODULE_KINDS) & Q(module__isnull=True)),
                name="request_module_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(triaged_at__isnull=False),
                name="request_triaged_has_time",
            ),
        ]

    def __str__(self) -> str:
        # The admin and the audit log show this to operators: no name of the nominee.
        return f"nomination request #{self.pk} ({self.get_kind_display().lower()})"

    def audit_label(self) -> str:
        return str(self)


KIND_LABELS = dict(NominationKind.choices + ProposalKind.choices)


def role_title(kind_label: str, module_name: str | None, ending_role_kind: str | None) -> str:
    """What a nomination would make or end: "Module reviewer of Autograd", "Move to emeritus
    (core maintainer)"."""
    if module_name is not None:
        return f"{kind_label} of {module_name}"
    if ending_role_kind is not None:
        return f"{kind_label} ({RoleKind(ending_role_kind).label.lower()})"
    return kind_label


class Nomination(models.Model):
    """A nomination, or the vote of a proposal (a proposal kind, no nominee, a `Proposal`)."""

    nominee = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    kind = models.CharField(max_length=30, choices=NominationKind.choices + ProposalKind.choices)
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    ending_role = models.ForeignKey(
        Role,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For a move to emeritus or a removal: the role it would end.",
    )
    nominators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="nominations_made", blank=True
    )
    rationale = models.TextField(max_length=EVIDENCE_MAX_LENGTH)
    request = models.OneToOneField(
        NominationRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nomination",
    )
    status = models.CharField(
        max_length=20, choices=NominationStatus.choices, default=NominationStatus.DRAFT
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    policy = models.JSONField(
        default=dict, blank=True, help_text="The policy in force, frozen when voting opened."
    )
    nominee_consent = models.CharField(
        max_length=10, choices=Consent.choices, blank=True, default=Consent.NOT_ASKED
    )
    seconders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Seconding", related_name="+", blank=True
    )
    voting_deadline = models.DateTimeField(null=True, blank=True)
    voting_opened_at = models.DateTimeField(null=True, blank=True)
    voting_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who started the vote: they do not also decide it or release its announcement.",
    )
    voting_closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("vote", "Vote on this nomination"),
            ("view_evidence", "Read this nomination's evidence thread"),
            ("add_evidence", "Add to this nomination's evidence thread"),
        ]
        indexes = [
            models.Index(
                fields=["voting_deadline"],
                condition=Q(status="voting"),
                name="nomination_voting_deadline_idx",
            ),
            models.Index(fields=["status", "-updated_at"], name="nomination_status_idx"),
            # The dashboard's lists, each in its own order, so a list reads its first rows and
            # stops, however many nominations the project has decided.
            models.Index(
                fields=["-updated_at", "-id"],
                condition=Q(status__in=["draft", "open"]),
                name="nomination_gathering_idx",
            ),
            models.Index(
                fields=["voting_closed_at", "id"],
                condition=Q(status="closed"),
                name="nomination_closed_idx",
            ),
            models.Index(
                fields=["-updated_at", "-id"],
                condition=Q(status__in=["decided", "withdrawn"]),
                name="nomination_ended_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nominee", "kind", "module"],
                condition=Q(status__in=LIVE_STATUSES, module__isnull=False),
                name="nomination_one_live_per_module_role",
                violation_error_message="This person already has a live nomination for this role.",
            ),
            models.UniqueConstraint(
                fields=["nominee", "kind"],
                condition=Q(status__in=LIVE_STATUSES, module__isnull=True),
                name="nomination_one_live_per_project_role",
                violation_error_message="This person already has a live nomination for this role.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MODULE_KINDS, module__isnull=False)
                | Q(kind__in=ENDING_KINDS)
                | (~Q(kind__in=MODULE_KINDS) & Q(module__isnull=True)),
                name="nomination_module_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=ENDING_KINDS) | Q(ending_role__isnull=False),
                name="nomination_ending_names_role",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PROPOSAL_KINDS, nominee__isnull=True)
                | (~Q(kind__in=PROPOSAL_KINDS) & Q(nominee__isnull=False)),
                name="nomination_nominee_unless_proposal",
            ),
            models.CheckConstraint(
                condition=(Q(status="decided") & ~Q(outcome=""))
                | (~Q(status="decided") & Q(outcome="")),
                name="nomination_outcome_iff_decided",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["voting", "closed", "decided"])
                | Q(voting_deadline__isnull=False, voting_opened_at__isnull=False),
                name="nomination_voting_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        # The admin and the audit log show this to operators: no name of the nominee. Pages and
        # messages for those who may know the nominee use `heading`.
        noun = "proposal" if self.is_proposal else "nomination"
        return f"{noun} #{self.pk} ({self.get_kind_display().lower()})"

    def get_absolute_url(self) -> str:
        if self.is_proposal:
            return reverse("nominations:proposal", args=[self.pk])
        return reverse("nominations:detail", args=[self.pk])

    def audit_label(self) -> str:
        return str(self)

    @property
    def is_proposal(self) -> bool:
        return self.kind in PROPOSAL_KINDS

    @property
    def affected_user_id(self) -> int | None:
        """The account of whoever the nomination names; a proposal names no one."""
        return self.nominee.user_id if self.nominee_id else None

    @property
    def heading(self) -> str:
        if self.is_proposal:
            return f"{self.get_kind_display()}: {self.proposal.title}"
        return f"{self.nominee.full_name}: {self.role_title}"

    @property
    def notice_heading(self) -> str:
        """What notifications, which also go by email, call it: a proposal's title is private
        text, so a proposal goes by its number."""
        return str(self).capitalize() if self.is_proposal else self.heading

    @property
    def role_title(self) -> str:
        return role_title(
            self.get_kind_display(),
            self.module.name if self.module_id else None,
            self.ending_role.kind if self.ending_role_id else None,
        )

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def is_draft(self) -> bool:
        return self.status == NominationStatus.DRAFT

    @property
    def is_open_for_evidence(self) -> bool:
        return self.status == NominationStatus.OPEN

    @property
    def is_voting(self) -> bool:
        return self.status == NominationStatus.VOTING

    @property
    def awaits_decision(self) -> bool:
        return self.status == NominationStatus.CLOSED

    @property
    def is_decided(self) -> bool:
        return self.status == NominationStatus.DECIDED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == NominationStatus.WITHDRAWN

    @property
    def takes_no_more_ballots(self) -> bool:
        """The vote closed, or the nomination was withdrawn: no ballot can change any more."""
        return self.status in {
            NominationStatus.CLOSED,
            NominationStatus.DECIDED,
            NominationStatus.WITHDRAWN,
        }


class NominationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Nomination, on_delete=models.CASCADE)


class NominationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Nomination, on_delete=models.CASCADE)


class Criterion(models.TextChoices):
    CONTRIBUTIONS = "contributions", "Depth and breadth of code, review and design contributions"
    TRIAGE = "triage", "Issue triage"
    QUALITY = "quality", "Holds the quality bar"
    COMMITMENT = "commitment", "Commitment to maintain"
    MODULE_SUPPORT = "module_support", "Support from the module's maintainers"
    POSITIVE = "positive", "Positive testimonial"
    NEGATIVE = "negative", "Negative testimonial"
    GENERAL = "general", "General"


class Seconding(models.Model):
    """A core maintainer, other than its nominators, seconds a nomination before its vote."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "user"], name="seconding_once")
        ]

    def __str__(self) -> str:
        return f"Seconding of nomination #{self.nomination_id}"


class EvidenceEntry(models.Model):
    """One entry of the private evidence thread, in Markdown. Edits are kept as revisions."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    criterion = models.CharField(max_length=30, choices=Criterion.choices)
    body = models.TextField(max_length=EVIDENCE_MAX_LENGTH)
    # The body as governance.markdown renders and sanitises it, written with the body by the
    # services: the nomination page shows every entry of the thread on every view.
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["nomination", "created_at"], name="evidence_thread_idx")]

    def __str__(self) -> str:
        return f"Evidence #{self.pk} on nomination #{self.nomination_id}"

    def set_body(self, body: str) -> None:
        self.body = body
        self.body_html = render_markdown(body)


class EvidenceRevision(models.Model):
    """The text an entry had before an edit."""

    entry = models.ForeignKey(EvidenceEntry, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    criterion = models.CharField(max_length=30, choices=Criterion.choices)
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"Earlier text of evidence #{self.entry_id}"


class NominationDecision(models.Model):
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reasons = models.TextField(max_length=EVIDENCE_MAX_LENGTH)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Decision on nomination #{self.nomination_id}: {self.outcome}"


class Feedback(models.Model):
    """Private feedback, drafted by core maintainers and released after the decision."""

    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="feedback")
    to_nominee = models.TextField(max_length=EVIDENCE_MAX_LENGTH)
    to_nominators = models.TextField(max_length=EVIDENCE_MAX_LENGTH)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the nominee has neither an account nor an email address, the core maintainer who
    # releases the feedback says how it reaches them instead.
    other_channel = models.TextField(max_length=1000, blank=True)

    def __str__(self) -> str:
        return f"Feedback on nomination #{self.nomination_id}"


class FeedbackRead(models.Model):
    """When each reader first opened their released feedback."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feedback", "reader"], name="feedback_read_once")
        ]

    def __str__(self) -> str:
        return f"Feedback #{self.feedback_id} read by user #{self.reader_id}"


class Announcement(models.Model):
    """The public word on an accepted nomination. Its release applies the role change."""

    nomination = models.OneToOneField(
        Nomination, on_delete=models.PROTECT, related_name="announcement"
    )
    text = models.TextField(max_length=EVIDENCE_MAX_LENGTH)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-released_at", "-pk"]
        indexes = [
            models.Index(
                fields=["-released_at"],
                condition=Q(released_at__isnull=False),
                name="announcement_released_idx",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]
