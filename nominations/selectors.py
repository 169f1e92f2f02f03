"""Reads for the nomination pages, each a fixed number of queries whatever the data size."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe

from governance import permissions
from governance.compiled_queries import CompiledQuery
from governance.integration_selectors import forum_topic_annotations
from governance.models import Invitation, Notification, Person, Role
from nominations import voting_rules
from nominations.dashboard_selectors import with_people
from nominations.errors import NominationError
from nominations.models import (
    GENESIS_HASH,
    PROPOSAL_KINDS,
    Announcement,
    Ballot,
    BallotChoice,
    Criterion,
    Elector,
    EvidenceEntry,
    EvidenceRevision,
    Feedback,
    FeedbackRead,
    Nomination,
    NominationDecision,
    NominationRequest,
    NominationStatus,
    Tally,
)


def nomination_for_page(pk: int) -> Nomination | None:
    """The nomination with everything its page shows but the outcome (`outcome_of`), in five
    queries whatever the thread size: the nomination with its people (the nominee's account
    too), and, as display rows, its nominators (`nominated_by`), its evidence thread
    (`thread`), its electorate (`electorate`) and its live ballots (`live_ballots`)."""
    [nomination] = _NOMINATION.objects(pk) or [None]
    return _with_page_rows(nomination)


FORMER_MEMBER = "a former member"


def _name(username: str | None, full_name: str | None, github: str | None) -> str:
    """A user as the `person_name` filter names them, from a values row."""
    if username is None:
        return FORMER_MEMBER
    return Person.label(full_name, github) if full_name is not None else username


@dataclass(frozen=True)
class ThreadEntry:
    """An evidence entry as the page shows it. `nomination` and `author_id` are what
    `permissions.can_edit_evidence` asks."""

    pk: int
    nomination: Nomination
    author_id: int | None
    author_name: str
    criterion_label: str
    body_html: SafeString
    created_at_iso: str  # as `|date:"c"` gives it
    created_at_shown: str  # as `|date:"M j, Y H:i"` gives it
    edited_at: datetime.datetime | None
    revision_count: int


class _DateWriter:
    """Datetimes in the current time zone as the `date` filter writes them with the formats "c"
    and "M j, Y H:i", for the thread's entries: the filter took 60 µs a date, and a thread of
    twenty entries has forty."""

    def __init__(self) -> None:
        self._zone = timezone.get_current_timezone()
        self._months = {}

    def local(self, value: datetime.datetime) -> datetime.datetime:
        return value.astimezone(self._zone)

    def shown(self, local: datetime.datetime) -> str:
        month = self._months.get(local.month)
        if month is None:
            month = self._months[local.month] = dateformat.format(local, "M")
        return f"{month} {local.day}, {local.year:04d} {local.hour:02d}:{local.minute:02d}"


@dataclass(frozen=True)
class ElectorRow:
    user_id: int
    name: str
    recused: bool
    recusal_reason: str


@dataclass(frozen=True)
class LiveBallot:
    voter_id: int
    voter_name: str
    choice: str
    choice_label: str
    comment: str


@dataclass(frozen=True)
class Nominator:
    user_id: int
    username: str
    name: str
    email: str


# The columns `_name` names a user from, read through a row's `user`.
_USER_NAMED = ("user__username", "user__person__full_name", "user__person__github")

# The page's display rows, each query compiled once per process (governance.compiled_queries).
_revisions_counted = (
    EvidenceRevision.objects.filter(entry=OuterRef("pk"))
    .order_by()
    .values("entry")
    .annotate(count=Count("pk"))
    .values("count")
)
_THREAD = CompiledQuery(
    lambda nomination_id: (
        EvidenceEntry.objects.filter(nomination_id=nomination_id)
        .order_by("created_at", "pk")
        .values_list(
            "pk",
            "author_id",
            "author__username",
            "author__person__full_name",
            "author__person__github",
            "criterion",
            "body_html",
            "created_at",
            "edited_at",
        )
        # Counted in a subquery: grouping the entries by every column they show cost the
        # database more than the rest of the query.
        .annotate(revision_count=Coalesce(Subquery(_revisions_counted), 0))
    )
)
_ELECTORATE = CompiledQuery(
    lambda nomination_id: (
        Elector.objects.filter(nomination_id=nomination_id)
        .order_by("pk")
        .values_list("user_id", *_USER_NAMED, "recused", "recusal_reason")
    )
)
_LIVE_BALLOTS = CompiledQuery(
    lambda nomination_id: (
        Ballot.objects.filter(nomination_id=nomination_id, superseded_at__isnull=True)
        .order_by("sequence")
        .values_list("voter_id", "choice", "comment")
    )
)
_NOMINATORS = CompiledQuery(
    lambda nomination_id: (
        Nomination.nominators.through.objects.filter(nomination_id=nomination_id)
        .order_by("pk")
        .values_list("user_id", *_USER_NAMED, "user__email")
    )
)


def _thread(nomination: Nomination) -> list[ThreadEntry]:
    criteria = dict(Criterion.choices)
    dates = _DateWriter()
    [rows] = _THREAD.rows(nomination.pk)
    return [
        ThreadEntry(
            pk=pk,
            nomination=nomination,
            author_id=author_id,
            author_name=_name(username, full_name, github),
            criterion_label=criteria.get(criterion, criterion),
            body_html=mark_safe(body_html),
            created_at_iso=(local := dates.local(created_at)).isoformat(),
            created_at_shown=dates.shown(local),
            edited_at=edited_at,
            revision_count=revisions,
        )
        for (
            pk,
            author_id,
            username,
            full_name,
            github,
            criterion,
            body_html,
            created_at,
            edited_at,
            revisions,
        ) in rows
    ]


def _electorate(nomination: Nomination) -> list[ElectorRow]:
    [rows] = _ELECTORATE.rows(nomination.pk)
    return [
        ElectorRow(user_id, _name(username, full_name, github), recused, reason)
        for user_id, username, full_name, github, recused, reason in rows
    ]


def _live_ballots(nomination: Nomination, names: dict[int, str]) -> list[LiveBallot]:
    """Every voter is an elector, whose name `names` holds already."""
    choices = dict(BallotChoice.choices)
    [rows] = _LIVE_BALLOTS.rows(nomination.pk)
    return [
        LiveBallot(voter_id, names.get(voter_id, FORMER_MEMBER), choice, choices[choice], comment)
        for voter_id, choice, comment in rows
    ]


def _nominated_by(nomination: Nomination) -> list[Nominator]:
    [rows] = _NOMINATORS.rows(nomination.pk)
    return [
        Nominator(user_id, username, _name(username, full_name, github), email)
        for user_id, username, full_name, github, email in rows
    ]


_NOMINATION = CompiledQuery(
    lambda pk: with_people(Nomination.objects.filter(pk=pk)).select_related("nominee__user")
)


def _with_page_rows(nomination: Nomination | None) -> Nomination | None:
    if nomination is not None:
        nomination.nominated_by = _nominated_by(nomination)
        nomination.thread = _thread(nomination)
        nomination.electorate = _electorate(nomination)
        names = {elector.user_id: elector.name for elector in nomination.electorate}
        nomination.live_ballots = _live_ballots(nomination, names)
    return nomination


def proposal_for_page(pk: int) -> Nomination | None:
    """A proposal's vote with what its page shows: the nomination page's queries (its evidence
    thread is empty), the proposal and its taxonomy draft joined in, and one more for the roles
    of an emeritus batch."""
    roles = Role.objects.select_related("person", "module").order_by("pk")
    return _with_page_rows(
        with_people(Nomination.objects.filter(pk=pk, kind__in=PROPOSAL_KINDS))
        .select_related("nominee__user", "proposal", "proposal__taxonomy_proposal")
        .prefetch_related(Prefetch("proposal__emeritus_roles", queryset=roles))
        .first()
    )


@dataclass(frozen=True)
class InvitedMaintainer:
    name: str
    has_evidence: bool


_INVITED = CompiledQuery(
    lambda nomination_id: (
        permissions.direct_grants("nominations.view_evidence", Nomination)
        .filter(content_object_id=nomination_id, user__is_active=True)
        .values_list("user_id", *_USER_NAMED)
    )
)


def invitations_of(nomination: Nomination) -> list[InvitedMaintainer]:
    """Who is invited into the evidence thread, by name, and whether each has added evidence
    (read from the thread `nomination_for_page` loaded). One query."""
    [rows] = _INVITED.rows(nomination.pk)
    authors = {entry.author_id for entry in nomination.thread}
    invited = [
        InvitedMaintainer(_name(username, full_name, github), user_id in authors)
        for user_id, username, full_name, github in rows
    ]
    return sorted(invited, key=lambda invitation: invitation.name.casefold())


@dataclass(frozen=True)
class VoteOutcome:
    """What the vote left, with its announcement's forum topic (`forum_topic_annotations`'
    names, so that `forum_state` reads it): the topic exists only once the announcement does."""

    tally: Tally | None = None
    decision: NominationDecision | None = None
    feedback: Feedback | None = None
    announcement: Announcement | None = None
    forum_topic_pk: int | None = None
    forum_topic_url: str | None = None
    forum_topic_error: str | None = None


OUTCOME_PARTS = ("tally", "decision", "feedback", "announcement")


def outcome_of(nomination: Nomination) -> VoteOutcome:
    """What the vote left behind. None of it exists before the close, so an open nomination's
    page asks nothing more, and a closed one's a query. Joined into the page's main query, these
    made PostgreSQL plan eleven joins on every view of every nomination."""
    if nomination.voting_closed_at is None:
        return VoteOutcome()
    topic = forum_topic_annotations("announcement")
    parts = (
        Nomination.objects.filter(pk=nomination.pk)
        .select_related(*OUTCOME_PARTS, "decision__decided_by__person")
        .annotate(**topic)
        .get()
    )
    return VoteOutcome(
        **{part: getattr(parts, part, None) for part in OUTCOME_PARTS},
        **{name: getattr(parts, name) for name in topic},
    )


_NOMINATION_FOR_ACTION = CompiledQuery(
    lambda pk: with_people(Nomination.objects.filter(pk=pk)).order_by()
)


def nomination_for_action(pk: int) -> Nomination | None:
    """The nomination a step acts on, with the people and module its pages and notices name.
    Every step reads it, so the query is compiled once per process, unordered (one row)."""
    return next(iter(_NOMINATION_FOR_ACTION.objects(pk)), None)


_NOMINATION_FOR_CAST = CompiledQuery(
    lambda pk: (
        Nomination.objects.select_related("nominee", "module", "ending_role")
        .only("kind", "nominee__user_id", "nominee__full_name", "module__name", "ending_role__kind")
        .filter(pk=pk)
        .order_by()
    )
)


def nomination_for_cast(pk: int) -> Nomination | None:
    """What the access check and a cast read of a nomination beyond what `ballot_cast` reads
    under its lock: whose it is (the check, and who its notices leave out) and the words of its
    heading (the receipt). A cast is the busiest action, and every column costs to load; the
    query is compiled once per process, unordered (there is one row)."""
    return next(iter(_NOMINATION_FOR_CAST.objects(pk)), None)


def announcements_public() -> QuerySet[Announcement]:
    """Released announcements only: a declined or unannounced nomination never shows here. Each
    carries its forum topic's address (`forum_topic_url`, None without one)."""
    forum = forum_topic_annotations("announcement", "nomination_id")
    return (
        Announcement.objects.filter(released_at__isnull=False)
        .select_related("nomination__nominee", "nomination__module")
        .annotate(forum_topic_url=forum["forum_topic_url"])
        .order_by("-released_at", "-pk")
    )


