"""Voting, as DESIGN.md sets it out: the electorate is frozen when voting opens; each cast is
appended to a hash-chained ledger under a row lock on the nomination, so no ballot lands after the
close; one live ballot per voter is a database constraint."""

import datetime
import logging
import secrets
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from guardian.ctypes import get_content_type

from governance import permissions
from governance.compiled_queries import ID_MARKS, CompiledQuery
from governance.selectors import core_maintainer_users
from governance.services import audit_record
from governance.services.base import require
from nominations.errors import NominationError
from nominations.models import (
    COMMENT_MAX_LENGTH,
    ENDING_KINDS,
    GENESIS_HASH,
    RECUSAL_REASON_MAX_LENGTH,
    Ballot,
    BallotChoice,
    Elector,
    Method,
    Nomination,
    NominationStatus,
    Tally,
)
from nominations.selectors import count_ledger
from nominations.services.common import (
    VOTE_PERMISSION,
    clean_text,
    locked,
    notify,
    notify_many,
    revoke_votes,
    touch,
)
from nominations.services.consent import before_vote_refusal
from nominations.services.receipts import receipt_send
from nominations.voting_rules import policy_for_nomination, quorum_met, vote_passes

REMINDER_BEFORE = datetime.timedelta(hours=24)
# Votes reminded per tick (beat runs the scan every minute): the tick holds their row locks,
# which a cast waits on, so it stays short (about 10 ms a vote at the bench scale); any left over
# are reminded a minute later, still about a day before their deadline.
REMINDERS_PER_TICK = 5
logger = logging.getLogger(__name__)


# Voting ---------------------------------------------------------------------------------------


def _electors(nomination: Nomination) -> list[Elector]:
    """The electorate as it would be frozen now: every active core maintainer, the nominee
    recused. For a move to emeritus or a removal, the nominee is whoever it would remove
    (`nomination_create` holds the ending role to the nominee's); for an emeritus batch, each
    of the people it would move."""
    if nomination.is_proposal:
        reason = "Whoever the proposal would move to emeritus does not vote on it."
        affected = {
            role.person.user_id
            for role in nomination.proposal.emeritus_roles.select_related("person")
        }
    else:
        if nomination.kind in ENDING_KINDS:
            reason = "Whoever the nomination would remove does not vote on it."
        else:
            reason = "The nominee does not vote on their own nomination."
        affected = {nomination.nominee.user_id}
    affected.discard(None)
    return [
        Elector(
            nomination=nomination,
            user=user,
            recused=user.pk in affected,
            recusal_reason=reason if user.pk in affected else "",
            awaiting_vote=user.pk not in affected,
        )
        for user in core_maintainer_users()
    ]


def voting_open_refusal(*, actor, nomination: Nomination) -> str:
    """Why `actor` cannot start the vote on this open nomination now, or "" if they can. The
    nomination page shows it next to the disabled button; `voting_open` refuses with it."""
    policy = policy_for_nomination(nomination)
    if not permissions.can_start_vote(actor, nomination, lead_confirms=policy.lead_confirms):
        if permissions.can_manage_nomination(actor, nomination):
            return (
                "The lead core maintainer confirms this kind of nomination, so another core "
                "maintainer starts its vote: whoever starts a vote does not decide it."
            )
        return "Only core maintainers start a vote."
    if not nomination.is_proposal:
        refusal = before_vote_refusal(nomination, seconders_needed=policy.seconders)
        if refusal:
            return refusal
    voters = sum(1 for elector in _electors(nomination) if not elector.recused)
    if voters < policy.min_voters:
        return (
            f"A vote needs at least {policy.min_voters} core maintainers who can vote; "
            f"{voters} can vote on this nomination."
        )
    return ""


