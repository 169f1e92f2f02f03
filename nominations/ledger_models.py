"""The vote's record: the electorate frozen when voting opens, the ballot ledger (append-only
and hash-chained) and the tally stored at the close. Part of `nominations.models`, which
re-exports them; they name `Nomination` by string, as that module imports this one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from verify_vote import entry_hash

COMMENT_MAX_LENGTH = 2_000
RECUSAL_REASON_MAX_LENGTH = 300


class Elector(models.Model):
    """A member of the electorate, frozen when voting opened. Recused members stay listed, with
    their reason, and cannot vote.

    `awaiting_vote` is what the core maintainers' dashboard lists as awaiting their vote: the
    vote is open, the elector has not recused and holds no live ballot. The voting services keep
    it in the transaction that changes any of the three (the open, a recusal, a first cast, the
    close or a withdrawal), so the dashboard reads one small index instead of probing the ledger
    of every vote in progress."""

    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.CASCADE, related_name="electors"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recused = models.BooleanField(default=False)
    recusal_reason = models.CharField(max_length=RECUSAL_REASON_MAX_LENGTH, blank=True)
    awaiting_vote = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["user", "nomination"],
                condition=Q(awaiting_vote=True),
                name="elector_awaiting_vote_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "user"], name="elector_once"),
            models.CheckConstraint(
                condition=Q(recused=False) | ~Q(recusal_reason=""),
                name="elector_recusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(recused=False) | Q(awaiting_vote=False),
                name="elector_recused_awaits_no_vote",
            ),
        ]

    def __str__(self) -> str:
        return f"Elector {self.user_id} of nomination #{self.nomination_id}"


class BallotChoice(models.TextChoices):
    APPROVE = "approve", "Approve"
    DECLINE = "decline", "Decline"
    ABSTAIN = "abstain", "Abstain"


class Ballot(models.Model):
    """The ledger: every cast is a new row, never edited, chained by hash within its nomination.

    The latest cast of a voter is live; casting again supersedes it. `superseded_at` is the only
    field ever updated, and it is outside the hash, so the chain proves every cast as cast.
    """

    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="ballots"
    )
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveIntegerField()
    choice = models.CharField(max_length=10, choices=BallotChoice.choices)
    comment = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    cast_at = models.DateTimeField(default=timezone.now)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    # Random per cast and inside the hash, so a receipt cannot be guessed back to its voter and
    # choice; empty on the casts made before receipts.
    nonce = models.CharField(max_length=32, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["nomination", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "sequence"], name="ballot_sequence_once"),
            models.UniqueConstraint(
                fields=["nomination", "voter"],
                condition=Q(superseded_at__isnull=True),
                name="ballot_one_live_per_voter",
            ),
            models.CheckConstraint(
                condition=Q(choice__in=BallotChoice.values), name="ballot_choice_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Ballot {self.sequence} on nomination #{self.nomination_id}"

    def compute_hash(self) -> str:
        # The standalone verifier owns the hash, so the site and `python -m verify_vote` can
        # never hash an entry differently.
        return entry_hash(
            vote=self.nomination_id,
            sequence=self.sequence,
            voter=self.voter_id,
            choice=self.choice,
            comment=self.comment,
            cast_at=self.cast_at.isoformat(),
            previous=self.previous_hash,
            nonce=self.nonce,
        )

    @property
    def receipt(self) -> str:
        """What the voter keeps to find this cast again in the ledger."""
        return self.entry_hash


class Tally(models.Model):
    """The count stored when voting closed. `manage.py recount` recomputes it from the ledger."""

    nomination = models.OneToOneField(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="tally"
    )
    electorate = models.PositiveIntegerField()
    approve = models.PositiveIntegerField()
    decline = models.PositiveIntegerField()
    abstain = models.PositiveIntegerField()
    quorum_met = models.BooleanField()
    passed = models.BooleanField()
    ledger_head = models.CharField(max_length=64)
    closed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "tallies"
        constraints = [
            models.CheckConstraint(
                condition=Q(passed=False) | Q(quorum_met=True), name="tally_pass_needs_quorum"
            ),
        ]

    def __str__(self) -> str:
        return f"Tally of nomination #{self.nomination_id}"

    @property
    def votes(self) -> int:
        return self.approve + self.decline + self.abstain