def announcements_matching(terms: list[str], limit: int) -> list[Announcement]:
    """Released announcements whose text holds every term, newest first. One query."""
    announcements = Announcement.objects.filter(released_at__isnull=False).only(
        "text", "released_at"
    )
    for term in terms:
        announcements = announcements.filter(text__icontains=term)
    return list(announcements.order_by("-released_at", "-pk")[:limit])


def evidence_entry(pk: int) -> EvidenceEntry | None:
    return (
        EvidenceEntry.objects.filter(pk=pk)
        .select_related("nomination", "nomination__nominee", "author")
        .prefetch_related("revisions__replaced_by")
        .first()
    )


def request_for_triage(pk: int) -> NominationRequest | None:
    """The request with its requester, its module, and the nomination taken up from it (which
    `permissions.can_view_request` asks about), in one query."""
    return (
        NominationRequest.objects.filter(pk=pk)
        .select_related("requester__person", "module", "nomination")
        .first()
    )


def votes_past_deadline() -> list[int]:
    """The votes the beat scan closes, by the status-and-deadline index."""
    return list(
        Nomination.objects.filter(
            status=NominationStatus.VOTING, voting_deadline__lte=timezone.now()
        )
        .order_by("voting_deadline", "pk")
        .values_list("pk", flat=True)
    )