@sensitive_variables()
@transaction.atomic
def voting_open(
    *,
    actor,
    nomination: Nomination,
    deadline: datetime.datetime | None = None,
) -> Nomination:
    """Freeze the electorate (active core maintainers, the nominee recused) and the policy,
    grant each voter the per-object vote permission, and tell every core maintainer.

    Nobody recuses anyone else: a core maintainer with a conflict recuses themselves
    (`elector_recuse`)."""
    require(
        permissions.can_manage_nomination(actor, nomination), "Only core maintainers start a vote."
    )
    nomination = locked(nomination)
    if nomination.status != NominationStatus.OPEN:
        raise NominationError("Voting starts on a nomination that is open for evidence.")
    refusal = voting_open_refusal(actor=actor, nomination=nomination)
    if refusal:
        raise NominationError(refusal)
    policy = policy_for_nomination(nomination)
    now = timezone.now()
    # The page's deadline field is to the minute, so the minimum is too: a deadline within the
    # minute before `now + minimum` (as one set a moment ago is, once the clock ticks over)
    # still counts as the minimum.
    earliest = (
        now + datetime.timedelta(days=policy.min_voting_days) - datetime.timedelta(minutes=1)
    ).replace(second=0, microsecond=0)
    deadline = deadline or now + datetime.timedelta(days=policy.voting_days)
    if deadline < earliest:
        raise ValidationError(
            {
                "deadline": f"A vote on this kind of nomination runs at least "
                f"{policy.min_voting_days} days: set the deadline on or after "
                f"{earliest:%Y-%m-%d %H:%M} UTC."
            }
        )
    electors = _electors(nomination)
    voters = [elector.user for elector in electors if not elector.recused]
    Elector.objects.bulk_create(electors)
    permissions.grant_object_permission_to_users(VOTE_PERMISSION, voters, nomination)
    touch(
        nomination,
        status=NominationStatus.VOTING,
        policy=policy.frozen(),
        voting_opened_at=now,
        voting_opened_by=actor,
        voting_deadline=deadline,
    )
    audit_record(
        actor=actor,
        verb="nomination.voting_opened",
        target=nomination,
        data={
            "electorate": [elector.user.pk for elector in electors],
            "voters": [user.pk for user in voters],
            "deadline": deadline.isoformat(),
        },
    )
    notify(
        nomination,
        "voting",
        [elector.user for elector in electors],
        f"Voting is open: {nomination.notice_heading}",
        f"Voting is open until {deadline:%Y-%m-%d %H:%M} UTC. Read the evidence and vote, or, "
        "if you have a conflict of interest, recuse yourself on the vote page before voting.",
    )
    return nomination


@sensitive_variables()
@transaction.atomic
def elector_recuse(*, actor, nomination: Nomination, reason: str) -> Elector:
    """A voter steps out of this vote for a conflict of interest, before casting a ballot.
    Their vote grant goes; they stay in the electorate that quorum and threshold count."""
    require(
        permissions.can_recuse(actor, nomination),
        "Only a core maintainer who can vote on this nomination recuses themselves.",
    )
    reason = clean_text(reason, field="reason", limit=RECUSAL_REASON_MAX_LENGTH)
    nomination = locked(nomination)
    if nomination.status != NominationStatus.VOTING:
        raise NominationError("Voting on this nomination is closed.")
    if Ballot.objects.filter(nomination=nomination, voter=actor).exists():
        raise NominationError("You have voted on this nomination; a recusal comes before voting.")
    elector = Elector.objects.select_for_update().get(
        nomination=nomination, user=actor, recused=False
    )
    elector.recused = True
    elector.recusal_reason = reason
    elector.awaiting_vote = False
    elector.save(update_fields=["recused", "recusal_reason", "awaiting_vote"])
    permissions.revoke_object_permission(VOTE_PERMISSION, actor, nomination)
    audit_record(actor=actor, verb="nomination.elector_recused", target=nomination)
    return elector


def _live_ballots(nomination: Nomination):
    return Ballot.objects.filter(nomination=nomination, superseded_at__isnull=True)


def _everyone_has_voted(nomination: Nomination) -> bool:
    voted = _live_ballots(nomination).filter(voter=OuterRef("user"))
    return not (
        Elector.objects.filter(nomination=nomination, recused=False).exclude(Exists(voted)).exists()
    )


def _chain_head_and_live(nomination: Nomination, voter) -> tuple[Ballot | None, Ballot | None]:
    """The last entry of the ledger and the voter's live ballot (often the same row), in one
    query. Read under the nomination's lock, which every append holds, so no entry lands after
    the head read here until this cast commits. In SQL, as every cast asks it: the ORM took
    five times longer to compile it than the database to answer it."""
    ballots = connection.ops.quote_name(Ballot._meta.db_table)
    head = live = None
    for ballot in Ballot.objects.raw(
        f"SELECT * FROM {ballots} WHERE nomination_id = %s AND (sequence = "
        f"(SELECT MAX(sequence) FROM {ballots} WHERE nomination_id = %s) "
        "OR (voter_id = %s AND superseded_at IS NULL))",
        (nomination.pk, nomination.pk, voter.pk),
    ):
        if head is None or ballot.sequence > head.sequence:
            head = ballot
        if ballot.voter_id == voter.pk and ballot.superseded_at is None:
            live = ballot
    return head, live


