"""Meetings: the agenda, notes with redaction markup, decisions, action items, the review of the
minutes and their published versions.

The meeting and its agenda are the private working copy. The public reads only `MinutesVersion`
rows: immutable snapshots, already redacted, written when the minutes are published. Editing the
working copy after publication changes nothing public until a new version is published.

A meeting's status describes the working copy: draft (being written, or changed since the last
publication), in review, or published (the latest version is the working copy as it stands).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from governance.models import Person

NOTES_MAX_LENGTH = 50_000
TEXT_MAX_LENGTH = 5_000
COMMENT_MAX_LENGTH = 2_000
RETRACTION_REASON_MAX_LENGTH = 2_000
# Paths under /meetings/ that are pages, not meetings.
RESERVED_SLUGS = frozenset(
    {"feed", "search", "export", "manage", "new", "import", "action-items", "calendar"}
)


class MeetingKind(models.TextChoices):
    QUARTERLY = "quarterly", "Quarterly core maintainers meeting"
    OTHER = "other", "Other meeting"


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class Meeting(models.Model):
    """Its title, time, kind and announcement link are public (the calendar lists upcoming
    meetings); everything else is private until published as a version."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    # Empty for minutes imported without a date: such a meeting is in no calendar or feed, and
    # cannot be submitted for review, until someone sets its date.
    starts_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    kind = models.CharField(
        max_length=20, choices=MeetingKind.choices, default=MeetingKind.QUARTERLY
    )
    announcement_url = models.URLField(max_length=500, blank=True)
    attendees = models.ManyToManyField(Person, blank=True, related_name="meetings_attended")
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [models.F("starts_at").desc(nulls_first=True), "-pk"]
        indexes = [models.Index(fields=["starts_at"], name="meeting_starts_at_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="meeting_title_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=24 * 60),
                name="meeting_duration_within_a_day",
            ),
            models.CheckConstraint(
                condition=~Q(slug__in=sorted(RESERVED_SLUGS)), name="meeting_slug_not_reserved"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.slug])

    def get_edit_url(self) -> str:
        return reverse("meetings:workspace", args=[self.slug])

    def audit_label(self) -> str:
        return f"meeting {self.slug}"

    @property
    def is_in_review(self) -> bool:
        return self.status == MeetingStatus.IN_REVIEW


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: title, notes, decisions and action items, redacted"
    SUMMARY = "summary", "Summary only: the public reads the title and the public summary"
    PRIVATE = "private", "Private: the public reads that an item was withheld"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    added_day_of_meeting = models.BooleanField(default=False)
    is_vote = models.BooleanField(default=False, help_text="The item is a vote (“Vote on …”).")
    presenters = models.ManyToManyField(Person, blank=True, related_name="agenda_items_presented")
    notes = models.TextField(
        max_length=NOTES_MAX_LENGTH, blank=True, help_text="Markdown with redaction markup."
    )
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    public_summary = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    nominations = models.ManyToManyField(
        "nominations.Nomination", blank=True, related_name="agenda_items"
    )

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="agenda_item_order_once"),
            models.CheckConstraint(condition=~Q(title=""), name="agenda_item_title_not_empty"),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="agenda_item_visibility_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return f"agenda item #{self.pk} of meeting #{self.meeting_id}"


class DecisionOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    NO_ACTION = "no_action", "No action"
    FOLLOW_UP = "follow_up", "Follow-up actions assigned"
    REFERRED = "referred", "Referred to the RFC / design review process"
    DEFERRED = "deferred", "Deferred"


class MeetingDecision(models.Model):
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    text = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    # A board-style motion's mover and seconder, as the minutes name them.
    moved_by = models.CharField(max_length=200, blank=True)
    seconded_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agenda_item", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=DecisionOutcome.values), name="decision_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.text[:60]}"

    def audit_label(self) -> str:
        return f"decision #{self.pk} on agenda item #{self.agenda_item_id}"


class ActionItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class ActionItem(models.Model):
    """Raised under an agenda item. While open, it is carried into the agenda of each later
    meeting (`carried_into`), so nobody has to copy it by hand."""

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="action_items"
    )
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    owners = models.ManyToManyField(Person, blank=True, related_name="action_items")
    # Owners named by imported minutes that match no person, as written, for a person to resolve.
    unmatched_owners = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionItemStatus.choices, default=ActionItemStatus.OPEN
    )
    due_on = models.DateField(null=True, blank=True)
    carried_into = models.ManyToManyField(Meeting, blank=True, related_name="carried_action_items")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status"], name="action_item_status_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="action_item_text_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=ActionItemStatus.values), name="action_item_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_at__isnull=True))
                | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="action_item_closed_iff_not_open",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def audit_label(self) -> str:
        return f"action item #{self.pk} on agenda item #{self.agenda_item_id}"


class Quorum(models.TextChoices):
    UNSTATED = "", "Not stated"
    REACHED = "reached", "Reached"
    NOT_REACHED = "not reached", "Not reached"


class Attendance(models.Model):
    """Who attended, as the minutes say: names as written (an imported file names people the
    roster may not know). Private, like the rest of the working copy."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="attendance")
    present = models.JSONField(default=list, blank=True)
    absent = models.JSONField(default=list, blank=True)
    guests = models.JSONField(default=list, blank=True)
    chair = models.CharField(max_length=200, blank=True)
    note_taker = models.CharField(max_length=200, blank=True)
    quorum = models.CharField(max_length=20, choices=Quorum.choices, blank=True)
    # Imported attendance is private until a person marks it public; then the published
    # minutes list it.
    public = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum__in=Quorum.values), name="attendance_quorum_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance of meeting #{self.meeting_id}"

    def audit_label(self) -> str:
        return f"attendance of meeting #{self.meeting_id}"


class RoundOutcome(models.TextChoices):
    OPEN = "", "Open"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn by an edit"


class ReviewRound(models.Model):
    """One submission of the minutes for review. An edit withdraws it; publication closes it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="review_rounds")
    number = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(help_text="The end of the review window.")
    change_note = models.CharField(
        max_length=300, blank=True, help_text="For a correction: what changed, said publicly."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=RoundOutcome.choices, blank=True)

    class Meta:
        ordering = ["meeting", "-number"]
        indexes = [
            models.Index(
                fields=["closes_at"], condition=Q(closed_at__isnull=True), name="round_open_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="review_round_number_once"),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(closed_at__isnull=True),
                name="review_round_one_open_per_meeting",
            ),
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True) & Q(outcome=""))
                | (Q(closed_at__isnull=False) & Q(outcome__in=["published", "withdrawn"])),
                name="review_round_outcome_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("submitted_at")),
                name="review_round_window_after_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.number} of {self.meeting}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Verdict(models.TextChoices):
    APPROVE = "approve", "Approve"
    OBJECT = "object", "Object"


class Review(models.Model):
    """A core maintainer's verdict on one round; changing it replaces it."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    comment = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "reviewed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "reviewer"], name="review_once_per_round"),
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values), name="review_verdict_valid"
            ),
            models.CheckConstraint(
                condition=~Q(verdict="object") | ~Q(comment=""),
                name="review_objection_has_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} by {self.reviewer_id} on {self.round}"


class MinutesVersion(models.Model):
    """A published, redacted snapshot. Immutable: public pages, feeds, search and exports read
    these rows and nothing else of a meeting but its schedule.

    One change is allowed, once: a core maintainer may retract a version that should never have
    been public (`minutes_version_retract`). Its Markdown and HTML are then replaced by a notice
    of the retraction, in an update of the row rather than a save, and it leaves the feed, the
    search and the exports. Its number stays taken, so the history keeps its place."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    markdown = models.TextField()
    html = models.TextField()
    redaction_log = models.JSONField(
        default=dict, blank=True, help_text="How many redactions, by reason; never what."
    )
    change_note = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # PROTECT: a retraction always names the core maintainer who made it.
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Private, for the core maintainers: it may name what was taken down, so it is kept here and
    # not in the audit log, whose data the operators read in the admin. Not editable: the admin
    # shows no form field for it.
    retraction_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["meeting", "-number"]
        indexes = [models.Index(fields=["-published_at"], name="minutes_version_published_idx")]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="minutes_version_from_one"),
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=True, retracted_by__isnull=True)
                | Q(retracted_at__isnull=False, retracted_by__isnull=False),
                name="minutes_version_retracted_by_whom_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, version {self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A published version is immutable; publish a new version instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("meetings:version", args=[self.meeting.slug, self.number])

    def delete(self, *args, **kwargs):
        raise ValueError("A published version is immutable; publish a new version instead.")

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None