def nomination_for_feedback(pk: int) -> Nomination | None:
    """The nomination with its people, feedback and the role it ends. One query."""
    return (
        Nomination.objects.filter(pk=pk)
        .select_related("nominee", "module", "feedback", "ending_role")
        .first()
    )


def count_ledger(nomination: Nomination) -> tuple[voting_rules.Count, str]:
    """Count the latest cast of each elector, straight from the ledger; verify the chain.

    Returns the count and the head hash. Raises NominationError if the chain is broken.
    """
    previous = GENESIS_HASH
    latest: dict[int, str] = {}
    for ballot in Ballot.objects.filter(nomination=nomination).order_by("sequence"):
        if ballot.previous_hash != previous or ballot.compute_hash() != ballot.entry_hash:
            raise NominationError(
                f"The ledger of nomination #{nomination.pk} is broken at ballot {ballot.sequence}."
            )
        latest[ballot.voter_id] = ballot.choice
        previous = ballot.entry_hash
    electors = dict(Elector.objects.filter(nomination=nomination).values_list("user", "recused"))
    strays = {voter for voter in latest if electors.get(voter, True)}
    if strays:
        raise NominationError(
            f"The ledger of nomination #{nomination.pk} holds ballots from outside the electorate."
        )
    if nomination.policy.get("counts_recused", False):
        electorate = len(electors)
    else:
        electorate = sum(1 for recused in electors.values() if not recused)
    choices = list(latest.values())
    count = voting_rules.Count(
        electorate=electorate,
        approve=choices.count(BallotChoice.APPROVE),
        decline=choices.count(BallotChoice.DECLINE),
        abstain=choices.count(BallotChoice.ABSTAIN),
    )
    return count, previous