def _in_electorate(user_id: int) -> RawSQL:
    elector = connection.ops.quote_name(Elector._meta.db_table)
    nominations = connection.ops.quote_name(Nomination._meta.db_table)
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {elector} elector WHERE elector.nomination_id = "
        f"{nominations}.id AND elector.user_id = %s AND NOT elector.recused)",
        (user_id,),
        output_field=BooleanField(),
    )


# Compiled once per process (governance.compiled_queries): building it through the ORM cost
# the busiest action more than the database took to run it.
_LOCKED_FOR_CAST = CompiledQuery(
    lambda pk, user_id, content_type_id: (
        Nomination.objects.select_for_update()
        .filter(pk=pk)
        .order_by()
        .values(
            "status",
            "voting_deadline",
            "policy",
            vote_right=permissions.vote_right_of_user_id(
                user_id, Nomination, content_type_id=content_type_id
            ),
            in_electorate=_in_electorate(user_id),
        )
    ),
    *ID_MARKS,
)


def _lock_for_cast(nomination: Nomination, actor) -> bool:
    """Lock the nomination and read afresh what a cast races on (its status, deadline and
    frozen rule, set on `nomination`) and whether `actor` may vote on it, all in one query.

    The right (a role revoked a moment ago ends it) is read from the snapshot the query starts
    with, before it waits for the lock every cast on this nomination queues on. While it waits
    the right cannot widen, and a close or a withdrawal, which revoke the grants, shows in the
    status, which the lock reads as committed. The people the nomination names are fixed
    before its vote opens, so they are not read again. The elector check is SQL beside
    `permissions.vote_right`, which it joins."""
    [rows] = _LOCKED_FOR_CAST.rows(nomination.pk, actor.pk, get_content_type(Nomination).pk)
    if not rows:
        raise Nomination.DoesNotExist("The nomination was deleted.")
    [(nomination.status, nomination.voting_deadline, nomination.policy, right, in_electorate)] = (
        rows
    )
    return permissions.vote_right_holds(actor, right) and in_electorate


@sensitive_variables()
@transaction.atomic
def ballot_cast(*, actor, nomination: Nomination, choice: str, comment: str = "") -> Ballot:
    may_vote = _lock_for_cast(nomination, actor)
    if nomination.status != NominationStatus.VOTING:
        raise NominationError("Voting on this nomination is closed; your vote was not recorded.")
    now = timezone.now()
    if nomination.voting_deadline <= now:
        raise NominationError("The deadline has passed; your vote was not recorded.")
    if not may_vote:
        raise PermissionDenied("You are not in the electorate of this nomination.")
    if choice not in BallotChoice.values:
        raise ValidationError({"choice": "Choose approve, decline or abstain."})
    comment = clean_text(comment, field="comment", limit=COMMENT_MAX_LENGTH, required=False)
    if (
        choice == BallotChoice.DECLINE
        and not comment
        and nomination.policy.get("method") == Method.CONSENT
    ):
        raise ValidationError({"comment": "A block must give its reason."})
    head, live = _chain_head_and_live(nomination, actor)
    if live is not None and live.choice == choice and live.comment == comment:
        live.nomination = nomination
        return live
    if live is not None:
        Ballot.objects.filter(pk=live.pk).update(superseded_at=now)
    else:
        Elector.objects.filter(nomination=nomination, user_id=actor.pk).update(awaiting_vote=False)
    ballot = Ballot(
        nomination=nomination,
        voter=actor,
        sequence=(head.sequence + 1) if head else 1,
        choice=choice,
        comment=comment,
        cast_at=now,
        previous_hash=head.entry_hash if head else GENESIS_HASH,
        nonce=secrets.token_hex(16),
    )
    ballot.entry_hash = ballot.compute_hash()
    ballot.save()
    receipt_send(ballot)
    audit_record(
        actor=actor, verb="ballot.cast", target=nomination, data={"sequence": ballot.sequence}
    )
    # Every cast waits on the nomination's lock, so the check costs a query only where the
    # policy closes early.
    if nomination.policy.get("early_close") and _everyone_has_voted(nomination):
        _close(actor=None, nomination=nomination, now=now)
    return ballot


def _close(*, actor, nomination: Nomination, now: datetime.datetime) -> Tally:
    count, head = count_ledger(nomination)
    met = quorum_met(nomination.policy, count)
    tally = Tally.objects.create(
        nomination=nomination,
        electorate=count.electorate,
        approve=count.approve,
        decline=count.decline,
        abstain=count.abstain,
        quorum_met=met,
        passed=vote_passes(nomination.policy, count),
        ledger_head=head,
        closed_at=now,
    )
    revoke_votes(nomination)
    touch(nomination, status=NominationStatus.CLOSED, voting_closed_at=now)
    audit_record(
        actor=actor,
        verb="nomination.voting_closed",
        target=nomination,
        data={"passed": tally.passed, "quorum_met": tally.quorum_met},
    )
    result = "passed" if tally.passed else "did not pass"
    notify(
        nomination,
        "closed",
        core_maintainer_users(),
        f"Voting closed: {nomination.notice_heading}",
        f"Voting has closed and the vote {result}. The decision is recorded next.",
    )
    return tally


@transaction.atomic
def voting_close(*, actor, nomination: Nomination) -> Tally:
    """Close at or after the deadline (the beat scan), or early once everyone has voted.

    Idempotent: closing a closed nomination returns its tally and changes nothing.
    """
    if actor is not None:
        require(
            permissions.can_manage_nomination(actor, nomination),
            "Only core maintainers close votes.",
        )
    nomination = locked(nomination)
    if nomination.status in (NominationStatus.CLOSED, NominationStatus.DECIDED):
        return nomination.tally
    if nomination.status != NominationStatus.VOTING:
        raise NominationError("This nomination is not in voting.")
    now = timezone.now()
    if nomination.voting_deadline > now:
        if not nomination.policy.get("early_close"):
            raise NominationError("This kind of vote runs until its deadline.")
        if not _everyone_has_voted(nomination):
            raise NominationError("Voting closes early only once everyone has voted.")
    return _close(actor=actor, nomination=nomination, now=now)


def voting_close_expired(*, nomination_id: int) -> bool:
    """Close one vote whose deadline has passed, in its own transaction: the beat scan queues
    one of these per due vote. Returns whether it closed; a rerun, or a vote closed or withdrawn
    meanwhile, changes nothing."""
    try:
        with transaction.atomic():
            nomination = locked(Nomination(pk=nomination_id))
            now = timezone.now()
            if nomination.status != NominationStatus.VOTING or nomination.voting_deadline > now:
                return False
            _close(actor=None, nomination=nomination, now=now)
            return True
    except NominationError:
        # A broken ledger stays open for a person to look at; the other votes still close.
        logger.exception("Could not close the vote on nomination #%s", nomination_id)
        return False


@transaction.atomic
def voting_remind_due() -> int:
    """The beat scan: once per vote, a day before the deadline, remind who has not voted.

    Due votes are taken together, up to REMINDERS_PER_TICK: locked (skipping any that a cast or
    a close holds; the next tick takes them), marked reminded in one update, and their
    reminders queued in one insert.
    """
    now = timezone.now()
    due = list(
        Nomination.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            status=NominationStatus.VOTING,
            reminded_at__isnull=True,
            voting_deadline__gt=now,
            voting_deadline__lte=now + REMINDER_BEFORE,
        )
        .select_related("nominee", "module")
        .order_by("voting_deadline", "pk")[:REMINDERS_PER_TICK]
    )
    if not due:
        return 0
    voted = Ballot.objects.filter(
        nomination=OuterRef("nomination"), voter=OuterRef("user"), superseded_at__isnull=True
    )
    waiting = defaultdict(list)
    for elector in (
        Elector.objects.filter(nomination__in=due, recused=False)
        .exclude(Exists(voted))
        .select_related("user")
        .order_by("pk")
    ):
        waiting[elector.nomination_id].append(elector.user)
    notify_many(
        (
            nomination,
            "reminder",
            waiting[nomination.pk],
            f"Reminder: your vote is needed: {nomination.notice_heading}",
            f"Voting closes at {nomination.voting_deadline:%Y-%m-%d %H:%M} UTC.",
        )
        for nomination in due
    )
    Nomination.objects.filter(pk__in=[nomination.pk for nomination in due]).update(
        reminded_at=now, updated_at=now
    )
    return len(due)