# Reaching the people a nomination names ---------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """Whether someone the nomination names can be reached: an account here (their inbox), a
    verified email address, both or neither."""

    role: str
    name: str
    has_account: bool
    has_email: bool

    @property
    def reach(self) -> str:
        if self.has_account and self.has_email:
            return "account and verified email"
        if self.has_account:
            return "account, no email"
        if self.has_email:
            return "email only, no account"
        return "neither account nor email"


def contacts_of(nomination: Nomination) -> list[Contact]:
    """The nominee and each nominator, as the core maintainers see them, from what
    `nomination_for_page` loaded: no query."""
    nominee = nomination.nominee
    contacts = [
        Contact(
            "nominee",
            nominee.full_name,
            has_account=nominee.user_id is not None,
            has_email=bool((nominee.user.email if nominee.user else "") or nominee.email),
        )
    ]
    for nominator in sorted(nomination.nominated_by, key=lambda nominator: nominator.username):
        contacts.append(
            Contact("nominator", nominator.name, has_account=True, has_email=bool(nominator.email))
        )
    return contacts


def feedback_read_at(feedback: Feedback, user) -> datetime.datetime | None:
    """When `user` said they had read `feedback`, or None. One query."""
    return (
        FeedbackRead.objects.filter(feedback=feedback, reader=user)
        .values_list("first_read_at", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Delivery:
    reader: str
    channel: str
    delivered_at: datetime.datetime | None
    first_read_at: datetime.datetime | None


def feedback_deliveries(nomination: Nomination, feedback: Feedback | None) -> list[Delivery]:
    """How the released feedback reached each reader (inbox, email, an invitation, or another
    way a core maintainer recorded), when, and when each first read it. Three queries."""
    if feedback is None or feedback.released_at is None:
        return []
    event_key = f"nomination-feedback:{nomination.pk}"
    reads = dict(feedback.reads.values_list("reader_id", "first_read_at"))
    deliveries = [
        Delivery(
            note.recipient.get_username(),
            note.get_channel_display(),
            note.sent_at,
            # Read: said so on the feedback page, or else marked read in the inbox.
            reads.get(note.recipient_id) or note.read_at,
        )
        for note in Notification.objects.filter(event_key=event_key)
        .select_related("recipient")
        .order_by("recipient__username", "channel")
    ]
    nominee = nomination.nominee
    for invitation in Invitation.objects.filter(event_key=event_key, person_id=nominee.pk):
        deliveries.append(
            Delivery(
                nominee.full_name,
                "Invitation email",
                invitation.sent_at,
                invitation.accepted_at,
            )
        )
    if feedback.other_channel:
        deliveries.append(
            Delivery(
                nominee.full_name,
                f"Another way: {feedback.other_channel}",
                feedback.released_at,
                None,
            )
        )
    return deliveries
